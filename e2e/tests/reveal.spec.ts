// A secret created in one browser opens, unchanged, in another.
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';

const TEXT = 'Grüße aus Zürich, 世界 🌍🔐\nline two\n\ttabbed\n  two leading spaces\n\nafter a blank line';

test('a secret opens in a fresh browser with the same unicode and multi-line text', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: TEXT, views: 2, expiry: '1 hour' });
  expect(share.link).toMatch(/\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
  expect(share.manageLink).toMatch(/\/m\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId('share-qr').locator('svg')).toBeVisible();

  const reader = await freshPage(browser);
  await reader.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await expect(reveal.status).toContainText('Can be viewed 2 more times');
  await expect(reveal.password).toHaveCount(0);

  await reveal.reveal();
  expect(await reveal.secret()).toBe(TEXT);
  await expect(reveal.status).toContainText('Can be viewed 1 more time');
  await expect(reveal.lastViewNotice).toHaveCount(0);

  await reveal.copySecret.click();
  await expect(reveal.copySecret).toContainText('Copied');
  expect(await reader.page.evaluate(() => navigator.clipboard.readText())).toBe(TEXT);
  await reader.context.close();
});
