// Two tabs of one browser resuming the same broken upload: chunk nonces follow from the chunk
// index, so only one tab may seal. The upload's Web Lock lets the first continue; the second is
// told the upload continues in another tab and sends nothing (it seals nothing before the
// lock). The file then downloads byte for byte.
import { test, expect, type Route } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';
import { downloadShared, randomFile, sha256 } from './files';

const CHUNKS = '**/api/v1/uploads/*/chunks/*';

test('only one of two tabs resuming the same upload seals and sends it', async ({ browser }) => {
  const file = randomFile('ledger.db', 5 * 1024 * 1024 + 321);
  const context = await browser.newContext();
  const first = await context.newPage();

  // The upload breaks after chunk 1: the server refuses chunk 2 (a refusal is not retried).
  await first.route(CHUNKS, async (route: Route) => {
    const index = Number(new URL(route.request().url()).pathname.split('/').pop());
    if (index >= 2) {
      await route.fulfill({ status: 400, contentType: 'application/json', body: '{"code":"broken","message":"broken"}' });
    } else {
      await route.continue();
    }
  });
  const create = new CreatePage(first);
  await create.goto();
  await create.secret.fill('two tabs, one upload');
  await first.getByTestId('file-input').setInputFiles(file.path);
  await create.createButton.click();
  await expect(create.error).toContainText('ledger.db', { timeout: 60_000 });
  await first.unroute(CHUNKS);

  // Both tabs show the unfinished upload.
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByTestId('resume-banner')).toContainText('ledger.db');
  await first.reload();
  await expect(first.getByTestId('resume-banner')).toContainText('ledger.db');

  // The first tab continues; its chunks are held until the second tab has tried.
  const held: Route[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await first.route(CHUNKS, async (route: Route) => {
    held.push(route);
    await released;
    await route.continue();
  });
  await first.getByTestId('resume-input').setInputFiles(file.path);
  await expect.poll(() => held.length, { timeout: 30_000 }).toBeGreaterThan(0);

  const fromSecond: string[] = [];
  second.on('request', (request) => {
    if (request.url().includes('/api/v1/uploads')) fromSecond.push(`${request.method()} ${request.url()}`);
  });
  await second.getByTestId('resume-input').setInputFiles(file.path);
  await expect(second.getByTestId('resume-error')).toContainText('continues in another tab');
  // Nor can the second tab discard what the first is sending.
  await second.getByTestId('resume-discard').click();
  await expect(second.getByTestId('resume-error')).toContainText('continues in another tab');
  await expect(second.getByTestId('resume-banner')).toBeVisible();
  expect(fromSecond).toEqual([]);

  release();
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  expect(fromSecond).toEqual([]);

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(await create.shareLink.inputValue());
  await reveal.reveal();
  expect(await reveal.secret()).toBe('two tabs, one upload');
  const { bytes } = await downloadShared(reader.page);
  expect(sha256(bytes)).toBe(file.sha256);
  await reader.context.close();
  await context.close();
});
