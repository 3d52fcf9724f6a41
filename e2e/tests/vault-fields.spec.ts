// The members a record gained: several websites (only http(s) become links, opened safely),
// custom fields (text shown, hidden masked until revealed, yes/no), a login's password history,
// an identity's e-mail and company, a card's brand and numeric inputs. They survive a reload.
import { test, expect } from '@playwright/test';
import { addRecord, expectNoHorizontalOverflow, freshEmail, signUp, unlockAgain } from './accounts';
import { checkPage } from './a11y';

test('websites, custom fields and password history are edited, shown and kept', async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const passphrase = 'velvet harbor ninety quartz lantern';
  const pin = `pin-${Math.random().toString(36).slice(2, 10)}`;
  await signUp(page, freshEmail('vault-fields'), passphrase);

  await page.getByTestId('vault-new').click();
  await page.getByTestId('new-login').click();
  await page.getByTestId('input-name').fill('Bank');
  await page.getByTestId('input-username').fill('alice');
  await page.getByTestId('input-password').fill('first-password');
  // Websites: one row to start with, more on demand, a blank one is dropped on save.
  await expect(page.getByTestId('input-url')).toHaveCount(1);
  await page.getByTestId('input-url').fill('https://bank.example/login');
  await page.getByTestId('url-add').click();
  await page.getByTestId('input-url').nth(1).fill('ftp://files.bank.example');
  await page.getByTestId('url-add').click();
  await page.getByTestId('url-add').click();
  await page.getByTestId('url-remove').nth(3).click();
  await expect(page.getByTestId('input-url')).toHaveCount(3);
  await page.getByTestId('input-url').nth(2).fill('javascript:alert(1)');
  // Custom fields: text, hidden, yes/no.
  for (let i = 0; i < 3; i++) await page.getByTestId('custom-add').click();
  await page.getByTestId('custom-name-0').fill('Account number');
  await page.getByTestId('custom-value-0').fill('12-34-56');
  await page.getByTestId('custom-name-1').fill('PIN');
  await page.getByTestId('custom-kind-1').selectOption('hidden');
  await expect(page.getByTestId('custom-value-1')).toHaveAttribute('type', 'password');
  await page.getByTestId('custom-value-1').fill(pin);
  await page.getByTestId('custom-name-2').fill('Paperless');
  await page.getByTestId('custom-kind-2').selectOption('boolean');
  await page.getByTestId('custom-value-2').check();
  await expect(page.getByLabel('Field name').first()).toHaveValue('Account number');
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('record-view')).toBeVisible();

  const check = async () => {
    const link = page.getByTestId('url-link');
    await expect(link).toHaveCount(1);
    await expect(link).toHaveAttribute('href', 'https://bank.example/login');
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(page.getByTestId('url-text')).toHaveText(['ftp://files.bank.example', 'javascript:alert(1)']);
    await expect(page.getByTestId('field-custom-0')).toHaveText('12-34-56');
    await expect(page.getByTestId('field-custom-1')).toHaveAttribute('data-revealed', 'false');
    expect(await page.content()).not.toContain(pin);
    await page.getByTestId('reveal-custom-1').click();
    await expect(page.getByTestId('field-custom-1')).toHaveText(pin);
    await page.getByTestId('reveal-custom-1').click();
    await expect(page.getByTestId('field-custom-2')).toHaveText('Yes');
  };
  await check();
  await page.getByTestId('copy-custom-1').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pin);

  // The password changes: the old one goes into the history with a date.
  await expect(page.getByTestId('history-toggle')).toBeHidden();
  await page.getByTestId('record-edit').click();
  await page.getByTestId('input-password').fill('second-password');
  await page.getByTestId('custom-value-2').uncheck();
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('record-view')).toBeVisible();
  await expect(page.getByTestId('field-custom-2')).toHaveText('No');
  await expect(page.getByTestId('history-toggle')).toHaveText(/Password history \(1\)/);
  await expect(page.getByTestId('history-toggle')).toHaveAttribute('aria-expanded', 'false');
  expect(await page.content()).not.toContain('first-password');
  await page.getByTestId('history-toggle').click();
  const entry = page.getByTestId('history-entry');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Replaced ');
  await expect(entry).toContainText(String(new Date().getFullYear()));
  await expect(page.getByTestId('field-history-0')).toHaveAttribute('data-revealed', 'false');
  expect(await page.content()).not.toContain('first-password');
  await page.getByTestId('reveal-history-0').click();
  await expect(page.getByTestId('field-history-0')).toHaveText('first-password');
  await checkPage(page, 'a login with custom fields and its password history open');
  await page.getByTestId('copy-history-0').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('first-password');

  // Saving without changing the password adds nothing.
  await page.getByTestId('record-edit').click();
  await page.getByTestId('input-username').fill('alice2');
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('history-toggle')).toHaveText(/Password history \(1\)/);

  // Everything survives a reload (decrypted again from the server's ciphertext).
  await page.reload();
  await unlockAgain(page, passphrase);
  await expect(page.getByTestId('record-view')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('field-custom-2')).toHaveText('No');
  await page.getByTestId('record-edit').click();
  await page.getByTestId('custom-value-2').check();
  await page.getByTestId('record-save').click();
  await check();
  await expect(page.getByTestId('history-toggle')).toHaveText(/Password history \(1\)/);
  await context.close();
});

test('identities have e-mail and company; cards show their brand and use numeric inputs', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signUp(page, freshEmail('vault-card'), 'meadow tundra copper violet signal');
  await addRecord(page, 'identity', {
    name: 'Me',
    'full-name': 'Alice Liddell',
    email: 'alice@wonderland.example',
    company: 'Looking Glass Ltd',
  });
  await expect(page.getByTestId('field-email')).toHaveText('alice@wonderland.example');
  await expect(page.getByTestId('field-company')).toHaveText('Looking Glass Ltd');
  await page.getByTestId('record-edit').click();
  await expect(page.getByTestId('input-email')).toHaveAttribute('type', 'email');
  await page.getByTestId('record-cancel').click();

  await page.getByTestId('nav-vault').click();
  await page.getByTestId('vault-new').click();
  await page.getByTestId('new-card').click();
  for (const slug of ['number', 'expiry', 'cvv']) {
    await expect(page.getByTestId(`input-${slug}`)).toHaveAttribute('inputmode', 'numeric');
  }
  await expectNoHorizontalOverflow(page);
  await page.getByTestId('input-name').fill('Travel card');
  await page.getByTestId('input-number').fill('3782 822463 10005');
  await page.getByTestId('input-expiry').fill('04/29');
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('field-brand')).toHaveText('Amex');
  await expect(page.getByTestId('field-number')).toHaveAttribute('data-revealed', 'false');
  await page.getByTestId('nav-vault').click();
  await expect(page.getByTestId('vault-item-sub').filter({ hasText: 'Amex' })).toHaveText('Amex •••• 0005');
  await page.getByTestId('vault-search').fill('0005');
  await expect(page.getByTestId('vault-item')).toHaveCount(1);
  await expectNoHorizontalOverflow(page);
  await context.close();
});
