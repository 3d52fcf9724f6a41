// The vault: one record of each type is added, the vault is signed out and in again (with a
// mailed code) and every record decrypts; a sensitive record asks for the passphrase first.
// No request carries the passphrase or any record's plaintext.
import { test, expect } from '@playwright/test';
import { Capture, addRecord, freshEmail, signIn, signUp } from './accounts';

test('records of every type survive a sign-out and decrypt after signing in again', async ({ browser }) => {
  const nonce = Math.random().toString(36).slice(2, 10);
  // The address is sent in clear (sign-up, sign-in), so it must not hold the nonce.
  const email = freshEmail('vault');
  const passphrase = `harbor ${nonce} quartz meadow tundra`;
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const capture = new Capture(context);
  const page = await context.newPage();

  const secrets = {
    login: { name: `Bank ${nonce}`, username: `alice-${nonce}`, password: `pw-${nonce}-Xy!9`, url: 'https://bank.example' },
    card: { name: `Visa ${nonce}`, holder: `Alice ${nonce}`, number: '4111111111111111', expiry: '04/29', cvv: '737' },
    identity: {
      name: `Me ${nonce}`,
      'full-name': `Alice Liddell ${nonce}`,
      phone: '+44 20 7946 0000',
      address: `1 Rabbit Hole ${nonce}`,
      'document-label-0': 'Passport',
      'document-number-0': `X${nonce}`,
    },
    note: { name: `Diary ${nonce}`, notes: `dear diary ${nonce} the wifi key is hunter2` },
  };

  await signUp(page, email, passphrase);
  await addRecord(page, 'login', secrets.login);
  // Secrets are masked until "Show"; copying reports the 30-second clear.
  await expect(page.getByTestId('field-password')).toHaveAttribute('data-revealed', 'false');
  await expect(page.getByTestId('field-password')).not.toContainText(secrets.login.password);
  await page.getByTestId('reveal-password').click();
  await expect(page.getByTestId('field-password')).toHaveText(secrets.login.password);
  await page.getByTestId('copy-password').click();
  await expect(page.getByTestId('copy-password-note')).toContainText('clears in 30 s');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secrets.login.password);

  await addRecord(page, 'card', secrets.card);
  await addRecord(page, 'identity', secrets.identity);
  await addRecord(page, 'note', secrets.note, true);

  await page.getByTestId('nav-vault').click();
  await expect(page.getByTestId('vault-item')).toHaveCount(4);
  await page.getByTestId('vault-search').fill(`alice-${nonce}`);
  await expect(page.getByTestId('vault-item')).toHaveCount(1);
  await page.getByTestId('vault-search').fill('');
  await page.getByTestId('filter-card').click();
  await expect(page.getByTestId('vault-item')).toHaveCount(1);
  await expect(page.getByTestId('vault-item-name')).toHaveText(secrets.card.name);
  await page.getByTestId('filter-all').click();

  await page.getByTestId('nav-signout').click();
  await expect(page.getByTestId('signin-form')).toBeVisible();
  await signIn(page, email, passphrase);
  await expect(page.getByTestId('vault-item')).toHaveCount(4, { timeout: 30_000 });
  for (const record of Object.values(secrets)) {
    await expect(page.getByTestId('vault-list')).toContainText(record.name);
  }

  await page.getByTestId('vault-item').filter({ hasText: secrets.login.name }).click();
  await page.getByTestId('reveal-password').click();
  await expect(page.getByTestId('field-password')).toHaveText(secrets.login.password);

  // The sensitive note asks for the passphrase again: a wrong one is refused.
  await page.getByTestId('nav-vault').click();
  await page.getByTestId('vault-item').filter({ hasText: secrets.note.name }).click();
  await expect(page.getByTestId('reprompt-form')).toBeVisible();
  await page.getByTestId('reprompt-passphrase').fill('not it at all');
  await page.getByTestId('reprompt-submit').click();
  await expect(page.getByTestId('reprompt-error')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('reprompt-passphrase').fill(passphrase);
  await page.getByTestId('reprompt-submit').click();
  await expect(page.getByTestId('field-notes')).toHaveText(secrets.note.notes, { timeout: 30_000 });

  // Delete with confirmation.
  await page.getByTestId('record-delete').click();
  await page.getByTestId('record-delete-confirm').click();
  await expect(page.getByTestId('vault-item')).toHaveCount(3);

  expect(capture.requests.some((request) => request.includes('/api/v1/vault/records'))).toBe(true);
  await capture.expectNone([passphrase, nonce]);
  await context.close();
});
