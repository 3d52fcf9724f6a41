// The app shell: signed in, navigation sits in a sidebar on wide screens and in a bar above the
// page on phones, with "New share" one click away from anywhere; a skip link leads keyboard
// users past it; focus is visible on the file picker and lands on the result after creating.
import { test, expect, type Page } from '@playwright/test';
import { freshEmail, signUp } from './accounts';
import { CreatePage } from './pages';

async function box(page: Page, testId: string) {
  const found = await page.getByTestId(testId).boundingBox();
  expect(found, testId).not.toBeNull();
  return found!;
}

test('wide screens get a sidebar, phones a bar, and New share is one click away', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signUp(page, freshEmail('shell'), 'meadow quartz harbor lantern tundra');

  const vaultLink = await box(page, 'nav-vault');
  const accountLink = await box(page, 'nav-account');
  const main = await page.locator('main').boundingBox();
  expect(accountLink.y, 'links stacked').toBeGreaterThan(vaultLink.y + vaultLink.height - 1);
  expect(Math.abs(accountLink.x - vaultLink.x), 'in one column').toBeLessThan(2);
  expect(main!.x, 'the page sits right of the sidebar').toBeGreaterThan(vaultLink.x + vaultLink.width);
  await expect(page.getByTestId('nav-vault')).toHaveAttribute('aria-current', 'page');

  await page.getByTestId('nav-shares').click();
  await expect(page.getByTestId('my-shares')).toBeVisible();
  await page.getByTestId('nav-new-share').click();
  await expect(page.getByTestId('secret-input')).toBeVisible();
  await expect(page.getByTestId('nav-new-share')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('nav-shares')).not.toHaveAttribute('aria-current', 'page');

  await page.setViewportSize({ width: 390, height: 844 });
  const phoneVault = await box(page, 'nav-vault');
  const phoneMain = await page.locator('main').boundingBox();
  expect(phoneMain!.y, 'the bar is above the page').toBeGreaterThan(phoneVault.y + phoneVault.height);
  await expect(page.getByTestId('nav-new-share')).toBeVisible();
  await context.close();
});

test('the skip link, the file picker focus and focus after creating a share', async ({ page }) => {
  const create = new CreatePage(page);
  await create.goto();
  await page.keyboard.press('Tab');
  const skip = page.getByTestId('skip-link');
  await expect(skip).toBeFocused();
  const skipBox = await skip.boundingBox();
  expect(skipBox!.y, 'visible once focused').toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  // Tab until the hidden file input has focus: its "choose files" label must show it.
  const input = page.getByTestId('file-input');
  for (let i = 0; i < 10 && !(await input.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(input).toBeFocused();
  const outline = await input.evaluate((el) => getComputedStyle(el.parentElement!).outlineStyle);
  expect(outline).not.toBe('none');

  await create.fill({ text: 'focus lands on the result' });
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('created-heading')).toBeFocused();
});
