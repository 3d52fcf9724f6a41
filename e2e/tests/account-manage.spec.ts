// Managing the account: a passphrase change re-wraps the keys (records still open, other
// sessions end, the old passphrase stops working); an encrypted backup exports and imports;
// deleting the account removes it and its address can no longer sign in.
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { addRecord, freshEmail, signIn, signUp } from './accounts';

test('changing the passphrase keeps the records and signs other browsers out', async ({ browser }) => {
  const email = freshEmail('rekey');
  const old = 'orbit canyon velvet lantern quartz';
  const fresh = 'tundra meadow harbor copper violet';
  const laptop = await (await browser.newContext()).newPage();
  const phone = await (await browser.newContext()).newPage();
  await signUp(laptop, email, old);
  await addRecord(laptop, 'note', { name: 'Kept', notes: 'still here after the change' });
  await signIn(phone, email, old);

  await laptop.getByTestId('nav-account').click();
  await laptop.getByTestId('passphrase-current').fill('not the passphrase');
  await laptop.getByTestId('passphrase-new').fill(fresh);
  await laptop.getByTestId('passphrase-confirm').fill(fresh);
  await laptop.getByTestId('passphrase-change').click();
  await expect(laptop.getByTestId('passphrase-error')).toBeVisible({ timeout: 30_000 });
  await laptop.getByTestId('passphrase-current').fill(old);
  await laptop.getByTestId('passphrase-change').click();
  await expect(laptop.getByTestId('passphrase-result')).toBeVisible({ timeout: 30_000 });

  await phone.getByTestId('nav-account').click();
  await expect(phone.getByTestId('signin-form')).toBeVisible({ timeout: 15_000 });
  await phone.getByTestId('signin-email').fill(email);
  await phone.getByTestId('signin-passphrase').fill(old);
  await phone.getByTestId('signin-submit').click();
  await expect(phone.getByTestId('signin-error')).toBeVisible({ timeout: 30_000 });
  await signIn(phone, email, fresh);
  await expect(phone.getByTestId('vault-item')).toHaveCount(1);
  await phone.getByTestId('vault-item').click();
  await expect(phone.getByTestId('field-notes')).toHaveText('still here after the change');
});

test('an encrypted backup exports to a file and imports again', async ({ page }) => {
  const passphrase = 'copper violet tundra harbor meadow';
  await signUp(page, freshEmail('backup'), passphrase);
  await addRecord(page, 'login', { name: 'Backed up', username: 'alice', password: 'pw-backup-1' });
  await addRecord(page, 'note', { name: 'Also backed up', notes: 'note body' });

  await page.getByTestId('nav-account').click();
  await page.getByTestId('backup-export-passphrase').fill('a separate backup phrase for files');
  await page.getByTestId('backup-export').click();
  // The account passphrase first, as for every export.
  await page.getByTestId('reprompt-passphrase').fill(passphrase);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('reprompt-submit').click()]);
  expect(download.suggestedFilename()).toMatch(/^coffer-backup-\d{4}-\d{2}-\d{2}\.coffer$/);
  const file = await download.path();
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 4).toString()).toBe('COFR');
  expect(bytes.includes(Buffer.from('pw-backup-1'))).toBe(false);

  await page.getByTestId('backup-import-file').setInputFiles(file);
  await page.getByTestId('backup-import-passphrase').fill('the wrong backup phrase entirely');
  await page.getByTestId('backup-import').click();
  await expect(page.getByTestId('backup-error')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('backup-import-passphrase').fill('a separate backup phrase for files');
  await page.getByTestId('backup-import').click();
  await expect(page.getByTestId('backup-result')).toContainText('Imported 2 records', { timeout: 30_000 });
  await page.getByTestId('nav-vault').click();
  await expect(page.getByTestId('vault-item')).toHaveCount(4);
});

test('deleting the account needs the passphrase and the word DELETE', async ({ page }) => {
  const email = freshEmail('delete');
  const passphrase = 'harbor quartz copper orbit tundra';
  await signUp(page, email, passphrase);
  await page.getByTestId('nav-account').click();
  await page.getByTestId('delete-passphrase').fill(passphrase);
  await expect(page.getByTestId('delete-account')).toBeDisabled();
  await page.getByTestId('delete-confirm-text').fill('DELETE');
  await page.getByTestId('delete-account').click();
  await expect(page.getByTestId('account-deleted')).toBeVisible({ timeout: 30_000 });

  await page.goto('/signin');
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-passphrase').fill(passphrase);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toContainText('Wrong e-mail address or passphrase', {
    timeout: 30_000,
  });
});
