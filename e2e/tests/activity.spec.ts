// The Activity page: a failed sign-in and then a successful one from another "device" (another
// browser, a client elsewhere: the server trusts loopback as a proxy in these tests and reads
// X-Forwarded-For) appear newest first with the device, the address and its place, read from a
// real MMDB file; the warnings filter keeps only the failure.
import { test, expect } from '@playwright/test';
import { freshEmail, signIn, signUp } from './accounts';

const FIREFOX_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
// An address the test database places in Germany (193.99.144.0/24 is a German network).
const GERMAN_ADDRESS = '193.99.144.80';

test('a failed and a successful sign-in from another device show with their place', async ({ browser }) => {
  const email = freshEmail('activity');
  const passphrase = 'meadow copper violet anchor drift';
  const home = await browser.newContext();
  const homePage = await home.newPage();
  await signUp(homePage, email, passphrase);
  await home.close();

  const away = await browser.newContext({
    userAgent: FIREFOX_ON_WINDOWS,
    extraHTTPHeaders: { 'X-Forwarded-For': GERMAN_ADDRESS },
  });
  const page = await away.newPage();
  await page.goto('/signin');
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-passphrase').fill('wrong words entirely here now');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toContainText('Wrong e-mail address or passphrase', {
    timeout: 30_000,
  });
  await signIn(page, email, passphrase);

  await page.getByTestId('nav-activity').click();
  const rows = page.getByTestId('activity-row');
  await expect(rows.first()).toBeVisible();
  const signedIn = page.locator('[data-testid="activity-row"][data-type="signin_succeeded"]');
  await expect(signedIn.first()).toContainText('Signed in with an e-mailed code');
  await expect(signedIn.first()).toContainText(`Firefox on Windows · ${GERMAN_ADDRESS} · Germany`);
  await expect(signedIn.first()).toContainText('This session');
  const failed = page.locator('[data-testid="activity-row"][data-type="signin_failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('Sign-in failed: wrong passphrase');
  await expect(failed).toContainText(`Firefox on Windows · ${GERMAN_ADDRESS} · Germany`);
  // Newest first: the success comes before the failure, which comes before the sign-up.
  const types = await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
  expect(types.indexOf('signin_succeeded')).toBeLessThan(types.indexOf('signin_failed'));
  expect(types.indexOf('signin_failed')).toBeLessThan(types.indexOf('signed_up'));
  // The sign-up came from loopback: no place is known for it.
  const signedUp = page.locator('[data-testid="activity-row"][data-type="signed_up"]');
  await expect(signedUp).toContainText('127.0.0.1');
  await expect(signedUp).not.toContainText('Germany');

  await page.getByTestId('activity-warnings').check();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-type', 'signin_failed');
  await page.getByTestId('activity-warnings').uncheck();
  await page.getByTestId('activity-search').fill(GERMAN_ADDRESS);
  await page.getByTestId('activity-search-submit').click();
  await expect(page.locator('[data-testid="activity-row"][data-type="signed_up"]')).toHaveCount(0);
  await expect(failed).toHaveCount(1);
  await away.close();
});
