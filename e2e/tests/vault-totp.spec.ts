// A vault login's authenticator: the live code matches an independent RFC 6238 computation
// (SHA-1 from a bare base32 key, SHA-256 with 8 digits and a 60 s period from an otpauth://
// link), the countdown moves each second, the code copies, the key never reaches the page, and
// an unusable key is refused in the form.
import { test, expect, type Page } from '@playwright/test';
import { addRecord, base32Encode, expectNoHorizontalOverflow, freshEmail, signUp, totpCodeOf } from './accounts';

const SECRET = 'JBSWY3DPEHPK3PXP';
const SECRET_BYTES = Buffer.from('48656c6c6f21deadbeef', 'hex'); // JBSWY3DPEHPK3PXP decoded

/** The code shown (without its space), checked against the steps around the time it was read. */
async function expectCode(page: Page, expected: (unix: number) => string, period: number): Promise<string> {
  const before = Math.floor(Date.now() / 1000);
  const shown = ((await page.getByTestId('totp-code').textContent()) ?? '').replace(/\s/g, '');
  const after = Math.floor(Date.now() / 1000);
  const allowed = new Set([expected(before), expected(after), expected(before - period), expected(after + period)]);
  expect(allowed.has(shown), `shown ${shown}, expected one of ${[...allowed]}`).toBe(true);
  return shown;
}

test('a login shows the live authenticator code, counts down, copies it and hides the key', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => errors.push(message.text()));
  await signUp(page, freshEmail('vault-totp'), 'granite pelican ninety lantern dusk');
  expect(base32Encode(SECRET_BYTES)).toBe(SECRET);

  await addRecord(page, 'login', { name: 'GitHub', username: 'alice', password: 'pw-1', totp: SECRET });
  await expect(page.getByTestId('totp-code')).toHaveText(/^\d{3} \d{3}$/);
  const shown = await expectCode(page, (t) => totpCodeOf(SECRET_BYTES, t), 30);

  // The countdown: 1 to 30 seconds, and it moves.
  const seconds = async () => Number(((await page.getByTestId('totp-seconds').textContent()) ?? '').replace(/\D/g, ''));
  const first = await seconds();
  expect(first).toBeGreaterThanOrEqual(1);
  expect(first).toBeLessThanOrEqual(30);
  await expect.poll(seconds, { timeout: 5_000 }).not.toBe(first);

  // Copy puts the digits (no space) on the clipboard.
  await page.getByTestId('copy-totp').click();
  await expect(page.getByTestId('copy-totp-note')).toContainText('clears in 30 s');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(/^\d{6}$/);
  const now = Math.floor(Date.now() / 1000);
  expect([shown, ...[-30, 0, 30].map((d) => totpCodeOf(SECRET_BYTES, now + d))]).toContain(copied);

  // The key itself is nowhere in the page, nor in the console.
  expect(await page.content()).not.toContain(SECRET);
  await expectNoHorizontalOverflow(page);

  // A key that is not base32 is refused in the form, with a message tied to the input.
  await page.getByTestId('record-edit').click();
  await page.getByTestId('input-totp').fill('not a secret!');
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('totp-error')).toBeVisible();
  await expect(page.getByTestId('totp-error')).toContainText('base32');
  await expect(page.getByTestId('input-totp')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('record-form')).toBeVisible();
  await page.getByTestId('input-totp').fill('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1');
  await expect(page.getByTestId('totp-error')).toContainText('time-based');
  await expectNoHorizontalOverflow(page);

  // An otpauth:// link with SHA-256, 8 digits and a 60 s period.
  const seed = Buffer.from('12345678901234567890123456789012');
  const uri = `otpauth://totp/ACME%20Co:alice%40example.com?secret=${base32Encode(seed)}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60`;
  await page.getByTestId('input-totp').fill(uri);
  await expect(page.getByTestId('totp-error')).toBeHidden();
  await page.getByTestId('record-save').click();
  await expect(page.getByTestId('record-view')).toBeVisible();
  await expect(page.getByTestId('totp-code')).toHaveText(/^\d{4} \d{4}$/);
  await expectCode(page, (t) => totpCodeOf(seed, t, 'sha256', 8, 60), 60);
  const left = await seconds();
  expect(left).toBeGreaterThanOrEqual(1);
  expect(left).toBeLessThanOrEqual(60);
  expect(await page.content()).not.toContain(base32Encode(seed));
  for (const line of errors) {
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain(base32Encode(seed));
  }
  await context.close();
});
