// The authenticator: enrol by QR code and secret with the passphrase, get 10 recovery codes, then
// sign in with a code computed as an authenticator app computes it (RFC 6238); no e-mailed code is
// sent. New recovery codes need the passphrase too and replace the old ones; each change mails an
// alert.
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

  // The passphrase is asked for; a wrong one is refused next to the field and turns nothing on.
  await page.getByTestId('totp-confirm').click();
  await expect(page.getByTestId('totp-confirm-error')).toHaveText(/Type your passphrase/);
  await page.getByTestId('totp-confirm-passphrase').fill('not my passphrase at all');
  await page.getByTestId('totp-confirm').click();
  await expect(page.getByTestId('totp-confirm-error')).toHaveText(/Wrong passphrase/, { timeout: 30_000 });
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);

  const beforeOn = mailCount();
  await page.getByTestId('totp-confirm-passphrase').fill(passphrase);
  await page.getByTestId('totp-confirm').click();
  const recovery = page.getByTestId('recovery-codes').locator('li');
  await expect(recovery).toHaveCount(10, { timeout: 30_000 });
  const firstSet = (await recovery.allInnerTexts()).map((code) => code.trim());
  await page.getByTestId('recovery-done').click();
  await expect(page.getByTestId('totp-on')).toBeVisible();
  const on = await waitForMail(email, /security alert: authenticator turned on/, beforeOn);
  for (const code of firstSet) expect(on.body).not.toContain(code);

  // New recovery codes: the passphrase again, the new set shown once, the old set dead.
  const beforeNew = mailCount();
  await page.getByTestId('recovery-new').click();
  await page.getByTestId('recovery-passphrase').fill(passphrase);
  await page.getByTestId('recovery-submit').click();
  await expect(recovery).toHaveCount(10, { timeout: 30_000 });
  const secondSet = (await recovery.allInnerTexts()).map((code) => code.trim());
  expect(secondSet.filter((code) => firstSet.includes(code))).toEqual([]);
  await page.getByTestId('recovery-done').click();
  await expect(page.getByTestId('totp-on')).toBeVisible();
  await waitForMail(email, /security alert: new recovery codes/, beforeNew);

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

  // A recovery code of the new set signs in once; one of the old set never does.
  await page.getByTestId('nav-signout').click();
  await startSignIn(page, email, passphrase);
  await page.getByTestId('signin-code').fill(firstSet[0]);
  await page.getByTestId('signin-verify').click();
  await expect(page.getByTestId('signin-error')).toBeVisible();
  await page.getByTestId('signin-code').fill(secondSet[0]);
  await page.getByTestId('signin-verify').click();
  await expect(page.getByTestId('vault-page')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('nav-signout').click();
  await startSignIn(page, email, passphrase);
  await page.getByTestId('signin-code').fill(secondSet[0]);
  await page.getByTestId('signin-verify').click();
  await expect(page.getByTestId('signin-error')).toBeVisible();
});
