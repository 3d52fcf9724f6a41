// Screenshots of the account and vault pages at desktop and phone widths, into
// /tmp/coffer-shots/ (for people to look at).
import { test, expect, type Page } from '@playwright/test';
import { codeOf, mailCount, waitForMail } from './mail';

const DIR = process.env.COFFER_SHOTS ?? '/tmp/coffer-shots';
for (const size of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`account and vault screenshots at ${size.name} width`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: `${DIR}/${name}-${size.name}.png`, fullPage: true });
    const email = `shots-${size.name}-${Date.now()}@example.com`;
    const passphrase = 'copper window seventy marble orchid';
    await page.goto('/signup');
    await page.getByTestId('signup-email').fill(email);
    await shot('10-signup-email');
    const before = mailCount();
    await page.getByTestId('signup-send-code').click();
    await page.getByTestId('signup-code').fill(codeOf(await waitForMail(email, /sign-up code/, before)));
    await page.getByTestId('signup-verify').click();
    await page.getByTestId('signup-passphrase').fill('monkey123');
    await shot('11-signup-weak');
    await page.getByTestId('signup-passphrase').fill(passphrase);
    await page.getByTestId('signup-confirm').fill(passphrase);
    await shot('12-signup-strong');
    await page.getByTestId('signup-create').click();
    await expect(page.getByTestId('vault-empty')).toBeVisible({ timeout: 30_000 });
    await shot('13-vault-empty');
    await page.getByTestId('vault-new').click();
    await page.getByTestId('new-login').click();
    await page.getByTestId('input-name').fill('Example Bank');
    await page.getByTestId('input-username').fill('alice@example.com');
    await page.getByTestId('generator-toggle').click();
    await shot('14-login-form-generator');
    await page.getByTestId('generator-use').click();
    await page.getByTestId('input-url').fill('https://bank.example');
    await page.getByTestId('record-save').click();
    await expect(page.getByTestId('record-view')).toBeVisible();
    await shot('15-login-view');
    await page.getByTestId('nav-vault').click();
    await page.getByTestId('vault-new').click();
    await page.getByTestId('new-identity').click();
    await page.getByTestId('input-name').fill('Passport');
    await page.getByTestId('input-full-name').fill('Alice Liddell');
    await page.getByTestId('document-add').click();
    await page.getByTestId('document-label-0').fill('Passport');
    await page.getByTestId('document-number-0').fill('X1234567');
    await shot('16-identity-form');
    await page.getByTestId('record-save').click();
    await page.getByTestId('nav-vault').click();
    await page.getByTestId('vault-new').click();
    await page.getByTestId('new-card').click();
    await page.getByTestId('input-name').fill('Visa');
    await page.getByTestId('input-holder').fill('Alice Liddell');
    await page.getByTestId('input-number').fill('4111 1111 1111 1234');
    await page.getByTestId('input-sensitive').check();
    await page.getByTestId('record-save').click();
    await page.getByTestId('nav-vault').click();
    await expect(page.getByTestId('vault-item')).toHaveCount(3);
    await shot('17-vault-list');
    await page.getByTestId('vault-item').filter({ hasText: 'Visa' }).click();
    await expect(page.getByTestId('reprompt-form')).toBeVisible();
    await shot('18-reprompt');
    await page.getByTestId('nav-account').click();
    await expect(page.getByTestId('session-row')).toHaveCount(1);
    await page.getByTestId('totp-setup').click();
    await expect(page.getByTestId('totp-qr')).toBeVisible();
    await shot('19-account-totp');
    await page.getByTestId('nav-signout').click();
    await expect(page.getByTestId('signin-form')).toBeVisible();
    await shot('20-signin');
    await page.goto('/session/end#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await expect(page.getByTestId('session-end-confirm')).toBeVisible();
    await shot('21-session-end');
    await context.close();
  });
}
