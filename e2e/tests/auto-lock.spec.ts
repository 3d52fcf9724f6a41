// Locking the vault in the page: after the chosen time without input (moved on with the browser's
// clock), or at once with "Lock now", the decrypted item leaves the page and the unlock form asks
// for the passphrase; the session stays (no new sign-in), and the passphrase brings the item back.
// The time is a setting of the Account page, kept in this browser.
import { readFileSync } from 'node:fs';
import { test, expect, type Page, type Route } from '@playwright/test';
import { addRecord, freshEmail, signUp } from './accounts';
import { randomFile, sha256 } from './files';

/** Everything the page holds as text: rendered text, markup and the values of its fields. */
async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const values = Array.from(document.querySelectorAll('input, textarea, select')).map(
      (field) => (field as HTMLInputElement).value,
    );
    return [document.documentElement.outerHTML, document.body.innerText, ...values].join('\n');
  });
}

async function expectLocked(page: Page, secret: string): Promise<void> {
  await expect(page.getByTestId('unlock-form')).toBeVisible();
  await expect(page.getByTestId('nav-lock')).toHaveCount(0);
  expect(await pageText(page)).not.toContain(secret);
}

async function unlock(page: Page, passphrase: string, secret: string): Promise<void> {
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('record-view')).toContainText(secret, { timeout: 30_000 });
  await expect(page.getByTestId('nav-lock')).toBeVisible();
}

async function newVault(page: Page, nonce: string): Promise<{ passphrase: string; secret: string }> {
  const passphrase = `lantern ${nonce} orchard violet canyon`;
  const secret = `the alarm code is ${nonce}`;
  await signUp(page, freshEmail('lock'), passphrase);
  await addRecord(page, 'note', { name: `Alarm ${nonce}`, notes: secret });
  await expect(page.getByTestId('record-view')).toContainText(secret);
  return { passphrase, secret };
}

test('the vault locks itself after the idle time and the passphrase opens it again', async ({ page }) => {
  const nonce = Math.random().toString(36).slice(2, 10);
  await page.clock.install();
  const signouts: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/signout')) signouts.push(request.url());
  });
  const { passphrase, secret } = await newVault(page, nonce);

  // 15 minutes by default: not a moment before.
  await page.clock.fastForward('14:00');
  await expect(page.getByTestId('record-view')).toContainText(secret);
  await page.clock.fastForward('01:30');
  await expectLocked(page, secret);
  await unlock(page, passphrase, secret);

  // Input postpones the lock: 10 minutes, a key press, 10 more minutes: still open.
  await page.clock.fastForward('10:00');
  await page.keyboard.press('Shift');
  await page.clock.fastForward('10:00');
  await expect(page.getByTestId('record-view')).toContainText(secret);
  await page.clock.fastForward('05:30');
  await expectLocked(page, secret);
  await unlock(page, passphrase, secret);

  // 5 minutes, chosen on the Account page, kept in this browser.
  await page.getByTestId('nav-account').click();
  await page.getByTestId('auto-lock-select').selectOption('5');
  await expect(page.getByTestId('auto-lock-note')).toHaveText('Saved for this browser.');
  expect(await page.evaluate(() => localStorage.getItem('coffer:lock-after-minutes'))).toBe('5');
  await page.getByTestId('nav-vault').click();
  await page.getByTestId('vault-item').click();
  await expect(page.getByTestId('record-view')).toContainText(secret);
  await page.clock.fastForward('05:30');
  await expectLocked(page, secret);
  await unlock(page, passphrase, secret);
  await page.getByTestId('nav-account').click();
  await expect(page.getByTestId('auto-lock-select')).toHaveValue('5');

  // Locking is not signing out.
  expect(signouts).toEqual([]);
});

test('Lock now locks at once, wherever the vault is unlocked', async ({ page }) => {
  const nonce = Math.random().toString(36).slice(2, 10);
  const { passphrase, secret } = await newVault(page, nonce);
  await page.getByTestId('nav-lock').click();
  await expectLocked(page, secret);
  await unlock(page, passphrase, secret);

  // On the create page (a signed share needs the key) the header's button locks too.
  await page.getByRole('link', { name: 'Coffer' }).click();
  await expect(page.getByTestId('secret-input')).toBeVisible();
  await page.getByTestId('nav-lock').click();
  await expect(page.getByTestId('unlock-purpose')).toBeVisible();
  await page.getByTestId('nav-vault').click();
  await expectLocked(page, secret);
});

test('Lock now in one tab locks the other tabs of the browser; unlocking one leaves the others locked', async ({ page }) => {
  const nonce = Math.random().toString(36).slice(2, 10);
  const { passphrase, secret } = await newVault(page, nonce);
  const other = await page.context().newPage();
  const openIn = async (tab: Page) => {
    await tab.getByTestId('unlock-passphrase').fill(passphrase);
    await tab.getByTestId('unlock-submit').click();
    // A tab that had a record open shows it again after unlocking; others show the list.
    const view = tab.getByTestId('record-view');
    await expect(view.or(tab.getByTestId('vault-item')).first()).toBeVisible({ timeout: 30_000 });
    if ((await view.count()) === 0) await tab.getByTestId('vault-item').click();
    await expect(view).toContainText(secret);
  };
  await other.goto('/vault');
  await openIn(other);
  await page.getByTestId('nav-lock').click();
  await expectLocked(page, secret);
  await expectLocked(other, secret);
  // Unlocking one tab does not unlock the other.
  await openIn(other);
  await expectLocked(page, secret);
  await other.close();
});

test('locking during an attachment upload stops it, and the same file finishes it after unlocking', async ({
  page,
}) => {
  const nonce = Math.random().toString(36).slice(2, 10);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const { passphrase, secret } = await newVault(page, nonce);
  const file = randomFile('deeds.pdf', 6 * 1024 * 1024 + 77);
  // Chunks after the first wait until the vault is locked.
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const sent: number[] = [];
  await page.route('**/api/v1/uploads/*/chunks/*', async (route: Route) => {
    const index = Number(new URL(route.request().url()).pathname.split('/').pop());
    if (index > 0) await released;
    sent.push(index);
    await route.continue();
  });
  await page.getByTestId('attach-input').setInputFiles(file.path);
  await expect.poll(() => sent.length, { timeout: 30_000 }).toBe(1);
  await page.getByTestId('nav-lock').click();
  await expectLocked(page, secret);
  release();
  // What was in flight arrives; nothing more leaves once the vault is locked: the upload ends
  // (its tab lock is released) with chunks 0 to 4 sent.
  const held = () => page.evaluate(async () => (await navigator.locks.query()).held?.length ?? 0);
  await expect.poll(held, { timeout: 30_000 }).toBe(0);
  expect(sent.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  await page.unroute('**/api/v1/uploads/*/chunks/*');

  await unlock(page, passphrase, secret);
  await expect(page.getByTestId('attach-resume')).toContainText('deeds.pdf');
  await page.getByTestId('attach-resume-input').setInputFiles(file.path);
  await expect(page.getByTestId('attachment-name')).toHaveText('deeds.pdf', { timeout: 60_000 });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('attachment-download').click(),
  ]);
  expect(sha256(readFileSync(await download.path()))).toBe(file.sha256);
  expect(errors).toEqual([]);
});

test('screenshots of Lock now and the lock setting', async ({ page }) => {
  const nonce = Math.random().toString(36).slice(2, 10);
  const { passphrase } = await newVault(page, nonce);
  for (const [name, size] of [
    ['desktop', { width: 1280, height: 800 }],
    ['mobile', { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(size);
    await page.getByTestId('nav-vault').click();
    await expect(page.getByTestId('nav-lock')).toBeVisible();
    await page.screenshot({ path: `test-results/lock-now-${name}.png` });
    await page.getByTestId('nav-account').click();
    await page.getByTestId('auto-lock').scrollIntoViewIfNeeded();
    await page.getByTestId('auto-lock').screenshot({ path: `test-results/lock-setting-${name}.png` });
    await page.screenshot({ path: `test-results/account-${name}.png`, fullPage: true });
    await page.getByTestId('nav-lock').click();
    await expect(page.getByTestId('unlock-passphrase')).toBeVisible();
    await page.screenshot({ path: `test-results/locked-${name}.png` });
    await page.getByTestId('unlock-passphrase').fill(passphrase);
    await page.getByTestId('unlock-submit').click();
    await expect(page.getByTestId('nav-lock')).toBeVisible({ timeout: 30_000 });
  }
});
