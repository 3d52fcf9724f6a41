// Recovery codes can be kept the way people keep them: copied, downloaded as a text file or
// printed (the printout holds the codes alone), and made anew with the passphrase.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { freshEmail, signUp, totpCode } from './accounts';
import { expectNoAxeViolations } from './a11y';

test('recovery codes are copied, downloaded and printed, and a new set replaces them', async ({ page, context }) => {
  test.setTimeout(120_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const email = freshEmail('recovery');
  const passphrase = 'canyon lantern quarry velvet orbit';
  await signUp(page, email, passphrase);
  await page.getByTestId('nav-account').click();
  await page.getByTestId('totp-setup').click();
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  await page.getByTestId('totp-code').fill(totpCode(secret, Date.now() / 1000));
  await page.getByTestId('totp-confirm-passphrase').fill(passphrase);
  await page.getByTestId('totp-confirm').click();
  const listed = page.getByTestId('recovery-codes').locator('li');
  await expect(listed).toHaveCount(10, { timeout: 30_000 });
  const codes = (await listed.allInnerTexts()).map((code) => code.trim());
  await expectNoAxeViolations(page, 'recovery codes');

  await page.getByTestId('recovery-copy').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  for (const code of codes) expect(copied).toContain(code);
  expect(copied).toContain(email);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recovery-download').click()]);
  expect(download.suggestedFilename()).toBe('coffer-recovery-codes.txt');
  const file = readFileSync(await download.path(), 'utf8');
  codes.forEach((code, position) => expect(file).toContain(`${position + 1}. ${code}`));

  // Print: the browser's dialog is asked for, and in print the codes are all that shows.
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed += 1;
    };
  });
  await page.getByTestId('recovery-print').click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('recovery-codes')).toBeVisible();
  await expect(page.getByTestId('nav-vault')).not.toBeVisible();
  await expect(page.getByTestId('recovery-download')).not.toBeVisible();
  await page.emulateMedia({ media: 'screen' });

  await page.getByTestId('recovery-done').click();
  await page.getByTestId('recovery-new').click();
  await page.getByTestId('recovery-passphrase').fill(passphrase);
  await page.getByTestId('recovery-submit').click();
  await expect(listed).toHaveCount(10, { timeout: 30_000 });
  const renewed = (await listed.allInnerTexts()).map((code) => code.trim());
  expect(renewed.some((code) => codes.includes(code))).toBe(false);
});
