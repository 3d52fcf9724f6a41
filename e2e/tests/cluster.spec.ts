// Two servers, one PostgreSQL database and one bucket (docs/scaling.md): a share created through one
// server opens through the other, its view limit and wrong-password count hold across both, and a
// file uploaded through one downloads through the other.
// Needs COFFER_TEST_DATABASE_URL, an admin URL of a throwaway cluster, and COFFER_TEST_S3_URL, a
// bucket (scripts/services.sh; the test script sources its env): each run gets a schema of its own,
// dropped afterwards, and a folder of the bucket named after it, as the API suite does
// (backend/tests/api/helpers.rs). The servers of a database refuse to start on different blob
// stores. COFFER_SERVER_BIN overrides the server binary.
import { test, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports';
import { CreatePage, RevealPage, freshPage } from './pages';
import { downloadShared, randomFile, sha256 } from './files';

const adminUrl = process.env.COFFER_TEST_DATABASE_URL;
/** `s3://bucket?endpoint=…&access_key_id=…&secret_access_key=…`: never print it. */
const bucketUrl = process.env.COFFER_TEST_S3_URL;
const serverBin = resolve(
  process.env.COFFER_SERVER_BIN ?? join(__dirname, '..', '..', 'target', 'release', 'coffer-server'),
);
const staticDir = join(__dirname, '..', '..', 'dist');

/** One coffer-server process on loopback. */
interface Server {
  origin: string;
  process: ChildProcess;
  /** The tail of what it printed, for a failure's message. */
  log: () => string;
}

function psql(sql: string): void {
  execFileSync('psql', [adminUrl!, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** The bucket URL with `folder` between the bucket and the query: `s3://bucket/folder?…`. */
function blobStoreIn(bucket: string, folder: string): string {
  const query = bucket.indexOf('?');
  const [base, settings] = query < 0 ? [bucket, ''] : [bucket.slice(0, query), bucket.slice(query)];
  return `${base.replace(/\/+$/, '')}/${folder}${settings}`;
}

/** What the servers of one cluster share. */
interface Shared {
  databaseUrl: string;
  secretFile: string;
  blobStore: string;
}

/** Starts a server and waits until its `/healthz` answers (the database included). */
async function startServer(id: string, dataDir: string, shared: Shared): Promise<Server> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(serverBin, [
    '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--static-dir', staticDir,
    '--database-url', shared.databaseUrl, '--server-id', id, '--server-secret-file', shared.secretFile,
    '--blob-store', shared.blobStore,
    '--rate-limit-create', '0', '--rate-limit-claim', '0', '--rate-limit-auth', '0',
    '--rate-limit-upload', '0', '--rate-limit-chunk', '0',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | undefined;
  child.once('error', (err) => (exited = `could not start ${serverBin}: ${err.message}`));
  child.once('exit', (code, signal) => (exited = `exited (${signal ?? code})`));
  const server: Server = { origin, process: child, log: () => output };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`server ${id} ${exited}:\n${output}`);
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stopServer(server);
      throw new Error(`server ${id} did not answer /healthz in 20 s:\n${output}`);
    }
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

async function stopServer(server: Server): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
}

/** The same link on another server: its path and fragment on that origin. */
function linkOn(origin: string, link: string): string {
  const url = new URL(link);
  return `${origin}${url.pathname}${url.hash}`;
}

/** A fresh browser (context) whose relative URLs, such as CreatePage's `/`, go to `origin`. */
async function browserOn(browser: Browser, origin: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: origin });
  return { context, page: await context.newPage() };
}

/** Records the origins a page sent API requests under `path` to (e.g. `/api/v1/shares/`). */
function apiOrigins(page: Page, path: string): Set<string> {
  const seen = new Set<string>();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith(path)) seen.add(url.origin);
  });
  return seen;
}

test.describe('two servers sharing one PostgreSQL database', () => {
  test.skip(
    !adminUrl || !bucketUrl,
    'COFFER_TEST_DATABASE_URL or COFFER_TEST_S3_URL is not set: start scripts/services.sh and source its env',
  );

  const schema = `t_${randomBytes(8).toString('hex')}`;
  const dirs: string[] = [];
  let a: Server | undefined;
  let b: Server | undefined;

  test.beforeAll(async () => {
    test.setTimeout(45_000);
    psql(`CREATE SCHEMA ${schema}`);
    const databaseUrl = `${adminUrl}${adminUrl!.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
    const dir = () => {
      const made = mkdtempSync(join(tmpdir(), 'coffer-e2e-cluster-'));
      dirs.push(made);
      return made;
    };
    // Every server of a cluster must be given the same secret.
    const secretFile = join(dir(), 'server-secret');
    writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    const blobStore = blobStoreIn(bucketUrl!, schema);
    // One after the other: the first creates the tables, the second finds them made.
    a = await startServer('e2e-1', dir(), { databaseUrl, secretFile, blobStore });
    b = await startServer('e2e-2', dir(), { databaseUrl, secretFile, blobStore });
  });

  test.afterAll(async () => {
    await Promise.all([a, b].filter((s): s is Server => !!s).map(stopServer));
    if (adminUrl) psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('a one-view secret created on one server reveals on the other, then is gone on the first', async ({ browser }) => {
    const text = `across the cluster ${randomBytes(4).toString('hex')}\nsecond line`;
    const creator = await browserOn(browser, a!.origin);
    const share = await new CreatePage(creator.page).create({ text, views: 1, expiry: '1 hour' });
    await creator.context.close();
    expect(new URL(share.link).origin).toBe(a!.origin);

    const reader = await freshPage(browser);
    const sentTo = apiOrigins(reader.page, '/api/v1/shares/');
    const onB = new RevealPage(reader.page);
    await onB.goto(linkOn(b!.origin, share.link));
    await expect(onB.status).toContainText('Can be viewed 1 more time');
    await onB.reveal();
    expect(await onB.secret()).toBe(text);
    await expect(onB.lastViewNotice).toContainText('That was the last view');
    // The reader really asked server B, and only B.
    expect([...sentTo]).toEqual([b!.origin]);
    await reader.context.close();

    // The view was spent in the shared database: server A no longer has the share.
    const later = await freshPage(browser);
    const onA = new RevealPage(later.page);
    await onA.goto(share.link);
    await expect(onA.gone).toContainText('does not exist, has expired, or was already viewed');
    await expect(onA.revealButton).toHaveCount(0);
    await later.context.close();
  });

  test('a two-view password share: wrong guesses and views count on both servers', async ({ browser }) => {
    const text = `two views ${randomBytes(4).toString('hex')}`;
    const password = 'correct horse battery staple';
    const creator = await browserOn(browser, a!.origin);
    const share = await new CreatePage(creator.page).create({ text, password, views: 2, expiry: '1 hour' });
    await creator.context.close();

    // A wrong password on B costs an attempt, which A then reports.
    const first = await freshPage(browser);
    const onB = new RevealPage(first.page);
    await onB.goto(linkOn(b!.origin, share.link));
    await expect(onB.status).toContainText('Can be viewed 2 more times');
    await onB.reveal('wrong horse');
    await expect(onB.error).toHaveText('Wrong password. 4 attempts left before the secret is destroyed.', {
      timeout: 30_000,
    });

    const second = await freshPage(browser);
    const onA = new RevealPage(second.page);
    await onA.goto(share.link);
    await expect(onA.attemptsLeft).toHaveText('4 password attempts left');
    await expect(onA.status).toContainText('Can be viewed 2 more times');
    // First view on A...
    await onA.reveal(password);
    expect(await onA.secret()).toBe(text);
    await expect(onA.status).toContainText('Can be viewed 1 more time');
    await expect(onA.lastViewNotice).toHaveCount(0);
    await second.context.close();

    // ...the second, and last, on B (a reload: the page reads the share's status again).
    await onB.page.reload();
    await expect(onB.status).toContainText('Can be viewed 1 more time');
    await onB.reveal(password);
    expect(await onB.secret()).toBe(text);
    await expect(onB.lastViewNotice).toContainText('That was the last view');
    await first.context.close();

    // A third try, on either server, finds nothing.
    for (const origin of [a!.origin, b!.origin]) {
      const third = await freshPage(browser);
      const gone = new RevealPage(third.page);
      await gone.goto(linkOn(origin, share.link));
      await expect(gone.gone).toContainText('does not exist, has expired, or was already viewed');
      await third.context.close();
    }
  });

  test('a file uploaded through one server downloads byte for byte through the other', async ({ browser }) => {
    // Several of the app's 1 MiB chunks, the last one short.
    const file = randomFile('ledger.bin', 3 * 1024 * 1024 + 54_321);
    const text = `the ledger ${randomBytes(4).toString('hex')}`;

    const creator = await browserOn(browser, a!.origin);
    const uploadedTo = apiOrigins(creator.page, '/api/v1/uploads');
    const create = new CreatePage(creator.page);
    await create.goto();
    await create.fill({ text, views: 1, expiry: '1 hour' });
    await creator.page.getByTestId('file-input').setInputFiles(file.path);
    await expect(creator.page.getByTestId('chosen-files')).toContainText(file.name);
    await create.createButton.click();
    await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
    const link = await create.shareLink.inputValue();
    await creator.context.close();
    expect(new URL(link).origin).toBe(a!.origin);
    expect([...uploadedTo]).toEqual([a!.origin]);

    const reader = await freshPage(browser);
    const downloadedFrom = apiOrigins(reader.page, '/api/v1/files/');
    const onB = new RevealPage(reader.page);
    await onB.goto(linkOn(b!.origin, link));
    await onB.reveal();
    expect(await onB.secret()).toBe(text);
    await expect(reader.page.getByTestId('shared-file-name')).toHaveText(file.name);
    const { download, bytes } = await downloadShared(reader.page);
    expect(download.suggestedFilename()).toBe(file.name);
    expect(bytes.length).toBe(file.bytes.length);
    expect(sha256(bytes)).toBe(file.sha256);
    // The ciphertext came from server B, which read what A had stored in the bucket.
    expect([...downloadedFrom]).toEqual([b!.origin]);
    await reader.context.close();
  });
});
