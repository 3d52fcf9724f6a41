// The authenticator: enrol by QR code and secret, get 10 recovery codes, then sign in with a
// code computed as an authenticator app computes it (RFC 6238); no e-mailed code is sent.
import { test, expect } from '@playwright/test';
import { freshEmail, signUp, startSignIn, totpCode } from './accounts';
import { mailCount, mailCountTo, waitForMail } from './mail';

test('enrol an authenticator, then sign in with its code instead of a mailed one', async ({ page }) => {
  const email = freshEmail('totp');
  const passphrase = 'lantern quarry velvet orbit canyon';
  await signUp(page, email, passphrase);
  await page.getByTestId('nav-account').click();
  await page.getByTestId('totp-setup').click();
  await expect(page.getByTestId('totp-qr')).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  expect(secret).toMatch(/^[A-Z2-7 ]{32,}$/);
  await page.getByTestId('totp-code').fill(totpCode(secret, Date.now() / 1000));
  await page.getByTestId('totp-confirm').click();
  const recovery = page.getByTestId('recovery-codes').locator('li');
  await expect(recovery).toHaveCount(10);
  const firstRecovery = (await recovery.first().innerText()).trim();
  await page.getByTestId('recovery-done').click();
  await expect(page.getByTestId('totp-on')).toBeVisible();

  const beforeSignout = mailCount();
  await page.getByTestId('nav-signout').click();
  // Signing out mails the session's report (in the background): let it land before counting.
  await waitForMail(email, /Coffer session report/, beforeSignout);
  const before = mailCountTo(email);
  await startSignIn(page, email, passphrase);
  // The code used at enrolment is spent; the next step's code is within the ±1 step window.
  await page.getByTestId('signin-code').fill(totpCode(secret, Date.now() / 1000 + 30));
  await page.getByTestId('signin-verify').click();
  await expect(page.getByTestId('vault-page')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => mailCountTo(email) - before).toBe(1); // the new-sign-in notice, no code

  // A recovery code signs in once.
  await page.getByTestId('nav-signout').click();
  await startSignIn(page, email, passphrase);
  await page.getByTestId('signin-code').fill(firstRecovery);
  await page.getByTestId('signin-verify').click();
  await expect(page.getByTestId('vault-page')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('nav-signout').click();
  await startSignIn(page, email, passphrase);
  await page.getByTestId('signin-code').fill(firstRecovery);
  await page.getByTestId('signin-verify').click();
  await expect(page.getByTestId('signin-error')).toBeVisible();
});
