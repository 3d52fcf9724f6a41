// Vault attachments: an image attached to a record is encrypted in the browser, previews in the
// page, and after signing out and in again (a new key derivation, nothing cached) it decrypts
// and previews again; a download gives back the exact bytes, and removing it deletes it. An
// attachment upload cut off mid-way continues in a new tab after unlocking, from the first
// chunk the server lacks. A file left behind (its removal never reached the server) is offered
// for deletion once it has been unnamed for an hour.
import { test, expect, type Page, type Route } from '@playwright/test';
import { addRecord, freshEmail, signIn, signUp } from './accounts';
import { pngFile, randomFile, sha256 } from './files';
import { readFileSync } from 'node:fs';

/** Waits until the preview image has decoded, and returns its natural width. */
async function previewWidth(page: Page): Promise<number> {
  const preview = page.getByTestId('attachment-preview');
  await expect(preview).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeTruthy();
  return preview.evaluate((img: HTMLImageElement) => img.naturalWidth);
}

test('an image attached to a record previews after signing in again', async ({ browser }) => {
  const email = freshEmail('attach');
  const passphrase = 'lantern orchid basalt ferry comet';
  const image = pngFile('passport-scan.png', 120, 80, [200, 30, 60]);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, email, passphrase);
  await addRecord(page, 'note', { name: 'Passport', notes: 'scan attached' });

  const bodies: Buffer[] = [];
  page.on('request', (request) => {
    const body = request.postDataBuffer();
    if (body) bodies.push(body);
  });
  await page.getByTestId('attach-input').setInputFiles(image.path);
  await expect(page.getByTestId('attachment-name')).toHaveText('passport-scan.png', { timeout: 30_000 });
  expect(await previewWidth(page)).toBe(120);
  // The server got only ciphertext: no request body holds the image's first bytes.
  expect(bodies.length).toBeGreaterThan(0);
  expect(bodies.some((body) => body.includes(image.bytes.subarray(0, 24)))).toBe(false);
  await page.getByTestId('nav-signout').click();
  await expect(page.getByTestId('signin-form')).toBeVisible();

  await signIn(page, email, passphrase);
  await page.getByTestId('vault-item').filter({ hasText: 'Passport' }).click();
  await expect(page.getByTestId('attachment-name')).toHaveText('passport-scan.png');
  expect(await previewWidth(page)).toBe(120);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('attachment-download').click(),
  ]);
  expect(sha256(readFileSync(await download.path()))).toBe(image.sha256);

  await page.getByTestId('attachment-remove').click();
  await expect(page.getByTestId('attachment')).toHaveCount(0);
  // The row goes once the record is saved; the bytes are deleted right after.
  const listed = () => page.evaluate(async () => (await (await fetch('/api/v1/vault/files')).json()).files.length);
  await expect.poll(listed).toBe(0);
  await context.close();
});

test('an attachment upload cut off mid-way continues in a new tab after unlocking', async ({ browser }) => {
  const email = freshEmail('resume');
  const passphrase = 'harbor quartz lilac timber oboe';
  const file = randomFile('tax-return.pdf', 5 * 1024 * 1024 + 321);
  const context = await browser.newContext();
  let page = await context.newPage();
  await signUp(page, email, passphrase);
  await addRecord(page, 'note', { name: 'Taxes 2026', notes: 'return attached' });

  // The network "breaks" after chunk 2: later chunks never reach the server.
  await page.route('**/api/v1/uploads/*/chunks/*', async (route: Route) => {
    const index = Number(new URL(route.request().url()).pathname.split('/').pop());
    if (index > 2) await route.abort('connectionreset');
    else await route.continue();
  });
  await page.getByTestId('attach-input').setInputFiles(file.path);
  await expect(page.getByTestId('attach-error')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('attach-resume')).toContainText('tax-return.pdf');
  await page.close();

  // A new tab: the session cookie stays, the keys do not; the passphrase unlocks again.
  page = await context.newPage();
  const sent: number[] = [];
  page.on('request', (request) => {
    const match = request.url().match(/\/uploads\/[^/]+\/chunks\/(\d+)$/);
    if (match && request.method() === 'PUT') sent.push(Number(match[1]));
  });
  await page.goto('/vault');
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
  const notice = page.getByTestId('unfinished-uploads');
  await expect(notice).toContainText('tax-return.pdf');
  await expect(notice).toContainText('Taxes 2026');
  await page.getByTestId('unfinished-upload').click();
  await expect(page.getByTestId('attach-resume')).toContainText('tax-return.pdf');
  await page.getByTestId('attach-resume-input').setInputFiles(file.path);
  await expect(page.getByTestId('attachment-name')).toHaveText('tax-return.pdf', { timeout: 60_000 });
  await expect(page.getByTestId('attach-resume')).toHaveCount(0);
  // Only the chunks the server lacked were sent again.
  expect(sent.length).toBeGreaterThan(0);
  expect(Math.min(...sent)).toBe(3);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('attachment-download').click(),
  ]);
  expect(sha256(readFileSync(await download.path()))).toBe(file.sha256);
  await page.getByTestId('nav-vault').click();
  await expect(page.getByTestId('vault-page')).toBeVisible();
  await expect(page.getByTestId('unfinished-uploads')).toHaveCount(0);
  await context.close();
});

test('a file left behind by a removal that never reached the server is offered for deletion', async ({ browser }) => {
  const email = freshEmail('unattached');
  const passphrase = 'cobalt walnut prairie hinge sonnet';
  const file = randomFile('lease.pdf', 200_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, email, passphrase);
  await addRecord(page, 'note', { name: 'Lease', notes: 'signed copy attached' });
  await page.getByTestId('attach-input').setInputFiles(file.path);
  await expect(page.getByTestId('attachment-name')).toHaveText('lease.pdf', { timeout: 30_000 });
  // The item is saved without the file, but the delete of its bytes never reaches the server.
  const deletes = '**/api/v1/vault/files/*';
  await page.route(deletes, (route: Route) =>
    route.request().method() === 'DELETE' ? route.abort('connectionreset') : route.continue(),
  );
  await page.getByTestId('attachment-remove').click();
  await expect(page.getByTestId('attachment')).toHaveCount(0);
  const listed = () => page.evaluate(async () => (await (await fetch('/api/v1/vault/files')).json()).files.length);
  await expect.poll(listed).toBe(1);
  await page.unroute(deletes);

  // Just finished: another tab may still be saving the item that names it, so nothing is offered.
  const vaultWithFiles = () =>
    Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/vault/files'),
      page.getByTestId('nav-vault').click(),
    ]);
  await vaultWithFiles();
  await expect(page.getByTestId('vault-item')).toHaveCount(1);
  await expect(page.getByTestId('unattached-files')).toHaveCount(0);

  // Two hours later by the browser's clock.
  await page.clock.setFixedTime(Date.now() + 2 * 3600 * 1000);
  await page.getByTestId('vault-item').click();
  await expect(page.getByTestId('attachment')).toHaveCount(0);
  await vaultWithFiles();
  await expect(page.getByTestId('unattached-files')).toContainText('1 file (195.3 KiB) on the server belongs to no item');
  await page.screenshot({ path: 'test-results/vault-unattached.png', fullPage: true });
  await page.getByTestId('unattached-delete').click();
  await expect(page.getByTestId('unattached-files')).toHaveCount(0);
  expect(await listed()).toBe(0);
  await context.close();
});

