// The server on its own HTTPS (--tls-cert, docs/deploy.md): Chromium trusts a test CA made here
// (by its key, with --ignore-certificate-errors-spki-list, since Debian's Chromium reads no
// CA file), creates a share over TLS and reveals it. A browser without that trust is refused.
// COFFER_SERVER_BIN overrides the server binary.
import { test, expect, chromium, type Browser } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports';
import { CreatePage, RevealPage } from './pages';

const serverBin = resolve(
  process.env.COFFER_SERVER_BIN ?? join(__dirname, '..', '..', 'target', 'release', 'coffer-server'),
);
const staticDir = join(__dirname, '..', '..', 'dist');

/** A CA and a certificate for localhost it signed; `cert.pem` holds the chain, leaf first. */
function makePki(dir: string): { ca: string; cert: string; key: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Coffer e2e CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'key.pem', '-out', 'leaf.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'leaf.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext');
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  writeFileSync(join(dir, 'cert.pem'), readFileSync(join(dir, 'leaf.pem'), 'utf8') + ca);
  return { ca, cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

/** base64 of the SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's flag takes it. */
function spkiHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** `GET url` trusting only `ca`: the status and headers, or the error. */
function get(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    const asked = request(url, { ca, method: 'GET' }, (answer) => {
      answer.resume();
      answer.on('end', () => done({ status: answer.statusCode ?? 0, headers: answer.headers }));
    });
    asked.on('error', fail);
    asked.end();
  });
}

test.describe('HTTPS served by coffer-server itself', () => {
  let dir: string;
  let server: ChildProcess;
  let origin: string;
  let ca: string;
  let output = '';
  let trusting: Browser;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-https-'));
    const pki = makePki(dir);
    ca = pki.ca;
    const port = await freePort();
    origin = `https://localhost:${port}`;
    server = spawn(serverBin, [
      '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data'), '--static-dir', staticDir,
      '--tls-cert', pki.cert, '--tls-key', pki.key,
      '--rate-limit-create', '0', '--rate-limit-claim', '0',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    server.stdout!.on('data', keep);
    server.stderr!.on('data', keep);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
      try {
        if ((await get(`${origin}/healthz`, ca)).status === 200) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`no HTTPS answer in 20 s:\n${output}`);
      await new Promise((wake) => setTimeout(wake, 50));
    }
    trusting = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        `--ignore-certificate-errors-spki-list=${spkiHash(ca)}`],
    });
  });

  test.afterAll(async () => {
    await trusting?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((done) => server.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('the answer carries HSTS by default', async () => {
    const answer = await get(`${origin}/`, ca);
    expect(answer.status).toBe(200);
    expect(String(answer.headers['strict-transport-security'])).toContain('max-age=63072000');
  });

  test('a browser that does not trust the CA is refused', async ({ page }) => {
    const failed = await page.goto(`${origin}/`).then(() => '', (error: Error) => error.message);
    expect(failed).toContain('ERR_CERT_AUTHORITY_INVALID');
  });

  test('a share created over HTTPS is revealed over HTTPS', async () => {
    const creator = await trusting.newContext({ baseURL: origin });
    const page = await creator.newPage();
    const created = await new CreatePage(page).create({ text: 'over TLS only', password: 'pw-tls' });
    expect(created.link.startsWith(`${origin}/s/`)).toBe(true);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    expect(await page.evaluate(() => location.protocol)).toBe('https:');

    const reader = await trusting.newContext({ baseURL: origin });
    const reveal = new RevealPage(await reader.newPage());
    await reveal.goto(created.link);
    await reveal.reveal('pw-tls');
    expect(await reveal.secret()).toBe('over TLS only');
    await creator.close();
    await reader.close();
  });
});
