// Folders and favourites in the vault list (counts, filters, favourites first), the list and
// the record side by side on a wide screen and one at a time on a phone, without sideways
// scrolling; and screenshots of the list, a full login and its form, light and dark, at
// desktop and phone widths, into /tmp/vault-shots/ (for people to look at).
import { test, expect, type Page } from '@playwright/test';
import { expectNoHorizontalOverflow, freshEmail, signUp } from './accounts';

const SHOTS = process.env.VAULT_SHOTS ?? '/tmp/vault-shots';

/** Adds a login filed in `folder`, a favourite if asked. */
async function addFiled(page: Page, name: string, folder: string, favorite = false): Promise<void> {
  await page.getByTestId('nav-vault').click();
  await page.getByTestId('vault-new').click();
  await page.getByTestId('new-login').click();
  await page.getByTestId('input-name').fill(name);
  await page.getByTestId('input-username').fill(`${name.toLowerCase()}@example.com`);
  if (folder) await page.getByTestId('input-folder').fill(folder);
  if (favorite) {
    await page.getByTestId('input-favorite').click();
    await expect(page.getByTestId('input-favorite')).toHaveAttribute('aria-pressed', 'true');
  }
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('record-view')).toBeVisible();
}

/** The count shown on a folder chip. */
function count(page: Page, testid: string, folder?: string) {
  const chip = folder
    ? page.getByTestId(testid).and(page.locator(`[data-folder="${folder}"]`))
    : page.getByTestId(testid);
  return chip.getByTestId('folder-count');
}

test('folders and favourites filter the list with counts; favourites come first', async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signUp(page, freshEmail('vault-folders'), 'harvest plume ninety marble canyon');
  await expect(page.getByTestId('folder-filters')).toHaveCount(0);
  await addFiled(page, 'Alpha Bank', 'Banking');
  await addFiled(page, 'Zeta Bank', 'Banking', true);
  await addFiled(page, 'Mail', '');
  await addFiled(page, 'Jira', 'Work');
  await expect(page.getByTestId('record-favorite')).toHaveCount(0);

  // The form offers the existing folder names.
  await page.getByTestId('record-edit').click();
  await expect(page.locator('#folder-names option')).toHaveCount(2);
  await page.getByTestId('record-cancel').click();

  await page.getByTestId('nav-vault').click();
  await expect(page.getByTestId('vault-item')).toHaveCount(4);
  await expect(page.getByTestId('vault-item-name').first()).toHaveText('Zeta Bank');
  await expect(page.getByTestId('vault-item').first().getByTestId('vault-item-favorite')).toBeVisible();
  await expect(count(page, 'folder-all')).toHaveText('4');
  await expect(count(page, 'folder-favorites')).toHaveText('1');
  await expect(count(page, 'folder-item', 'Banking')).toHaveText('2');
  await expect(count(page, 'folder-item', 'Work')).toHaveText('1');
  await expect(count(page, 'folder-none')).toHaveText('1');

  await page.getByTestId('folder-item').and(page.locator('[data-folder="Banking"]')).click();
  await expect(page.getByTestId('vault-item-name')).toHaveText(['Zeta Bank', 'Alpha Bank']);
  await page.getByTestId('folder-favorites').click();
  await expect(page.getByTestId('folder-favorites')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('vault-item-name')).toHaveText(['Zeta Bank']);
  await page.getByTestId('folder-none').click();
  await expect(page.getByTestId('vault-item-name')).toHaveText(['Mail']);

  // The filter stays while an item is open beside the list (wide screen).
  await page.getByTestId('vault-item').click();
  await expect(page.getByTestId('record-view')).toBeVisible();
  await expect(page.getByTestId('vault-list')).toBeVisible();
  await expect(page.getByTestId('vault-item-name')).toHaveText(['Mail']);
  await expect(page.getByTestId('vault-item')).toHaveAttribute('aria-current', 'page');
  const list = await page.getByTestId('vault-list').boundingBox();
  const view = await page.getByTestId('record-view').boundingBox();
  expect(list && view && list.x + list.width <= view.x).toBe(true);

  // Moving an item to another folder updates the counts.
  await page.getByTestId('folder-all').click();
  await page.getByTestId('vault-item').filter({ hasText: 'Jira' }).click();
  await expect(page.getByTestId('record-name')).toHaveText('Jira');
  await page.getByTestId('record-edit').click();
  await page.getByTestId('input-folder').fill('Banking');
  await page.getByTestId('input-favorite').click();
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('record-favorite')).toBeVisible();
  await expect(page.getByTestId('field-folder')).toHaveText('Banking');
  await expect(count(page, 'folder-item', 'Banking')).toHaveText('3');
  await expect(page.getByTestId('folder-item').and(page.locator('[data-folder="Work"]'))).toHaveCount(0);
  await expect(count(page, 'folder-favorites')).toHaveText('2');
  await expect(page.getByTestId('vault-item-name')).toHaveText(['Jira', 'Zeta Bank', 'Alpha Bank', 'Mail']);
});

test('screenshots of the vault at desktop and phone widths, light and dark, without sideways scrolling', async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signUp(page, freshEmail('vault-shots'), 'orchid canyon seventy walnut prism');
  await addFiled(page, 'Mail', 'Personal');
  await addFiled(page, 'Payroll', 'Work', true);
  await page.getByTestId('nav-vault').click();
  await page.getByTestId('vault-new').click();
  await page.getByTestId('new-login').click();
  await page.getByTestId('input-name').fill('Example Bank with a rather long name for wrapping');
  await page.getByTestId('input-folder').fill('Banking');
  await page.getByTestId('input-favorite').click();
  await page.getByTestId('input-username').fill('alice.liddell@wonderland.example');
  await page.getByTestId('input-password').fill('correct horse battery staple');
  await page.getByTestId('input-totp').fill('JBSWY3DPEHPK3PXP');
  await page.getByTestId('input-url').fill('https://bank.example/a/very/long/path/that/should/wrap/on/a/phone?x=1');
  await page.getByTestId('url-add').click();
  await page.getByTestId('input-url').nth(1).fill('android://com.example.bank');
  await page.getByTestId('custom-add').click();
  await page.getByTestId('custom-name-0').fill('Customer number');
  await page.getByTestId('custom-value-0').fill('0042-1337');
  await page.getByTestId('custom-add').click();
  await page.getByTestId('custom-name-1').fill('Telephone PIN');
  await page.getByTestId('custom-kind-1').selectOption('hidden');
  await page.getByTestId('custom-value-1').fill('8841');
  await page.getByTestId('custom-add').click();
  await page.getByTestId('custom-name-2').fill('Paperless statements');
  await page.getByTestId('custom-kind-2').selectOption('boolean');
  await page.getByTestId('custom-value-2').check();
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('record-view')).toBeVisible();
  await page.getByTestId('record-edit').click();
  await page.getByTestId('input-password').fill('Tr0ub4dor&3');
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('history-toggle')).toBeVisible();
  const record = page.url();

  for (const size of [
    { name: 'desktop', width: 1280, height: 800 },
    { name: 'phone', width: 390, height: 844 },
  ]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const shot = async (name: string) => {
        // From the top: the list is sticky beside a long record on wide screens.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${SHOTS}/${name}-${size.name}-${scheme}.png`, fullPage: true });
      };
      await page.getByTestId('nav-vault').click();
      await expect(page.getByTestId('vault-item')).toHaveCount(3);
      await expectNoHorizontalOverflow(page);
      await shot('1-list');
      await page.getByTestId('vault-item').filter({ hasText: 'Example Bank' }).click();
      expect(page.url()).toBe(record);
      await expect(page.getByTestId('totp-code')).toBeVisible();
      if (size.name === 'phone') await expect(page.getByTestId('vault-list')).toBeHidden();
      else await expect(page.getByTestId('vault-list')).toBeVisible();
      await page.getByTestId('history-toggle').click();
      await expectNoHorizontalOverflow(page);
      await shot('2-login');
      await page.getByTestId('record-edit').click();
      await expect(page.getByTestId('record-form')).toBeVisible();
      await expectNoHorizontalOverflow(page);
      await shot('3-form');
      await page.getByTestId('input-totp').fill('nonsense!');
      await page.getByTestId('record-save').click();
      await expect(page.getByTestId('totp-error')).toBeVisible();
      await page.getByTestId('totp-error').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/4-form-error-${size.name}-${scheme}.png` });
      await page.getByTestId('record-cancel').click();
    }
  }
  await context.close();
});
