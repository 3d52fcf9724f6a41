// The command-line client and the browser read each other's shares: a share made with `coffer
// send` (text, password, files) opens in Chromium, and one made in Chromium opens with `coffer
// get`. Both run the same coffer-shared code, so the links, envelopes and chunk streams are one
// format. The binary is target/release/coffer (scripts/test.sh builds it).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';
import { downloadShared, randomFile, sha256 } from './files';
import { addRecord, freshEmail, signIn, signUp } from './accounts';
import { codeOf, mailCount, waitForMail } from './mail';

const coffer = join(__dirname, '..', '..', 'target', 'release', 'coffer');

/** The environment of a `coffer` run against the test server, with `extra` added. */
function cliEnv(baseURL: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const state = mkdtempSync(join(tmpdir(), 'coffer-cli-'));
  return { PATH: process.env.PATH, COFFER_SERVER: baseURL, COFFER_STATE_DIR: state, NO_COLOR: '1', ...extra };
}

/** Runs `coffer` against the test server with `args` and `input` on stdin. */
function run(
  baseURL: string,
  args: string[],
  input = '',
  extra: Record<string, string> = {},
): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(coffer, args, { input, encoding: 'utf8', timeout: 120_000, env: cliEnv(baseURL, extra) });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `coffer login` as a script does it: the passphrase on stdin, then the mailed code once asked
 * for. Returns the session text it prints for COFFER_SESSION. */
async function cliLogin(baseURL: string, email: string, passphrase: string): Promise<string> {
  const before = mailCount();
  const child = spawn(coffer, ['login', '--json', '--email', email, '--passphrase-stdin'], { env: cliEnv(baseURL) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => (stdout += data));
  child.stderr.on('data', (data) => (stderr += data));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  child.stdin.write(`${passphrase}\n`);
  const mail = await waitForMail(email, /sign-in code/, before);
  child.stdin.end(`${codeOf(mail)}\n`);
  expect(await exited, stderr).toBe(0);
  return JSON.parse(stdout).session;
}

test.beforeAll(() => {
  // Fails clearly when the binary is missing rather than in every test.
  execFileSync(coffer, ['--version']);
});

test('a text and two files sent with the CLI open in Chromium', async ({ browser, baseURL }) => {
  const large = randomFile('dump.bin', 9 * 1024 * 1024 + 5);
  const small = randomFile('notes.txt', 700);
  const sent = run(baseURL!, ['send', '--json', '--views', '2', '--text', 'sent from a terminal', large.path, small.path]);
  expect(sent.code, sent.stderr).toBe(0);
  const { link } = JSON.parse(sent.stdout);
  expect(link.startsWith(`${baseURL}/s/`)).toBe(true);

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await expect(reader.page.getByTestId('share-files-summary')).toContainText('It holds 2 files');
  await reveal.reveal();
  expect(await reveal.secret()).toBe('sent from a terminal');
  await expect(reader.page.getByTestId('shared-file-name').first()).toHaveText('dump.bin');
  const first = await downloadShared(reader.page, 0);
  expect(sha256(first.bytes)).toBe(large.sha256);
  const second = await downloadShared(reader.page, 1);
  expect(sha256(second.bytes)).toBe(small.sha256);
  await reader.context.close();

  // The CLI reads the status the browser's view left.
  const status = run(baseURL!, ['status', '--json', link]);
  expect(JSON.parse(status.stdout).views_left).toBe(1);
});

test('a password share from the CLI asks for its password in Chromium', async ({ browser, baseURL }) => {
  const sent = run(baseURL!, ['send', '--json', '--password-stdin', '--text', 'door code 4711'], 'tr0ub4dor\n');
  expect(sent.code, sent.stderr).toBe(0);
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(JSON.parse(sent.stdout).link);
  await expect(reveal.password).toBeVisible();
  await reveal.reveal('tr0ub4dor');
  expect(await reveal.secret()).toBe('door code 4711');
  await reader.context.close();
});

test('a text share made in Chromium opens with the CLI, once', async ({ page, baseURL }) => {
  const created = await new CreatePage(page).create({ text: 'made in the browser\nsecond line', password: 'hunter22' });
  const status = run(baseURL!, ['status', '--json', created.link]);
  expect(JSON.parse(status.stdout)).toMatchObject({ views_left: 1, password: true, file_count: 0 });
  const wrong = run(baseURL!, ['get', '--yes', '--password-stdin', created.link], 'hunter2\n');
  expect(wrong.code).toBe(4);
  const got = run(baseURL!, ['get', '--yes', '--password-stdin', created.link], 'hunter22\n');
  expect(got.code, got.stderr).toBe(0);
  expect(got.stdout).toBe('made in the browser\nsecond line');
  expect(run(baseURL!, ['get', '--yes', created.link]).code).toBe(3);
});

test('files shared from Chromium are saved by the CLI, checked byte for byte', async ({ page, baseURL }) => {
  const file = randomFile('photo.raw', 3 * 1024 * 1024 + 17);
  const create = new CreatePage(page);
  await create.goto();
  await create.secret.fill('the photo');
  await page.getByTestId('file-input').setInputFiles([file.path]);
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  const link = await create.shareLink.inputValue();

  const out = mkdtempSync(join(tmpdir(), 'coffer-get-'));
  const got = run(baseURL!, ['get', '--yes', '--json', '-o', out, link]);
  expect(got.code, got.stderr).toBe(0);
  const report = JSON.parse(got.stdout);
  expect(report.text).toBe('the photo');
  expect(report.files).toHaveLength(1);
  expect(report.files[0].sha256).toBe(file.sha256);
  expect(sha256(readFileSync(join(out, 'photo.raw')))).toBe(file.sha256);
});

test('vault records cross both ways and a CLI share is signed and kept in My shares', async ({ browser, baseURL }) => {
  const nonce = Math.random().toString(36).slice(2, 8);
  const email = freshEmail('cli-vault');
  const passphrase = `lantern ${nonce} granite orchard violet`;
  const owner = await freshPage(browser);
  await signUp(owner.page, email, passphrase);
  await addRecord(owner.page, 'login', {
    name: `Browser ${nonce}`,
    username: `bob-${nonce}`,
    password: `pw-browser-${nonce}`,
    url: 'https://shop.example',
  });
  await owner.context.close();

  const session = await cliLogin(baseURL!, email, passphrase);
  const signedIn = { COFFER_SESSION: session };
  const password = run(baseURL!, ['vault', 'get', `Browser ${nonce}`, '--field', 'password'], '', signedIn);
  expect(password.code, password.stderr).toBe(0);
  expect(password.stdout.trim()).toBe(`pw-browser-${nonce}`);
  const added = run(
    baseURL!,
    ['vault', 'add', '--name', `Terminal ${nonce}`, '--username', `carol-${nonce}`, '--password-stdin'],
    `pw-cli-${nonce}\n`,
    signedIn,
  );
  expect(added.code, added.stderr).toBe(0);
  const sent = run(baseURL!, ['send', '--json', '--label', `for Dave ${nonce}`, '--text', 'signed from a terminal'], '', signedIn);
  expect(sent.code, sent.stderr).toBe(0);
  expect(JSON.parse(sent.stdout).signed).toBe(true);

  // The browser sees the CLI's record, sealed with the same vault key.
  const again = await freshPage(browser);
  await signIn(again.page, email, passphrase);
  await expect(again.page.getByTestId('vault-item')).toHaveCount(2);
  await again.page.getByTestId('vault-item').filter({ hasText: `Terminal ${nonce}` }).click();
  await again.page.getByTestId('reveal-password').click();
  await expect(again.page.getByTestId('field-password')).toHaveText(`pw-cli-${nonce}`);
  // And the CLI's share in My shares, under the label the CLI sealed.
  await again.page.getByTestId('nav-shares').click();
  await expect(again.page.getByTestId('my-share-label')).toHaveText(`for Dave ${nonce}`);
  await again.context.close();

  // A reader's browser checks the CLI's signature and names the account.
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(JSON.parse(sent.stdout).link);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('signed from a terminal');
  await expect(reader.page.getByTestId('signer-line')).toContainText(`Signed by ${email}`);
  await expect(reader.page.getByTestId('signer-line')).toHaveAttribute('data-signed', 'account');
  await reader.context.close();
});
