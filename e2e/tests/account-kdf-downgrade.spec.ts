// After a browser has unlocked an account, a server that asks it for weaker passphrase
// protection (docs/accounts.md, "Remembered parameters") is refused before anything is derived:
// the sign-in and unlock pages show a warning and no proof is sent. The answers are rewritten in
// flight, as a malicious server would send them.
import { test, expect, type Page } from '@playwright/test';
import { freshEmail, signIn, signUp } from './accounts';

const PASSPHRASE = 'lantern quartz orbit canyon velvet';

type Answer = { version: number; kdf_salt: string; m: number; t: number; p: number };

/** Rewrites every answer of `path` with `rewrite` (for the session: its `kdf` member). */
async function rewriteAnswers(page: Page, path: string, rewrite: (body: any) => object): Promise<void> {
  await page.unrouteAll();
  await page.route(`**${path}`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: rewrite(await response.json()) });
  });
}

test('a weaker pre-login answer than the last sign-in is refused with a warning and nothing is sent', async ({
  page,
}) => {
  const email = freshEmail('downgrade');
  await signUp(page, email, PASSPHRASE);
  await page.getByTestId('nav-signout').click();
  await expect(page.getByTestId('signin-form')).toBeVisible();

  const proofs: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/api/v1/signin' || path === '/api/v1/account/passphrase') proofs.push(path);
  });
  const cases: [string, (a: Answer) => Answer, RegExp][] = [
    ['version 1', (a) => ({ ...a, version: 1 }), /^KDF version 1 instead of 2$/],
    [
      'the floor parameters',
      (a) => ({ ...a, m: 19456, t: 2, p: 1 }),
      /^19 MiB of memory instead of 64 MiB, 2 passes instead of 3, 1 lane instead of 4$/,
    ],
    [
      'another salt at a lower cost',
      (a) => ({ ...a, kdf_salt: 'AAAAAAAAAAAAAAAAAAAAAA', m: 32768 }),
      /^32 MiB of memory instead of 64 MiB$/,
    ],
  ];
  for (const [name, rewrite, details] of cases) {
    await rewriteAnswers(page, '/api/v1/accounts/prelogin', rewrite);
    await page.goto('/signin');
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-passphrase').fill(PASSPHRASE);
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('kdf-downgrade-warning'), name).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('kdf-downgrade-details'), name).toHaveText(details);
    await expect(page.getByTestId('signin-code')).toHaveCount(0);
  }
  for (const [size, viewport] of Object.entries({
    desktop: { width: 1280, height: 800 },
    phone: { width: 390, height: 844 },
  })) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `test-results/kdf-downgrade-warning-${size}.png`, fullPage: true });
  }
  expect(proofs, 'no proof left the browser').toEqual([]);

  // The honest answer still signs in; then a reloaded page's session asks for less at unlock.
  await page.unrouteAll();
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, email, PASSPHRASE);
  expect(proofs).toEqual(['/api/v1/signin']);
  await rewriteAnswers(page, '/api/v1/session', (info) => ({ ...info, kdf: { ...info.kdf, t: 2 } }));
  await page.reload();
  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('kdf-downgrade-warning')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('kdf-downgrade-details')).toHaveText('2 passes instead of 3');
  await page.screenshot({ path: 'test-results/kdf-downgrade-unlock-desktop.png', fullPage: true });
  await expect(page.getByTestId('vault-page')).toHaveCount(0);
});
