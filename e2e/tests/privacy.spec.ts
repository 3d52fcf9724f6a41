// Zero knowledge: no request the browser makes while creating and revealing carries the
// secret, the password or the share key K, in clear or percent-encoded; nor does the console.
import { test, expect, type BrowserContext, type Request } from '@playwright/test';
import { CreatePage, RevealPage } from './pages';

interface Seen {
  url: string;
  headers: string;
  body: string;
}

function record(context: BrowserContext, seen: Seen[], pending: Promise<void>[]): void {
  context.on('request', (request: Request) => {
    pending.push(
      request.allHeaders().then((headers) => {
        seen.push({ url: request.url(), headers: JSON.stringify(headers), body: request.postData() ?? '' });
      }),
    );
  });
}

test('no request or console message carries the secret, the password or K', async ({ browser }) => {
  const nonce = Math.random().toString(36).slice(2);
  const secret = `top secret ${nonce} ünïcödé & more`;
  const password = `pässword ${nonce}!`;
  const seen: Seen[] = [];
  const pending: Promise<void>[] = [];
  const consoleLines: string[] = [];

  const creator = await browser.newContext();
  record(creator, seen, pending);
  const createTab = await creator.newPage();
  createTab.on('console', (message) => consoleLines.push(message.text()));
  const share = await new CreatePage(createTab).create({ text: secret, password });

  const reader = await browser.newContext();
  record(reader, seen, pending);
  const readTab = await reader.newPage();
  readTab.on('console', (message) => consoleLines.push(message.text()));
  const reveal = new RevealPage(readTab);
  await reveal.goto(share.link);
  await reveal.reveal(password);
  expect(await reveal.secret()).toBe(secret);
  await Promise.all(pending);

  const needles = [secret, password, share.key, nonce];
  const forms = needles.flatMap((needle) => [needle, encodeURIComponent(needle), encodeURI(needle)]);
  expect(seen.some((request) => request.url.includes('/claim'))).toBe(true);
  expect(seen.some((request) => request.url.includes('/api/v1/shares'))).toBe(true);
  for (const request of seen) {
    for (const form of forms) {
      expect(request.url, `URL of ${request.url}`).not.toContain(form);
      expect(request.headers, `headers of ${request.url}`).not.toContain(form);
      expect(request.body, `body of ${request.url}`).not.toContain(form);
    }
  }
  for (const line of consoleLines) {
    for (const form of forms) expect(line).not.toContain(form);
  }
  await creator.close();
  await reader.close();
});
