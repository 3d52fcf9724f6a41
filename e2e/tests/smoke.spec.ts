// Smoke test: the app boots under the server's CSP with a clean console.
import { test, expect } from '@playwright/test';

test('app loads with no console errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));

  await page.goto('/');
  await expect(page.locator('[data-testid=app-ready]')).toBeVisible();
  await expect(page).toHaveTitle(/Coffer/);
  expect(errors).toEqual([]);
});
