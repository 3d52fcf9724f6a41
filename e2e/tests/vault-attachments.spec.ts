// Vault attachments: an image attached to a record is encrypted in the browser, previews in the
// page, and after signing out and in again (a new key derivation, nothing cached) it decrypts
// and previews again; a download gives back the exact bytes, and removing it deletes it.
import { test, expect, type Page } from '@playwright/test';
import { addRecord, freshEmail, signIn, signUp } from './accounts';
import { pngFile, sha256 } from './files';
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
  const listed = await page.evaluate(async () => (await (await fetch('/api/v1/vault/files')).json()).files.length);
  expect(listed).toBe(0);
  await context.close();
});
