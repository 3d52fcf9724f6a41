// Accounts: sign up with the code mailed to the SMTP server on loopback, land in an empty vault,
// sign out, sign in with a new mailed code, unlock after a reload. The passphrase never leaves
// the browser: no request and no console line carries it.
import { test, expect } from '@playwright/test';
import { Capture, freshEmail } from './accounts';
import { codeOf, mailCount, mailCountTo, waitForMail } from './mail';

test('sign up, sign out and sign in again with mailed codes; the passphrase never leaves', async ({ browser }) => {
  const nonce = Math.random().toString(36).slice(2, 10);
  const email = freshEmail('signup');
  const passphrase = `orbit ${nonce} velvet canyon lantern`;
  const context = await browser.newContext();
  const capture = new Capture(context);
  const page = await context.newPage();

  await page.goto('/signup');
  await page.getByTestId('signup-email').fill(email);
  let before = mailCount();
  await page.getByTestId('signup-send-code').click();
  const signupMail = await waitForMail(email, /sign-up code/, before);
  await page.getByTestId('signup-code').fill(codeOf(signupMail));
  await page.getByTestId('signup-verify').click();
  // A weak passphrase cannot be chosen.
  await page.getByTestId('signup-passphrase').fill('password1');
  await expect(page.getByTestId('strength-meter')).toBeVisible();
  await expect(page.getByTestId('signup-create')).toBeDisabled();
  await page.getByTestId('signup-passphrase').fill(passphrase);
  await page.getByTestId('signup-confirm').fill(passphrase);
  await expect(page.getByTestId('signup-create')).toBeEnabled();
  await page.getByTestId('signup-create').click();
  await expect(page.getByTestId('vault-empty')).toBeVisible({ timeout: 30_000 });

  await page.getByTestId('nav-account').click();
  await expect(page.getByTestId('account-fingerprint')).toHaveText(/^([0-9a-f]{4} ){9}[0-9a-f]{4}$/);
  await expect(page.getByTestId('session-row')).toHaveCount(1);

  await page.getByTestId('nav-signout').click();
  await expect(page.getByTestId('signin-form')).toBeVisible();
  await expect(page.getByTestId('nav-signin')).toBeVisible();

  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-passphrase').fill(passphrase);
  before = mailCount();
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-code')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('signin-code').fill(codeOf(await waitForMail(email, /sign-in code/, before)));
  await page.getByTestId('signin-verify').click();
  await expect(page.getByTestId('vault-empty')).toBeVisible({ timeout: 30_000 });
  await waitForMail(email, /New sign-in to Coffer from/, before);

  // A reload keeps the session but not the keys: the passphrase alone unlocks.
  await page.reload();
  await expect(page.getByTestId('unlock-form')).toBeVisible();
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('vault-empty')).toBeVisible({ timeout: 30_000 });

  expect(capture.requests.some((request) => request.includes('/api/v1/signup'))).toBe(true);
  await capture.expectNone([passphrase, `${nonce} velvet`]);
  await context.close();
});

test('a wrong passphrase is refused before any code is mailed', async ({ page }) => {
  const email = freshEmail('nobody');
  await page.goto('/signin');
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-passphrase').fill('not the passphrase at all');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toContainText('Wrong e-mail address or passphrase', {
    timeout: 30_000,
  });
  expect(mailCountTo(email)).toBe(0);
});
