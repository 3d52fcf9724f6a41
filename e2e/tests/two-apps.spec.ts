// The two builds of the app (frontend/src/lib.rs, boot.js): a visitor who is not signed in gets
// the small visitor's app on / and /s/<id>; every other page, and anyone signed in, the whole app.
import { test, expect, type Page } from '@playwright/test';
import { freshEmail, signUp } from './accounts';
import { CreatePage, RevealPage } from './pages';

/** Which app's WASM the page fetched: "visitor", "whole" or both, in order. */
function wasmFetched(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/^\/coffer-public-[0-9a-f]{16}_bg\.wasm$/.test(path)) seen.push('visitor');
    if (/^\/coffer-frontend-[0-9a-f]{16}_bg\.wasm$/.test(path)) seen.push('whole');
  });
  return seen;
}

test('a visitor creates and reveals with the visitor app, then signs in with the whole app', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const seen = wasmFetched(page);

  const share = await new CreatePage(page).create({ text: 'from the small app', views: 1, expiry: '1 hour' });
  expect(seen).toEqual(['visitor']);

  // The reveal page, in a fresh page load (the link as a recipient opens it).
  const reveal = new RevealPage(page);
  await reveal.goto(share.link);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('from the small app');
  expect(seen).toEqual(['visitor', 'visitor']);

  // The visitor's app has no router: its header links load their page, which is the whole app.
  await page.goto('/');
  await page.getByTestId('nav-signin').click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByTestId('signin-email')).toBeVisible();
  expect(seen.at(-1)).toBe('whole');
  expect(errors).toEqual([]);
});

test('a browser that signed in gets the whole app on / and /s/<id>', async ({ page }) => {
  const seen = wasmFetched(page);
  await signUp(page, freshEmail('two-apps'), 'correct horse battery staple orbit');
  seen.length = 0;

  await page.goto('/');
  // The whole app's create page, which asks a locked session for its passphrase first.
  await expect(page.getByTestId('unlock-form')).toBeVisible();
  await expect(page.getByTestId('nav-signin')).toHaveCount(0);
  expect(seen).toEqual(['whole']);

  await page.goto(`/s/${'A'.repeat(22)}#${'A'.repeat(43)}`);
  await expect(page.getByTestId('app-ready')).toBeVisible();
  await expect(page.getByTestId('nav-signin')).toHaveCount(0);
  expect(seen).toEqual(['whole', 'whole']);
});

test('a link with a trailing slash opens like the link itself', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'slash', views: 1, expiry: '1 hour' });
  const url = new URL(share.link);
  const reader = await browser.newPage();
  const reveal = new RevealPage(reader);
  await reveal.goto(`${url.origin}${url.pathname}/${url.hash}`);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('slash');
  await reader.close();
});

test('a revealed secret stays on screen while another tab of the browser signs in', async ({ context, browser }) => {
  const creator = await browser.newPage();
  const share = await new CreatePage(creator).create({ text: 'only once', views: 1, expiry: '1 hour' });
  await creator.close();

  const reader = await context.newPage();
  const seen = wasmFetched(reader);
  const reveal = new RevealPage(reader);
  await reveal.goto(share.link);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('only once');

  const other = await context.newPage();
  await signUp(other, freshEmail('two-apps-tab'), 'correct horse battery staple orbit');
  await reader.waitForTimeout(1_000);
  // The last view is spent: a reload would have lost the secret for good.
  expect(await reveal.secret()).toBe('only once');
  expect(seen).toEqual(['visitor']);
});
