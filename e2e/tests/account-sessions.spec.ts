// Sessions: a second browser ends the first from the sessions list and the first finds itself
// signed out; the link in the "New sign-in" e-mail ends exactly that session, once, and only
// after a click on its page (a mail scanner that loads the page ends nothing).
import { test, expect } from '@playwright/test';
import { freshEmail, signIn, signUp } from './accounts';
import { endLinkOf, mailCount, waitForMail } from './mail';

test('ending a session from another browser signs the first one out', async ({ browser }) => {
  const email = freshEmail('sessions');
  const passphrase = 'meadow tundra harbor quartz lantern';
  const first = await browser.newContext();
  const second = await browser.newContext();
  const firstPage = await first.newPage();
  const secondPage = await second.newPage();
  await signUp(firstPage, email, passphrase);
  await signIn(secondPage, email, passphrase);

  await secondPage.getByTestId('nav-account').click();
  await expect(secondPage.getByTestId('session-row')).toHaveCount(2);
  const other = secondPage.locator('[data-testid="session-row"][data-current="false"]');
  await other.getByTestId('session-end').click();
  await expect(secondPage.getByTestId('session-row')).toHaveCount(1);

  // The first browser's next request finds its session gone.
  await firstPage.getByTestId('nav-account').click();
  await expect(firstPage.getByTestId('signin-form')).toBeVisible({ timeout: 15_000 });
  await first.close();
  await second.close();
});

test('the link in the new sign-in e-mail ends that session only on a click, and once', async ({ browser }) => {
  const email = freshEmail('endlink');
  const passphrase = 'quartz meadow lantern canyon orbit';
  const owner = await browser.newContext();
  const intruder = await browser.newContext();
  const ownerPage = await owner.newPage();
  const intruderPage = await intruder.newPage();
  await signUp(ownerPage, email, passphrase);
  const before = mailCount();
  await signIn(intruderPage, email, passphrase);
  const notice = await waitForMail(email, /New sign-in to Coffer from/, before);
  expect(notice.body).toContain('IP address: 127.0.0.1');
  const link = endLinkOf(notice);

  // A mail scanner opens the link and runs its script: nothing is sent, the session lives.
  const scanner = await browser.newContext();
  const scanned = await scanner.newPage();
  const endRequests: string[] = [];
  scanner.on('request', (request) => {
    if (request.url().includes('/api/v1/sessions/end-by-link')) endRequests.push(request.method());
  });
  await scanned.goto(link);
  await expect(scanned.getByTestId('session-end-page')).toBeVisible();
  await scanned.waitForLoadState('networkidle');
  await scanned.waitForTimeout(2_000);
  expect(endRequests).toEqual([]);
  await expect(scanned.getByTestId('session-end-confirm')).toBeVisible();
  await scanner.close();
  await intruderPage.getByTestId('nav-account').click();
  await expect(intruderPage.getByTestId('account-page')).toBeVisible();
  await expect(intruderPage.getByTestId('session-row')).toHaveCount(2);

  // The owner follows the link from the mail, in their own browser, and clicks.
  const ownerRequests: string[] = [];
  owner.on('request', (request) => {
    if (request.url().includes('/api/v1/sessions/end-by-link')) ownerRequests.push(request.method());
  });
  await ownerPage.goto(link);
  await expect(ownerPage.getByTestId('session-end-ask')).toBeVisible();
  expect(ownerRequests).toEqual([]);
  await ownerPage.getByTestId('session-end-confirm').click();
  await expect(ownerPage.getByTestId('session-end-result')).toHaveAttribute('data-outcome', 'ended');
  expect(ownerRequests).toEqual(['POST']);
  // The intruder's next request finds its session gone.
  await intruderPage.getByTestId('nav-vault').click();
  await expect(intruderPage.getByTestId('signin-form')).toBeVisible({ timeout: 15_000 });

  // A second click finds nothing left to end.
  const again = await owner.newPage();
  await again.goto(link);
  await again.getByTestId('session-end-confirm').click();
  await expect(again.getByTestId('session-end-result')).toHaveAttribute('data-outcome', 'gone');
  await owner.close();
  await intruder.close();
});
