// Importing from other password managers, parsed in the browser: one export of each supported
// format (Bitwarden JSON and CSV, 1Password 1PUX and CSV, KeePass XML, LastPass CSV, Chrome CSV)
// lands in the vault with its items, and no request carries their plaintext. Then the vault's
// Bitwarden JSON export, imported into a fresh account, gives the same items back, unencrypted
// or encrypted with a file password (a wrong password first: refused, nothing imported).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { freshEmail, signUp } from './accounts';
import { checkPage } from './a11y';

const SAMPLES = join(__dirname, '..', '..', 'shared', 'tests', 'import');
const DIR = mkdtempSync(join(tmpdir(), 'coffer-import-'));

/** Writes `content` to a temporary file named `name` and returns its path. */
function sample(name: string, content: string | Buffer): string {
  const path = join(DIR, name);
  writeFileSync(path, content);
  return path;
}

// A ZIP archive with stored (uncompressed) entries, enough for a .1pux file.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function storedZip(entries: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Imports the file at `path` from the Account page; returns the preview's summary. */
async function importFile(page: Page, path: string, axe = false): Promise<string> {
  await page.getByTestId('nav-account').click();
  await page.getByTestId('import-file').setInputFiles(path);
  const preview = page.getByTestId('import-preview');
  await expect(preview).toBeVisible({ timeout: 15_000 });
  if (axe) await checkPage(page, 'an import preview');
  const summary = (await preview.textContent()) ?? '';
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-result')).toContainText('Imported', { timeout: 60_000 });
  return summary;
}

/** The names in the vault list. */
async function vaultNames(page: Page): Promise<string[]> {
  await page.getByTestId('nav-vault').click();
  await expect(page.getByTestId('vault-page')).toBeVisible();
  return (await page.getByTestId('vault-item-name').allTextContents()).map((name) => name.trim()).sort();
}

test('one export of each format lands in the vault, parsed in the browser', async ({ browser }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies: string[] = [];
  page.on('request', (request) => bodies.push(request.postData() ?? ''));
  await signUp(page, freshEmail('import'), 'orchid basalt lantern ferry meadow');

  const formats: [string, string, string[]][] = [
    ['Bitwarden JSON', join(SAMPLES, 'bitwarden.json'), ['Bank', 'Visa', 'Me']],
    ['Bitwarden CSV', join(SAMPLES, 'bitwarden.csv'), ['Bank, main']],
    ['KeePass XML', join(SAMPLES, 'keepass.xml'), ['Visa PIN', 'Recipe']],
    ['LastPass CSV', join(SAMPLES, 'lastpass.csv'), ['Alarm']],
    [
      '1Password 1PUX',
      sample('export.1pux', storedZip({
        'export.attributes': Buffer.from('{"version":3,"description":"1Password Unencrypted Export","createdAt":1767225600}'),
        'export.data': readFileSync(join(SAMPLES, '1password-export.data.json')),
      })),
      ['Editor licence', 'Router', 'Wi-Fi'],
    ],
    [
      '1Password CSV',
      sample('1password.csv', 'Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n' +
        '"Forum, old",https://forum.example,carol,"pw,1",,true,false,Social,"line 1\nline 2"\n'),
      ['Forum, old'],
    ],
    [
      'Chrome CSV',
      sample('chrome.csv', 'name,url,username,password,note\nshop.example,https://shop.example/login,dave,s3cret!,\n'),
      ['shop.example'],
    ],
  ];
  for (const [format, path, names] of formats) {
    const summary = await importFile(page, path);
    expect(summary, format).toMatch(/\d+ (login|card|identit|note)/);
    const listed = await vaultNames(page);
    for (const name of names) expect(listed, `${format}: ${name}`).toContain(name);
  }

  // The Chrome login opens with its user name; its password is masked until shown.
  await page.getByTestId('vault-item').filter({ hasText: 'shop.example' }).click();
  await expect(page.getByTestId('field-username')).toHaveText('dave');
  await page.getByTestId('reveal-password').click();
  await expect(page.getByTestId('field-password')).toHaveText('s3cret!');
  // Nothing imported went to the server in plaintext.
  for (const secret of ['s3cret!', 'pw,1', 'line 2', 'orange']) {
    expect(bodies.some((body) => body.includes(secret)), secret).toBe(false);
  }
  await context.close();
});

test('the Bitwarden JSON export, imported into another account, gives the same items', async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await signUp(page, freshEmail('export'), 'basalt orchid ferry lantern meadow');
  await importFile(page, join(SAMPLES, 'bitwarden.json'), true);
  const before = await vaultNames(page);
  expect(before.length).toBeGreaterThan(2);

  await page.getByTestId('nav-account').click();
  await page.getByTestId('export-bitwarden').click();
  // The passphrase first: a wrong one is refused and shows no warning, the right one goes on.
  await expect(page.getByTestId('export-warning')).toHaveCount(0);
  await page.getByTestId('reprompt-passphrase').fill('not the passphrase');
  await page.getByTestId('reprompt-submit').click();
  await expect(page.getByTestId('reprompt-error')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('export-warning')).toHaveCount(0);
  await page.getByTestId('reprompt-passphrase').fill('basalt orchid ferry lantern meadow');
  await page.getByTestId('reprompt-submit').click();
  await expect(page.getByTestId('export-warning')).toContainText('not encrypted', { timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-confirm').click()]);
  const exported = readFileSync(await download.path());
  const json = JSON.parse(exported.toString('utf8'));
  expect(json.encrypted).toBe(false);
  expect(json.items.length).toBe(before.length);

  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signUp(other, freshEmail('export-into'), 'lantern meadow orchid basalt ferry');
  await importFile(other, sample('bitwarden-export.json', exported));
  expect(await vaultNames(other)).toEqual(before);
  await otherContext.close();
  await context.close();
});

test('the encrypted Bitwarden export opens in another account with its file password only', async ({ browser }) => {
  test.setTimeout(180_000);
  const filePassword = 'quartz heron violet cinder maple';
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await signUp(page, freshEmail('export-sealed'), 'ferry basalt meadow orchid lantern');
  await importFile(page, join(SAMPLES, 'bitwarden.json'));
  const before = await vaultNames(page);
  expect(before.length).toBeGreaterThan(2);

  await page.getByTestId('nav-account').click();
  await page.getByTestId('export-encrypted').click();
  await page.getByTestId('reprompt-passphrase').fill('ferry basalt meadow orchid lantern');
  await page.getByTestId('reprompt-submit').click();
  await page.getByTestId('export-password').fill(filePassword);
  await page.getByTestId('export-password-confirm').fill(filePassword);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByTestId('export-encrypted-confirm').click(),
  ]);
  await expect(page.getByTestId('export-result')).toContainText('encrypted with the file password');
  const exported = readFileSync(await download.path());
  const json = JSON.parse(exported.toString('utf8'));
  expect(json).toMatchObject({ encrypted: true, passwordProtected: true, kdfType: 0, kdfIterations: 600000 });
  expect(json.items).toBeUndefined();
  for (const secret of ['correct horse', 'alice@example.org', 'Finance/Banks']) {
    expect(exported.toString('utf8'), secret).not.toContain(secret);
  }

  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signUp(other, freshEmail('export-sealed-into'), 'maple cinder violet heron quartz');
  await other.getByTestId('nav-account').click();
  await other.getByTestId('import-file').setInputFiles(sample('bitwarden-encrypted.json', exported));
  await expect(other.getByTestId('import-file-password')).toBeVisible();
  await expect(other.getByTestId('import-preview')).toHaveCount(0);

  await other.getByTestId('import-file-password').fill('not the file password');
  await other.getByTestId('import-file-open').click();
  await expect(other.getByTestId('import-error')).toContainText('file password is wrong', { timeout: 60_000 });
  await expect(other.getByTestId('import-preview')).toHaveCount(0);
  await expect(other.getByTestId('import-confirm')).toBeDisabled();
  await expect(other.getByTestId('import-file-password')).toHaveValue('');
  await other.getByTestId('nav-vault').click();
  await expect(other.getByTestId('vault-empty')).toBeVisible();

  await other.getByTestId('nav-account').click();
  await other.getByTestId('import-file').setInputFiles(sample('bitwarden-encrypted-again.json', exported));
  await other.getByTestId('import-file-password').fill(filePassword);
  await other.getByTestId('import-file-open').click();
  await expect(other.getByTestId('import-preview')).toBeVisible({ timeout: 60_000 });
  await other.getByTestId('import-confirm').click();
  await expect(other.getByTestId('import-result')).toContainText('Imported', { timeout: 60_000 });
  expect(await vaultNames(other)).toEqual(before);
  await otherContext.close();
  await context.close();
});
