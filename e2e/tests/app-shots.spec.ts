// Screenshots of the signed-in app at desktop and phone widths, light and dark, into
// /tmp/coffer-shots/app/ (for people to look at). Each page is checked to be in the state its
// picture claims, to pass axe-core in both colour schemes and to need no sideways scrolling.
import { test, expect } from '@playwright/test';
import { addRecord, freshEmail, signUp } from './accounts';
import { checkPage } from './a11y';

const DIR = `${process.env.COFFER_SHOTS ?? '/tmp/coffer-shots'}/app`;

for (const size of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`signed-in pages at ${size.name} width, light and dark`, async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    const page = await context.newPage();
    const shot = async (name: string) => {
      await checkPage(page, `${name} at ${size.name} size`);
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
        await page.screenshot({ path: `${DIR}/${name}-${size.name}-${colorScheme}.png`, fullPage: true });
      }
    };
    await signUp(page, freshEmail(`shots-${size.name}`), 'copper window seventy marble orchid');

    await page.getByTestId('vault-new').click();
    await page.getByTestId('new-login').click();
    await page.getByTestId('input-name').fill('Example Bank');
    await page.getByTestId('input-username').fill('alice@example.com');
    await page.getByTestId('input-password').fill('correct horse battery staple');
    await page.getByTestId('input-url').fill('https://bank.example/login');
    await page.getByTestId('input-totp').fill('JBSWY3DPEHPK3PXP');
    await page.getByTestId('input-folder').fill('Banking');
    await page.getByTestId('input-favorite').click();
    await page.getByTestId('custom-add').click();
    await page.getByTestId('custom-name-0').fill('Customer number');
    await page.getByTestId('custom-value-0').fill('0042-1337');
    await shot('01-login-form');
    await page.getByTestId('record-save').click();
    await expect(page.getByTestId('totp-code')).toBeVisible();
    await shot('02-login-view');
    await addRecord(page, 'card', { name: 'Visa', holder: 'Alice Liddell', number: '4111 1111 1111 1111' });
    await addRecord(page, 'note', { name: 'Recipe' });
    await page.getByTestId('nav-vault').click();
    await expect(page.getByTestId('vault-item')).toHaveCount(3);
    await shot('03-vault-list');

    await page.getByTestId('nav-new-share').click();
    await page.getByTestId('secret-input').fill('the door code is 4711');
    await page.getByTestId('share-label').fill('Door code for Sam');
    await shot('04-create-signed-in');
    await page.getByTestId('create-button').click();
    await expect(page.getByTestId('share-link')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('nav-shares').click();
    await expect(page.getByTestId('my-share-row')).toHaveCount(1);
    await page.getByTestId('my-share-qr-toggle').click();
    await shot('05-my-shares');

    await page.getByTestId('nav-activity').click();
    await expect(page.getByTestId('activity-list')).toBeVisible({ timeout: 30_000 });
    await shot('06-activity');
    await page.getByTestId('nav-account').click();
    await expect(page.getByTestId('account-page')).toBeVisible();
    await shot('07-account');
    await page.getByRole('link', { name: 'About' }).click();
    await expect(page.getByTestId('about-places')).toBeVisible();
    await shot('08-about');
    await context.close();
  });
}
