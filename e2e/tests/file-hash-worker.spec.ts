// Large files hash in the file-hash worker (frontend/src/bin/hash-worker.rs) while the page
// seals, sends, opens and saves chunks, several at once: the bytes still arrive exactly, a
// browser without the worker hashes on the page, and a chunk altered on the way is refused with
// nothing saved, though the chunks after it were already opening.
import { test, expect, type Page } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';
import { downloadShared, randomFile, sha256 } from './files';

/** Over the 8 MiB from which the app hashes in the worker, under the 32 MiB it streams from. */
const SIZE = 12 * 1024 * 1024 + 321;

/** Counts the worker's WASM being fetched by `page` (and by its workers). */
function countWorkerLoads(page: Page): () => number {
  let loads = 0;
  page.context().on('request', (request) => {
    if (/\/hash-worker_bg\.wasm$/.test(request.url())) loads += 1;
  });
  return () => loads;
}

async function share(page: Page, text: string, path: string): Promise<string> {
  const create = new CreatePage(page);
  await create.goto();
  await create.secret.fill(text);
  await page.getByTestId('file-input').setInputFiles(path);
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  return create.shareLink.inputValue();
}

test('a large file is hashed in the worker on both sides and arrives byte for byte', async ({ page, browser }) => {
  const file = randomFile('dataset.csv', SIZE);
  const creatorLoads = countWorkerLoads(page);
  const link = await share(page, 'hashed aside', file.path);
  expect(creatorLoads()).toBeGreaterThan(0);

  const reader = await freshPage(browser);
  const readerLoads = countWorkerLoads(reader.page);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await reveal.reveal();
  const { bytes } = await downloadShared(reader.page);
  expect(bytes.length).toBe(SIZE);
  expect(sha256(bytes)).toBe(file.sha256);
  await expect(reader.page.getByTestId('file-verified')).toContainText(file.sha256.slice(0, 16));
  expect(readerLoads()).toBeGreaterThan(0);
  await reader.context.close();
});

test('without the worker a large file is hashed on the page and still arrives', async ({ page, browser }) => {
  const file = randomFile('backup.tar', SIZE);
  await page.route('**/hash-worker-loader.js', (route) => route.abort());
  const link = await share(page, 'no worker', file.path);

  const reader = await freshPage(browser);
  await reader.page.route('**/hash-worker-loader.js', (route) => route.abort());
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await reveal.reveal();
  const { bytes } = await downloadShared(reader.page);
  expect(sha256(bytes)).toBe(file.sha256);
  await expect(reader.page.getByTestId('file-verified')).toContainText(file.sha256.slice(0, 16));
  await reader.context.close();
});

test('a chunk altered on the way is refused and nothing is saved', async ({ page, browser }) => {
  const file = randomFile('ledger.xlsx', SIZE);
  const link = await share(page, 'tampered', file.path);

  const reader = await freshPage(browser);
  // A server (or a proxy) that flips one byte of the sixth chunk's ciphertext.
  await reader.page.route('**/api/v1/files/*', async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    body[5 * (1024 * 1024 + 16) + 1000] ^= 0x01;
    await route.fulfill({ response, body });
  });
  let downloads = 0;
  reader.page.on('download', () => (downloads += 1));
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await reveal.reveal();
  await reader.page.getByTestId('download-button').click();
  await expect(reader.page.getByTestId('download-error')).toContainText('failed its integrity check', {
    timeout: 60_000,
  });
  await expect(reader.page.getByTestId('file-verified')).toHaveCount(0);
  expect(downloads).toBe(0);
  await reader.context.close();
});
