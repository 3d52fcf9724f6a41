// The download service worker's scope is its own folder, /dl/: a large file still streams to
// disk through it, and no page of the app is ever controlled by it (a worker controlling the
// app's pages could read and answer every request they make).
import { test, expect, type Page } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';
import { downloadShared, randomFile, sha256 } from './files';

/** The scopes of the page's service worker registrations, and whether one controls the page. */
async function workers(page: Page): Promise<{ scopes: string[]; controlled: boolean }> {
  return page.evaluate(async () => ({
    scopes: (await navigator.serviceWorker.getRegistrations()).map((registration) => registration.scope),
    controlled: navigator.serviceWorker.controller !== null,
  }));
}

test('a large download streams through a worker whose scope is only /dl/', async ({ page, browser }) => {
  const large = randomFile('backup.tar', 36 * 1024 * 1024 + 3);
  const create = new CreatePage(page);
  await create.goto();
  await page.getByTestId('file-input').setInputFiles(large.path);
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 120_000 });
  const link = await create.shareLink.inputValue();

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await reveal.reveal();
  const { bytes } = await downloadShared(reader.page);
  expect(sha256(bytes)).toBe(large.sha256);
  await expect(reader.page.getByTestId('file-verified')).toContainText('saved to your downloads as it arrived');

  const origin = new URL(link).origin;
  expect(await workers(reader.page)).toEqual({ scopes: [`${origin}/dl/`], controlled: false });
  // Loaded again, with the worker installed and active, the app's pages stay uncontrolled.
  for (const path of ['/', '/vault', `/s/${new URL(link).pathname.split('/').pop()}`]) {
    await reader.page.goto(path);
    await expect(reader.page.getByTestId('app-ready')).toBeVisible();
    expect(await workers(reader.page), path).toEqual({ scopes: [`${origin}/dl/`], controlled: false });
  }
  // The worker's folder holds no page of the app.
  const stray = await reader.page.request.get('/dl/vault');
  expect(stray.status()).toBe(404);
  await reader.context.close();
});
