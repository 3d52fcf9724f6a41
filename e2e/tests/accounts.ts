// Page helpers for the account specs: sign up and sign in through the real pages with codes
// read from the SMTP server on loopback (mail.ts), a record-adding helper, a capture of every
// request for the privacy checks, and RFC 6238 codes computed the way an authenticator app does.
import { createHmac } from 'node:crypto';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { codeOf, mailCount, waitForMail } from './mail';

/** A unique address for one test. */
export function freshEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Signs up `email` with `passphrase` and waits for the empty vault. */
export async function signUp(page: Page, email: string, passphrase: string): Promise<void> {
  await page.goto('/signup');
  await page.getByTestId('signup-email').fill(email);
  const before = mailCount();
  await page.getByTestId('signup-send-code').click();
  await expect(page.getByTestId('signup-code')).toBeVisible();
  const mail = await waitForMail(email, /sign-up code/, before);
  await page.getByTestId('signup-code').fill(codeOf(mail));
  await page.getByTestId('signup-verify').click();
  await page.getByTestId('signup-passphrase').fill(passphrase);
  await page.getByTestId('signup-confirm').fill(passphrase);
  await expect(page.getByTestId('signup-create')).toBeEnabled();
  await page.getByTestId('signup-create').click();
  await expect(page.getByTestId('vault-page')).toBeVisible({ timeout: 30_000 });
}

/** Fills the sign-in form and submits; the caller handles the second factor. */
export async function startSignIn(page: Page, email: string, passphrase: string): Promise<void> {
  await page.goto('/signin');
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-passphrase').fill(passphrase);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-code')).toBeVisible({ timeout: 30_000 });
}

/** Signs in with the passphrase and the mailed code; waits for the vault. */
export async function signIn(page: Page, email: string, passphrase: string): Promise<void> {
  const before = mailCount();
  await startSignIn(page, email, passphrase);
  const mail = await waitForMail(email, /sign-in code/, before);
  await page.getByTestId('signin-code').fill(codeOf(mail));
  await page.getByTestId('signin-verify').click();
  await expect(page.getByTestId('vault-page')).toBeVisible({ timeout: 30_000 });
}

/** Adds a record of `type` with `fields` (input slug -> value), navigating inside the app. */
export async function addRecord(
  page: Page,
  type: string,
  fields: Record<string, string>,
  sensitive = false,
): Promise<void> {
  // In-app navigation: loading a URL starts a new page, which must unlock again.
  await page.getByTestId('nav-vault').click();
  await page.getByTestId('vault-new').click();
  await page.getByTestId(`new-${type}`).click();
  await expect(page.getByTestId('record-form')).toHaveAttribute('data-type', type);
  for (const [slug, value] of Object.entries(fields)) {
    if (slug.startsWith('document-')) continue;
    await page.getByTestId(`input-${slug}`).fill(value);
  }
  if (fields['document-label-0']) {
    await page.getByTestId('document-add').click();
    await page.getByTestId('document-label-0').fill(fields['document-label-0']);
    await page.getByTestId('document-number-0').fill(fields['document-number-0']);
  }
  if (sensitive) await page.getByTestId('input-sensitive').check();
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('record-view').or(page.getByTestId('reprompt-form'))).toBeVisible();
}

/** Every request of `context` (URL, headers, body) and every console line, for privacy checks. */
export class Capture {
  readonly requests: string[] = [];
  readonly console: string[] = [];
  /** Uncaught exceptions in any page of the context (a WASM panic shows as "unreachable"). */
  readonly errors: string[] = [];
  private readonly pending: Promise<void>[] = [];

  constructor(context: BrowserContext) {
    context.on('request', (request) => {
      this.pending.push(
        request.allHeaders().then((headers) => {
          this.requests.push(`${request.url()}\n${JSON.stringify(headers)}\n${request.postData() ?? ''}`);
        }),
      );
    });
    context.on('console', (message) => this.console.push(message.text()));
    context.on('weberror', (error) => this.errors.push(String(error.error())));
  }

  /** Asserts that no page threw, and that no request and no console line holds any of
   * `needles`, plain or URL-encoded. */
  async expectNone(needles: string[]): Promise<void> {
    await Promise.all(this.pending);
    expect(this.errors).toEqual([]);
    expect(this.requests.length).toBeGreaterThan(0);
    for (const needle of needles) {
      for (const form of [needle, encodeURIComponent(needle)]) {
        for (const request of this.requests) expect(request).not.toContain(form);
        for (const line of this.console) expect(line).not.toContain(form);
      }
    }
  }
}

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret at `unixSeconds`. */
export function totpCode(secretBase32: string, unixSeconds: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** An RFC 6238 code of raw secret bytes with any hash, length and period (vault authenticators). */
export function totpCodeOf(
  secret: Buffer,
  unixSeconds: number,
  algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1',
  digits = 6,
  period = 30,
): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / period)));
  const mac = createHmac(algorithm, secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The base32 (RFC 4648, no padding) of `bytes`. */
export function base32Encode(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Fails if the page scrolls sideways at its viewport's width. */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/** Unlocks the vault after a reload (the key lives only in the page's memory). */
export async function unlockAgain(page: Page, passphrase: string): Promise<void> {
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('nav-lock')).toBeVisible({ timeout: 30_000 });
}
