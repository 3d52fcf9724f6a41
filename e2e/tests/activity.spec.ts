// The Activity page: a failed sign-in from one "device" and a successful one from another
// (other browsers, clients in other countries: the server trusts loopback as a proxy in these
// tests and reads X-Forwarded-For) appear newest first with the device, the address and its
// place, read from a real MMDB file; the filters (one type, warnings only), the search (by
// address and by the country's name as the page shows it) and "Show more" paging.
import { test, expect, type Page } from '@playwright/test';
import { freshEmail, signIn, signUp } from './accounts';

const FIREFOX_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_ON_MACOS =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
// Addresses the test database places in Germany and in France (a German and a French network).
const GERMAN_ADDRESS = '193.99.144.80';
const FRENCH_ADDRESS = '212.27.48.10';
const PASSPHRASE = 'meadow copper violet anchor drift';

/** Types of the rows shown, top to bottom. */
async function shownTypes(page: Page): Promise<(string | null)[]> {
  return page.getByTestId('activity-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type')));
}

async function search(page: Page, text: string): Promise<void> {
  await page.getByTestId('activity-search').fill(text);
  await page.getByTestId('activity-search-submit').click();
}

test('a failed sign-in on one device and a successful one on another show with their places', async ({
  browser,
}) => {
  const email = freshEmail('activity');
  const home = await browser.newContext();
  await signUp(await home.newPage(), email, PASSPHRASE);
  await home.close();

  const germany = await browser.newContext({
    userAgent: FIREFOX_ON_WINDOWS,
    extraHTTPHeaders: { 'X-Forwarded-For': GERMAN_ADDRESS },
  });
  const intruder = await germany.newPage();
  await intruder.goto('/signin');
  await intruder.getByTestId('signin-email').fill(email);
  await intruder.getByTestId('signin-passphrase').fill('wrong words entirely here now');
  await intruder.getByTestId('signin-submit').click();
  await expect(intruder.getByTestId('signin-error')).toContainText('Wrong e-mail address or passphrase', {
    timeout: 30_000,
  });
  await germany.close();

  const france = await browser.newContext({
    userAgent: SAFARI_ON_MACOS,
    extraHTTPHeaders: { 'X-Forwarded-For': FRENCH_ADDRESS },
  });
  const page = await france.newPage();
  await signIn(page, email, PASSPHRASE);
  await page.getByTestId('nav-activity').click();
  const rows = page.getByTestId('activity-row');
  await expect(rows.first()).toBeVisible();
  const row = (type: string) => page.locator(`[data-testid="activity-row"][data-type="${type}"]`);
  await expect(row('signin_succeeded')).toHaveCount(1);
  await expect(row('signin_succeeded')).toContainText('Signed in with an e-mailed code');
  await expect(row('signin_succeeded')).toContainText(`Safari on macOS · ${FRENCH_ADDRESS} · France`);
  await expect(row('signin_succeeded')).toContainText('This session');
  await expect(row('signin_failed')).toHaveCount(1);
  await expect(row('signin_failed')).toContainText('Sign-in failed: wrong passphrase');
  await expect(row('signin_failed')).toContainText(`Firefox on Windows · ${GERMAN_ADDRESS} · Germany`);
  await expect(row('signin_failed')).not.toContainText('This session');
  // Newest first: the success comes before the failure, which comes before the sign-up.
  const types = await shownTypes(page);
  expect(types.indexOf('signin_succeeded')).toBeLessThan(types.indexOf('signin_failed'));
  expect(types.indexOf('signin_failed')).toBeLessThan(types.indexOf('signed_up'));
  // The sign-up came from loopback: no place is known for it.
  await expect(row('signed_up')).toContainText('127.0.0.1');
  await expect(row('signed_up')).not.toContainText('Germany');
  await page.screenshot({ path: 'test-results/activity-page.png', fullPage: true });

  // One type.
  await page.getByTestId('activity-group').selectOption('type:signin_succeeded');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-type', 'signin_succeeded');
  await page.getByTestId('activity-group').selectOption('');
  // Warnings only.
  await page.getByTestId('activity-warnings').check();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-type', 'signin_failed');
  await page.getByTestId('activity-warnings').uncheck();
  // By address, and by the country's name as the rows spell it (the log keeps "DE").
  await search(page, GERMAN_ADDRESS);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-type', 'signin_failed');
  await search(page, 'germany');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-type', 'signin_failed');
  await page.screenshot({ path: 'test-results/activity-search-country.png', fullPage: true });
  await search(page, 'France');
  await expect(row('signin_succeeded')).toHaveCount(1);
  await expect(row('signin_failed')).toHaveCount(0);
  await expect(row('signed_up')).toHaveCount(0);
  await france.close();
});

test('a long history reads on with Show more down to the first event', async ({ browser }) => {
  // A client of its own: the log records at most 60 refusals a minute per client.
  const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.61' } });
  const page = await context.newPage();
  const email = freshEmail('activity-pages');
  await signUp(page, email, PASSPHRASE);
  // 55 refused requests from this session: each is an input_rejected event of the account.
  const refused = await page.evaluate(async () => {
    const session = await (await fetch('/api/v1/session')).json();
    let count = 0;
    for (let i = 0; i < 55; i += 1) {
      const response = await fetch('/api/v1/vault/records', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-coffer-csrf': session.csrf_token },
        body: '{}',
      });
      if (response.status === 400 || response.status === 422) count += 1;
    }
    return count;
  });
  expect(refused).toBe(55);

  await page.getByTestId('nav-activity').click();
  const rows = page.getByTestId('activity-row');
  await expect(rows).toHaveCount(50);
  await expect(page.locator('[data-testid="activity-row"][data-type="signed_up"]')).toHaveCount(0);
  await page.getByTestId('activity-more').click();
  await expect(page.locator('[data-testid="activity-row"][data-type="signed_up"]')).toHaveCount(1);
  await expect(page.getByTestId('activity-more')).toHaveCount(0);
  const types = await shownTypes(page);
  expect(types.filter((type) => type === 'input_rejected')).toHaveLength(55);
  expect(types[types.length - 1]).toBe('signed_up');
  await context.close();
});
