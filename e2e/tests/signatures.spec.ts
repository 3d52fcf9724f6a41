// Signed shares (docs/envelope.md, "Signatures"): a share made while signed in is signed in the
// browser; a reader in a fresh browser sees "Signed by <address>" with the fingerprint the
// owner's account page shows, an anonymous share shows no signature line at all, and a share whose claimed
// bytes were altered on the way (a flipped ciphertext byte, another valid key in the trailer, a
// flipped byte of a file's metadata) is refused with a tamper warning and shows nothing of itself.
import { generateKeyPairSync } from 'node:crypto';
import { test, expect, type Page, type Route } from '@playwright/test';
import { freshEmail, signUp } from './accounts';
import { dropFile, randomFile } from './files';
import { CreatePage, RevealPage, freshPage, type ShareOptions } from './pages';

const PASSPHRASE = 'amber quill meadow torrent lattice';

/** Signs up a fresh account and returns its address and the fingerprint its account page shows. */
async function signedInOwner(page: Page): Promise<{ email: string; fingerprint: string }> {
  const email = freshEmail('signer');
  await signUp(page, email, PASSPHRASE);
  // In-app navigation keeps the keys unlocked (a page load would ask for the passphrase).
  await page.getByTestId('nav-account').click();
  const fingerprint = (await page.getByTestId('account-fingerprint').textContent()) ?? '';
  expect(fingerprint).toMatch(/^([0-9a-f]{4} ){9}[0-9a-f]{4}$/);
  return { email, fingerprint };
}

/** Creates a share from the signed-in page, reached through the header's brand link. */
async function createSigned(page: Page, email: string, options: ShareOptions): Promise<string> {
  const create = new CreatePage(page);
  await page.locator('a.brand').click();
  await expect(page.getByTestId('create-signed-as')).toContainText(email);
  await create.fill(options);
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 30_000 });
  return create.shareLink.inputValue();
}

function fromB64u(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}

/** Rewrites the next claim answers of `page` with `change` applied to the JSON body. */
async function alterClaims(page: Page, change: (claim: Record<string, any>) => void): Promise<void> {
  await page.route('**/api/v1/shares/*/claim', async (route: Route) => {
    const response = await route.fetch();
    const claim = await response.json();
    if (response.ok()) change(claim);
    await route.fulfill({ response, json: claim });
  });
}

/** The envelope's bytes with one byte changed. */
function flipByte(envelope: string, index: number): string {
  const bytes = fromB64u(envelope);
  bytes[index] ^= 0x01;
  return bytes.toString('base64url');
}

/** A valid Ed25519 public key that is nobody's account key. */
function strangerKey(): Buffer {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  return fromB64u(jwk.x as string);
}

async function expectRefused(reveal: RevealPage, secret: string): Promise<void> {
  const warning = reveal.page.getByTestId('tamper-warning');
  await expect(warning).toBeVisible({ timeout: 30_000 });
  await expect(warning).toContainText('tampered with');
  await expect(reveal.secretText).toHaveCount(0);
  await expect(reveal.page.getByTestId('signer-line')).toHaveCount(0);
  await expect(reveal.page.getByTestId('shared-file-name')).toHaveCount(0);
  expect(await reveal.page.content()).not.toContain(secret);
}

test('a signed-in share shows its signer with the fingerprint of the account page', async ({ browser }) => {
  const owner = await freshPage(browser);
  const { email, fingerprint } = await signedInOwner(owner.page);
  const link = await createSigned(owner.page, email, { text: 'signed: the vault code is 2468' });

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('signed: the vault code is 2468');
  const line = reader.page.getByTestId('signer-line');
  await expect(line).toContainText(`Signed by ${email}`);
  await expect(line).toHaveAttribute('data-signed', 'account');
  await expect(reader.page.getByTestId('signer-fingerprint')).toHaveText(fingerprint);
  for (const c of [owner.context, reader.context]) await c.close();
});

test('an anonymous share shows no signature line: an ordinary share is not made to look suspect', async ({ page, browser }) => {
  const create = new CreatePage(page);
  const share = await create.create({ text: 'from nobody in particular' });
  await expect(page.getByTestId('create-signed-as')).toHaveCount(0);

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('from nobody in particular');
  await expect(reader.page.getByTestId('secret-text')).toBeVisible();
  await expect(reader.page.getByTestId('signer-line')).toHaveCount(0);
  await expect(reader.page.getByText('Not signed')).toHaveCount(0);
  await expect(reader.page.getByTestId('signer-fingerprint')).toHaveCount(0);
  await reader.context.close();
});

test('a signed share altered in flight is refused with a tamper warning and shows no secret', async ({
  browser,
}) => {
  const owner = await freshPage(browser);
  const { email } = await signedInOwner(owner.page);
  const secret = 'never show an altered secret 1357';
  const link = await createSigned(owner.page, email, { text: secret, views: 3 });

  // One byte of the ciphertext (the 19-byte header comes first).
  const flipped = await freshPage(browser);
  await alterClaims(flipped.page, (claim) => {
    claim.envelope = flipByte(claim.envelope, 19 + 40);
  });
  const first = new RevealPage(flipped.page);
  await first.goto(link);
  await first.reveal();
  await expectRefused(first, secret);

  // Another valid public key in the trailer (public_key || signature, the last 96 bytes).
  const swapped = await freshPage(browser);
  await alterClaims(swapped.page, (claim) => {
    const bytes = fromB64u(claim.envelope);
    strangerKey().copy(bytes, bytes.length - 96);
    claim.envelope = bytes.toString('base64url');
  });
  const second = new RevealPage(swapped.page);
  await second.goto(link);
  await second.reveal();
  await expectRefused(second, secret);

  // Unaltered, the last view opens: the refusals were the tampering, not the share.
  const honest = await freshPage(browser);
  const third = new RevealPage(honest.page);
  await third.goto(link);
  await third.reveal();
  expect(await third.secret()).toBe(secret);
  await expect(honest.page.getByTestId('signer-line')).toContainText(`Signed by ${email}`);
  for (const c of [owner.context, flipped.context, swapped.context, honest.context]) await c.close();
});

test("a signed file share is refused when a file's metadata is altered", async ({ browser }) => {
  const owner = await freshPage(browser);
  const { email, fingerprint } = await signedInOwner(owner.page);
  const file = randomFile('signed-notes.txt', 3000);
  await owner.page.locator('a.brand').click();
  await expect(owner.page.getByTestId('create-signed-as')).toContainText(email);
  await dropFile(owner.page, 'file-dropzone', file, 'text/plain');
  const create = new CreatePage(owner.page);
  await create.fill({ text: 'the notes are attached', views: 2 });
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  const link = await create.shareLink.inputValue();

  const tampered = await freshPage(browser);
  await alterClaims(tampered.page, (claim) => {
    claim.files[0].metadata = flipByte(claim.files[0].metadata, 30);
  });
  const first = new RevealPage(tampered.page);
  await first.goto(link);
  await first.reveal();
  await expectRefused(first, 'the notes are attached');

  const honest = await freshPage(browser);
  const second = new RevealPage(honest.page);
  await second.goto(link);
  await second.reveal();
  expect(await second.secret()).toBe('the notes are attached');
  await expect(honest.page.getByTestId('shared-file-name')).toHaveText('signed-notes.txt');
  await expect(honest.page.getByTestId('signer-fingerprint')).toHaveText(fingerprint);
  for (const c of [owner.context, tampered.context, honest.context]) await c.close();
});
