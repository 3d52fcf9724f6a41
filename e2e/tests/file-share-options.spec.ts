// File shares with the share options: a password share's files open only with the password
// (their keys derive from it), and Cancel stops an upload and deletes what was sent.
import { test, expect, type Route } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';
import { downloadShared, randomFile, sha256 } from './files';

test('the files of a password share open with the password', async ({ page, browser }) => {
  const file = randomFile('contract.pdf', 2 * 1024 * 1024 + 5);
  const create = new CreatePage(page);
  await create.goto();
  await create.password.fill('correct horse battery');
  await page.getByTestId('file-input').setInputFiles(file.path);
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  const link = await create.shareLink.inputValue();

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await expect(reader.page.getByTestId('share-files-summary')).toContainText('1 file');
  await reveal.reveal('wrong password');
  await expect(reveal.error).toContainText('Wrong password');
  await reveal.reveal('correct horse battery');
  await expect(reader.page.getByTestId('shared-file-name')).toHaveText('contract.pdf', { timeout: 30_000 });
  const { bytes } = await downloadShared(reader.page);
  expect(sha256(bytes)).toBe(file.sha256);
  await reader.context.close();
});

test('cancelling an upload stops it and deletes what the server received', async ({ page }) => {
  const file = randomFile('big.iso', 8 * 1024 * 1024);
  await page.route('**/api/v1/uploads/*/chunks/*', async (route: Route) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.continue();
  });
  const cancelled: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/cancel')) cancelled.push(request.url());
  });
  const create = new CreatePage(page);
  await create.goto();
  await page.getByTestId('file-input').setInputFiles(file.path);
  await create.createButton.click();
  await expect(page.getByTestId('upload-transfer')).toBeVisible();
  await page.getByTestId('upload-cancel').click();
  await expect(create.error).toContainText('big.iso: Cancelled.', { timeout: 30_000 });
  await expect(create.shareLink).toHaveCount(0);
  // Nothing is left to continue: the draft is gone and the server was told to delete the bytes.
  await expect.poll(() => cancelled.length).toBe(1);
  await expect(page.getByTestId('resume-banner')).toHaveCount(0);
  await page.reload();
  await expect(create.secret).toBeVisible();
  await expect(page.getByTestId('resume-banner')).toHaveCount(0);
});
