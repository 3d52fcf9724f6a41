// Reading the mail the server sent to the SMTP server on loopback (aiosmtpd's maildir, see
// playwright.config.ts): the newest message to an address, its decoded body, its code or link.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { maildir } from '../smtp';

export interface Mail {
  to: string;
  subject: string;
  body: string;
}

function header(head: string, name: string): string {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

function decodeBody(head: string, body: string): string {
  const encoding = header(head, 'Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const joined = body.replace(/=\r?\n/g, '');
    return Buffer.from(
      joined.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  }
  return body;
}

/** Every message received so far, oldest first. */
export function allMail(): Mail[] {
  const dir = join(maildir, 'new');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ path: join(dir, name), name }))
    .sort((a, b) => statSync(a.path).mtimeMs - statSync(b.path).mtimeMs || a.name.localeCompare(b.name))
    .map(({ path }) => {
      const raw = readFileSync(path, 'utf8');
      const split = raw.search(/\r?\n\r?\n/);
      const head = raw.slice(0, split);
      const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
      return { to: header(head, 'To'), subject: header(head, 'Subject'), body: decodeBody(head, body) };
    });
}

/** Waits for the newest message to `email` whose subject matches `subject`, newer than `after` messages. */
export async function waitForMail(email: string, subject: RegExp, after = 0): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      () => {
        found = allMail()
          .slice(after)
          .reverse()
          .find((m) => m.to.includes(email) && subject.test(m.subject));
        return found !== undefined;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found as Mail;
}

/** How many messages have arrived: pass it to waitForMail as `after` to wait for a new one. */
export function mailCount(): number {
  return allMail().length;
}

/** How many messages `email` has received. */
export function mailCountTo(email: string): number {
  return allMail().filter((m) => m.to.includes(email)).length;
}

/** The 8-digit code in a code message's subject. */
export function codeOf(mail: Mail): string {
  const match = /(\d{8})\s*$/.exec(mail.subject);
  if (!match) throw new Error(`no code in "${mail.subject}"`);
  return match[1];
}

/** The "end this session" link of a new-sign-in message. */
export function endLinkOf(mail: Mail): string {
  const match = /(https?:\/\/\S+\/session\/end#[A-Za-z0-9_-]{43})/.exec(mail.body);
  if (!match) throw new Error(`no end link in:\n${mail.body}`);
  return match[1];
}
