// An image previewed in the vault keeps its aspect ratio (a portrait is not stretched to the
// card's width), and the Activity page names the item and the file and says "previewed", not
// "downloaded", for a preview.
import { test, expect } from '@playwright/test';
import { addRecord, freshEmail, signUp } from './accounts';
import { pngFile } from './files';

test('a portrait preview keeps its shape and the log names the item and the preview', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signUp(page, freshEmail('preview'), 'quartz harbor meadow lantern ferry');
  await addRecord(page, 'note', { name: 'Scans', notes: 'portrait attached' });
  await page.getByTestId('attach-input').setInputFiles(pngFile('portrait.png', 300, 800, [20, 120, 200]).path);

  const preview = page.getByTestId('attachment-preview');
  await expect(preview).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(300);
  const box = await preview.boundingBox();
  expect(box).not.toBeNull();
  // Shown at 300:800 (within a pixel of rounding), whatever size the layout gives it.
  expect(Math.abs(box!.width / box!.height - 300 / 800)).toBeLessThan(0.01);
  expect(box!.width).toBeLessThanOrEqual(300);

  await page.getByTestId('nav-activity').click();
  const titles = page.getByTestId('activity-title');
  await expect(titles.filter({ hasText: '“portrait.png” previewed' })).toHaveCount(1, { timeout: 30_000 });
  await expect(titles.filter({ hasText: '“portrait.png” attached' })).toHaveCount(1);
  await expect(titles.filter({ hasText: /^“Scans” (added|changed)$/ }).first()).toBeVisible();
  await expect(titles.filter({ hasText: 'File downloaded' })).toHaveCount(0);
  // No raw error codes or statuses anywhere in the log's words.
  for (const text of await page.getByTestId('activity-list').allInnerTexts()) {
    expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b|\b4\d\d\b/);
  }
  await context.close();
});
