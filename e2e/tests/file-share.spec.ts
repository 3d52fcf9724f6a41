// File shares: files dropped or picked on the create page are encrypted in the browser and
// uploaded in chunks with visible progress; a reader in a fresh browser downloads, decrypts and
// verifies them, and the saved bytes are the original's. An upload broken off continues from
// its first missing chunk once the same file is chosen again.
import { test, expect, type Route } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';
import { downloadShared, dropFile, randomFile, sha256 } from './files';

test('a dropped multi-megabyte file arrives byte for byte in a fresh browser', async ({ page, browser }) => {
  const file = randomFile('report.pdf', 5 * 1024 * 1024 + 12_345);
  // Slow the chunk uploads a little so the progress bar can be seen at loopback speed.
  await page.route('**/api/v1/uploads/*/chunks/*', async (route: Route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  const create = new CreatePage(page);
  await create.goto();
  await create.secret.fill('the quarterly report');
  await dropFile(page, 'file-dropzone', file, 'application/pdf');
  await expect(page.getByTestId('chosen-files')).toContainText('report.pdf');
  await create.createButton.click();

  const bar = page.getByTestId('upload-transfer');
  await expect(bar).toBeVisible();
  await expect(bar.getByTestId('transfer-label')).toContainText('Encrypting and uploading');
  await expect(bar.getByTestId('transfer-detail')).toContainText(/i?B of 5 MiB/);
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('toast')).toContainText('uploaded');
  const link = await create.shareLink.inputValue();

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await expect(reader.page.getByTestId('share-files-summary')).toHaveText('It holds 1 file, 5 MiB in all.');
  await reveal.reveal();
  expect(await reveal.secret()).toBe('the quarterly report');
  await expect(reader.page.getByTestId('shared-file-name')).toHaveText('report.pdf');
  const { download, bytes } = await downloadShared(reader.page);
  expect(download.suggestedFilename()).toBe('report.pdf');
  expect(bytes.length).toBe(file.bytes.length);
  expect(sha256(bytes)).toBe(file.sha256);
  await expect(reader.page.getByTestId('file-verified')).toContainText(file.sha256.slice(0, 16));
  await reader.context.close();
});

test('a large file streams to disk through the service worker, several files in one share', async ({
  page,
  browser,
}) => {
  const large = randomFile('video.bin', 40 * 1024 * 1024 + 7);
  const small = randomFile('notes.txt', 1_000);
  const create = new CreatePage(page);
  await create.goto();
  await page.getByTestId('file-input').setInputFiles([large.path, small.path]);
  await expect(page.getByTestId('chosen-files').locator('li')).toHaveCount(2);
  await create.views.fill('2');
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 120_000 });
  const link = await create.shareLink.inputValue();

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await reveal.reveal();
  await expect(reader.page.getByTestId('shared-file')).toHaveCount(2);
  // No text was written: only the files are shown.
  await expect(reveal.secretText).toHaveCount(0);
  const first = await downloadShared(reader.page, 0);
  expect(sha256(first.bytes)).toBe(large.sha256);
  await expect(reader.page.getByTestId('file-verified').first()).toContainText('saved to your downloads as it arrived');
  const second = await downloadShared(reader.page, 1);
  expect(second.bytes.toString()).toBe(small.bytes.toString());
  await reader.context.close();
});

test('a broken upload continues from the first missing chunk with the same file', async ({ page, browser }) => {
  const file = randomFile('archive.zip', 6 * 1024 * 1024 + 99);
  const sent: number[] = [];
  // The network "breaks" after chunk 2: later chunks never reach the server.
  await page.route('**/api/v1/uploads/*/chunks/*', async (route: Route) => {
    const index = Number(new URL(route.request().url()).pathname.split('/').pop());
    if (index > 2) {
      await route.abort('connectionreset');
    } else {
      sent.push(index);
      await route.continue();
    }
  });
  const create = new CreatePage(page);
  await create.goto();
  await create.secret.fill('resumed');
  await page.getByTestId('file-input').setInputFiles(file.path);
  await create.createButton.click();
  await expect(create.error).toContainText('archive.zip', { timeout: 60_000 });

  // The tab is closed and opened again: the draft offers to continue.
  await page.unroute('**/api/v1/uploads/*/chunks/*');
  sent.length = 0;
  page.on('request', (request) => {
    const match = request.url().match(/\/uploads\/[^/]+\/chunks\/(\d+)$/);
    if (match && request.method() === 'PUT') sent.push(Number(match[1]));
  });
  await page.reload();
  const banner = page.getByTestId('resume-banner');
  await expect(banner).toContainText('archive.zip');
  await page.getByTestId('resume-input').setInputFiles(file.path);
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  // Only the chunks the server lacked were sent again.
  expect(sent.length).toBeGreaterThan(0);
  expect(Math.min(...sent)).toBe(3);

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(await create.shareLink.inputValue());
  await reveal.reveal();
  expect(await reveal.secret()).toBe('resumed');
  const { bytes } = await downloadShared(reader.page);
  expect(sha256(bytes)).toBe(file.sha256);
  await reader.context.close();
});
