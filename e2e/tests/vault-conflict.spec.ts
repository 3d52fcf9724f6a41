// Two browsers edit the same record: the second save is a conflict that shows both versions
// side by side and loses neither; "keep mine" stores it on top of the other edit.
import { test, expect, type Page } from '@playwright/test';
import { addRecord, freshEmail, signIn, signUp } from './accounts';

async function openEditor(page: Page, name: string): Promise<void> {
  await page.getByTestId('nav-vault').click();
  await page.getByTestId('vault-item').filter({ hasText: name }).click();
  await page.getByTestId('record-edit').click();
  await expect(page.getByTestId('record-form')).toBeVisible();
}

test('a concurrent edit is shown as a conflict and neither version is lost', async ({ browser }) => {
  const email = freshEmail('conflict');
  const passphrase = 'canyon orbit quartz meadow lantern';
  const laptop = await (await browser.newContext()).newPage();
  const phone = await (await browser.newContext()).newPage();
  await signUp(laptop, email, passphrase);
  await addRecord(laptop, 'login', { name: 'Mail', username: 'alice', password: 'first-password' });
  await signIn(phone, email, passphrase);

  await openEditor(laptop, 'Mail');
  await openEditor(phone, 'Mail');
  await laptop.getByTestId('input-username').fill('alice-laptop');
  await laptop.getByTestId('input-password').fill('laptop-password');
  await laptop.getByTestId('record-save').click();
  await expect(laptop.getByTestId('record-view')).toBeVisible();

  await phone.getByTestId('input-username').fill('alice-phone');
  await phone.getByTestId('input-password').fill('phone-password');
  await phone.getByTestId('record-save').click();
  await expect(phone.getByTestId('conflict')).toBeVisible();
  // Both versions side by side (secrets stay masked there).
  await expect(phone.getByTestId('conflict-mine-username')).toContainText('alice-phone');
  await expect(phone.getByTestId('conflict-theirs-username')).toContainText('alice-laptop');
  await expect(phone.getByTestId('conflict-mine-password')).not.toContainText('phone-password');
  await phone.getByTestId('conflict-keep-mine').click();
  await expect(phone.getByTestId('record-view')).toBeVisible();
  await phone.getByTestId('reveal-password').click();
  await expect(phone.getByTestId('field-password')).toHaveText('phone-password');

  // The laptop's vault list refreshes each time it is shown, and then holds the phone's version.
  const refreshed = laptop.waitForResponse(
    (response) => response.url().endsWith('/api/v1/vault/records') && response.request().method() === 'GET',
  );
  await laptop.getByTestId('nav-vault').click();
  await refreshed;
  await openEditor(laptop, 'Mail');
  await expect(laptop.getByTestId('input-password')).toHaveValue('phone-password');
});
