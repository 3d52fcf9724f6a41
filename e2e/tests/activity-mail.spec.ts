// Activity reports and alerts by mail (docs/mail.md), received by the SMTP server on loopback:
// the Account page's Notifications switches save; signing out mails the session's report with
// what was done in it; a sign-in from another country (a client elsewhere, through the trusted
// loopback proxy) is the new-device-and-country alert.
import { test, expect } from '@playwright/test';
import { addRecord, freshEmail, signIn, signUp } from './accounts';
import { mailCount, waitForMail } from './mail';

const FIREFOX_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
// An address the test database places in Germany (193.99.144.0/24 is a German network).
const GERMAN_ADDRESS = '193.99.144.80';

test('signing out mails the report of the session with what was done in it', async ({ page }) => {
  const email = freshEmail('report');
  await signUp(page, email, 'harbor velvet pencil glacier umbra');
  await addRecord(page, 'note', { name: 'Groceries', notes: 'milk and bread' });

  await page.getByTestId('nav-account').click();
  const report = page.getByTestId('notify-signout-report');
  const digest = page.getByTestId('notify-weekly-digest');
  await expect(report).toBeChecked();
  await expect(digest).toBeChecked();
  await digest.uncheck();
  await expect(page.getByTestId('notifications-saved')).toBeVisible();
  await expect(digest).not.toBeChecked();
  await page.getByTestId('notifications').screenshot({ path: 'test-results/notifications-panel.png' });

  const before = mailCount();
  await page.getByTestId('account-signout').click();
  await expect(page.getByTestId('signin-form')).toBeVisible();
  const mail = await waitForMail(email, /^Coffer session report: /, before);
  expect(mail.body).toContain('IP address: 127.0.0.1');
  expect(mail.body).toContain('vault items added: 1');
  expect(mail.body).toMatch(/vault item added \([A-Za-z0-9_-]{8}\)/);
  expect(mail.body).toContain('sign-outs: 1');
  // Never the record's content.
  expect(mail.body).not.toContain('Groceries');
  expect(mail.body).not.toContain('milk');
});

test('a sign-in from another country and device is an alert', async ({ browser }) => {
  const email = freshEmail('alert');
  const passphrase = 'orchid summit ledger basalt plume';
  const home = await browser.newContext();
  await signUp(await home.newPage(), email, passphrase);
  await home.close();

  const away = await browser.newContext({
    userAgent: FIREFOX_ON_WINDOWS,
    extraHTTPHeaders: { 'X-Forwarded-For': GERMAN_ADDRESS },
  });
  const before = mailCount();
  await signIn(await away.newPage(), email, passphrase);
  const alert = await waitForMail(email, /^Coffer security alert: sign-in from a new /, before);
  expect(alert.subject).toBe('Coffer security alert: sign-in from a new device and country');
  expect(alert.body).toContain('This is a new device for your account.');
  expect(alert.body).toContain('This is a new country for your account (DE).');
  expect(alert.body).toContain(`IP address: ${GERMAN_ADDRESS}`);
  expect(alert.body).toContain('Device: Firefox on Windows');
  await away.close();
});
