// A version-1 account (docs/accounts.md, "Migration from version 1") signs in in Chromium as
// before and comes out on version 2. The account is made through the API the way a browser
// before version 2 made it, from the first account of shared/tests/vectors/accounts-v1.json
// (its passphrase, salt, proof and key-encryption key), on a server started with
// --test-accept-v1-kdf (playwright.config.ts).
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type APIRequestContext } from '@playwright/test';
import { addRecord, freshEmail, signIn } from './accounts';
import { codeOf, mailCount, waitForMail } from './mail';

const vectors = join(__dirname, '..', '..', 'shared', 'tests', 'vectors', 'accounts-v1.json');
const vector = JSON.parse(readFileSync(vectors, 'utf8')).accounts[0];
const b64u = (bytes: Buffer): string => bytes.toString('base64url');
const bytes = (text: string): Buffer => Buffer.from(text, 'base64url');

/** `seal(kind, kek, account_id, key)` (docs/envelope.md): header || AES-256-GCM || tag. */
function wrap(kek: Buffer, id: string, kind: number, key: Buffer, nonce: Buffer): string {
  const header = Buffer.concat([Buffer.from('COFR'), Buffer.from([1, kind, 0]), nonce]);
  const aad = Buffer.concat([Buffer.from('coffer/v1/aad'), Buffer.from([id.length]), Buffer.from(id), header]);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(aad);
  return b64u(Buffer.concat([header, cipher.update(key), cipher.final(), cipher.getAuthTag()]));
}

/** Signs `email` up with the vector's version-1 inputs under a fresh account id. */
async function signUpVersion1(request: APIRequestContext, email: string): Promise<void> {
  const before = mailCount();
  expect((await request.post('/api/v1/signup/code', { data: { email } })).status()).toBe(202);
  const code = codeOf(await waitForMail(email, /sign-up code/, before));
  const verified = await request.post('/api/v1/signup/verify', { data: { email, code } });
  expect(verified.status()).toBe(200);
  const accountId = b64u(randomBytes(16));
  const kek = bytes(vector.kek);
  const [m, t, p] = vector.kdf;
  const created = await request.post('/api/v1/signup', {
    data: {
      signup_token: (await verified.json()).signup_token,
      account_id: accountId,
      keys: {
        kdf: { version: 1, kdf_salt: vector.kdf_salt, m, t, p },
        auth_proof: vector.auth_proof,
        wrapped_vault_key: wrap(kek, accountId, 2, bytes(vector.vault_key), randomBytes(12)),
        wrapped_identity_key: wrap(kek, accountId, 3, bytes(vector.identity_seed), randomBytes(12)),
      },
      public_key: vector.public_key,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
}

test('a version-1 account signs in as before and comes out on version 2', async ({ browser, page, request }) => {
  // The sealing above is the spec's: it gives the vector's committed wrapped key.
  const committed = wrap(bytes(vector.kek), vector.account_id, 2, bytes(vector.vault_key), bytes(vector.vault_key_nonce));
  expect(committed).toBe(vector.wrapped_vault_key);

  const email = freshEmail('legacy');
  await signUpVersion1(request, email);
  const prelogin = async () => (await request.post('/api/v1/accounts/prelogin', { data: { email } })).json();
  expect(await prelogin()).toEqual({ version: 1, kdf_salt: vector.kdf_salt, m: 19456, t: 2, p: 1 });

  const rekeys: string[] = [];
  const watch = (p: import('@playwright/test').Page) =>
    p.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/account/passphrase') rekeys.push(r.postData() ?? '');
    });
  watch(page);
  await signIn(page, email, vector.passphrase);

  const after = await prelogin();
  expect(after).toMatchObject({ version: 2, m: 65536, t: 3, p: 4 });
  expect(after.kdf_salt).not.toBe(vector.kdf_salt);
  expect(rekeys).toHaveLength(1);
  expect(rekeys[0]).toContain(vector.auth_proof); // proven with the version-1 proof
  expect(rekeys[0]).not.toContain(vector.passphrase);
  const remembered = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('coffer-kdf-'))
      .map((key) => JSON.parse(localStorage.getItem(key) ?? 'null')),
  );
  expect(remembered).toEqual([{ version: 2, m: 65536, t: 3, p: 4 }]);
  await addRecord(page, 'note', { name: 'After the move', notes: 'same vault key' });
  // Locked after the move, the vault opens with the version-2 inputs and keys.
  await page.getByTestId('nav-lock').click();
  await page.getByTestId('unlock-passphrase').fill(vector.passphrase);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('nav-lock')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('nav-vault').click();
  await expect(page.getByTestId('vault-item')).toHaveCount(1);

  // A browser that never saw the account signs in with version 2 and opens the same vault.
  const other = await (await browser.newContext()).newPage();
  watch(other);
  await signIn(other, email, vector.passphrase);
  await expect(other.getByTestId('vault-item')).toHaveCount(1);
  await other.getByTestId('vault-item').click();
  await expect(other.getByTestId('field-notes')).toHaveText('same vault key');
  expect(rekeys, 'a version-2 account is not re-keyed again').toHaveLength(1);
});
