// The command-line client and the browser read each other's shares: a share made with `coffer
// send` (text, password, files) opens in Chromium, and one made in Chromium opens with `coffer
// get`. Both run the same coffer-shared code, so the links, envelopes and chunk streams are one
// format. The binary is target/release/coffer (scripts/test.sh builds it).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';
import { downloadShared, randomFile, sha256 } from './files';

const coffer = join(__dirname, '..', '..', 'target', 'release', 'coffer');

/** Runs `coffer` against the test server with `args` and `input` on stdin. */
function run(baseURL: string, args: string[], input = ''): { code: number; stdout: string; stderr: string } {
  const state = mkdtempSync(join(tmpdir(), 'coffer-cli-'));
  const result = spawnSync(coffer, args, {
    input,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH, COFFER_SERVER: baseURL, COFFER_STATE_DIR: state, NO_COLOR: '1' },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
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
