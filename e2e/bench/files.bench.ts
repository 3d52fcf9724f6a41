// Files in Chromium: one large file (COFFER_BENCH_FILE_MB MiB of random bytes, default 1024 = 1 GiB)
// is picked on the create page, encrypted and uploaded, then downloaded, decrypted and saved in a
// fresh browser context (over 32 MiB: streamed to disk through the service worker). Prints the
// wall time and throughput of each phase, the browser's and the server's peak memory.
//   upload   = click Create -> share link shown (File.slice, seal, PUT chunks, finish)
//   download = click Download -> the browser has finished saving the file
// The saved file's SHA-256 is then checked against the original's (streamed, not timed).
// Between the two, the browser's own ceiling: the same number of 1 MiB chunks PUT with fetch alone
// from a page (no file read, sealing or checksum), 4 and then 8 in flight, and (after the first)
// the file fetched back in one GET read to its end, with the memory peaks; then the download's other
// stages alone: the file-hash worker hashing the file's size in 1 MiB pieces, and the download
// service worker saving that many pieces to disk (one random MiB made on the page, again and again).
// Then the app's own per-stage profile of each transfer (frontend/src/perf.rs, Stages): the
// milliseconds each stage took, summed over the chunks, their share of the wall time and the file's
// MB/s through that stage alone. Stages that run several chunks at once (read, seal, checksum, put
// with 4 in flight; open) can pass 100 %; `network` (upload: the page waiting for a sending slot)
// and `ready` (waiting for the next sealed chunk) show which side keeps the other waiting.
//   upload:   read (File.slice), seal (WebCrypto), checksum (WebCrypto SHA-256 of the ciphertext),
//             digest (the file's SHA-256, in the file-hash worker), record (the resume chain in
//             localStorage), put (each chunk's PUT, request to answer), network, finish
//   download: fetch (waiting for the response body), copy (reassembling chunks), open (waiting for
//             WebCrypto), hash (the file-hash worker), write (waiting for the service worker to
//             take the next piece: the browser saving to disk)
//
// COFFER_BENCH_DRIVER picks what drives Chromium:
//   cdp (default): this file launches Chromium itself and speaks the DevTools protocol over
//     --remote-debugging-pipe with only the Target, Page, Runtime, DOM, Input, Browser and
//     Performance domains. Playwright enables the Network domain on every page, and Chromium
//     then copies each request body into the requestWillBeSent event (a 1 MiB PUT round trip
//     took 10-18 ms in plain headless Chromium and 115-136 ms under Playwright on a 2-core box),
//     which slows the upload several times and adds to the browser's memory: not what a user sees.
//   playwright: the same flow through Playwright (chromium.launch), for comparison.
// Memory, sampled every 250 ms during each phase: the summed RSS of every process descending from
// the browser process (PSS, which does not count shared pages twice, every 2 s: reading
// smaps_rollup costs ~30 ms), the page's main-thread JS heap (Performance.getMetrics,
// JSHeapUsedSize; workers, the service worker and WASM memory are not in it), the server's VmRSS
// (COFFER_SERVER_PID) and at the end its VmHWM. CPU: the seconds of user and system time the
// browser's processes (every thread: page, workers, service worker, network, downloads) and the
// server used during the phase, from /proc/<pid>/stat; with 2 cores, 200 % of one core is all
// there is.
// MB and MB/s are 10^6 bytes. Run by scripts/bench.sh against a release server it starts itself
// (COFFER_URL, COFFER_SERVER_PID); temporary files (the original, the download and the browser
// profile: 2 x the size and a little) go to COFFER_BENCH_TMP (default: the OS temp dir) and are
// deleted at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, chromium, type Browser, type Page } from '@playwright/test';

const MIB = 1024 * 1024;
const fileMb = Number(process.env.COFFER_BENCH_FILE_MB ?? 1024);
const size = Math.round(fileMb * MIB);
const serverPid = Number(process.env.COFFER_SERVER_PID ?? 0);
const tmpBase = process.env.COFFER_BENCH_TMP || tmpdir();
const driverName = process.env.COFFER_BENCH_DRIVER ?? 'cdp';
// Generous bounds: 60 s plus 0.5 s per MiB (about 2 MB/s) for a phase.
const phaseTimeout = 60_000 + fileMb * 500;

const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const label = size % (1024 * MIB) === 0 ? `${size / (1024 * MIB)} GiB` : `${+(size / MIB).toFixed(1)} MiB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const byTestId = (id: string) => `[data-testid="${id}"]`;

/** Rejects after `ms` with `what` unless `promise` settles first. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---- Files -------------------------------------------------------------------------------------

/** Writes `bytes` random bytes to `path`, 8 MiB at a time; returns their SHA-256. */
function writeRandomFile(path: string, bytes: number): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(8 * MIB);
  const fd = openSync(path, 'w');
  try {
    for (let left = bytes; left > 0; ) {
      const piece = buffer.subarray(0, Math.min(left, buffer.length));
      randomFillSync(piece);
      hash.update(piece);
      writeSync(fd, piece);
      left -= piece.length;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 4 * MIB })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

// ---- /proc -------------------------------------------------------------------------------------

/** A field of /proc/<pid>/status in bytes (e.g. VmRSS, VmHWM), 0 if the process is gone. */
function statusBytes(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function processIds(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** `root` and every process descending from it. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of processIds()) {
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** CPU seconds (user + system, every thread) that `pid` has used so far; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime and stime, in USER_HZ (100) ticks
  } catch {
    return 0;
  }
}

/** The oldest process whose command line holds `arg` (the browser, not a child it passed it to). */
function findProcess(arg: string): number | undefined {
  const found = processIds().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(arg);
    } catch {
      return false;
    }
  });
  const descendants = new Set(found.flatMap((pid) => processTree(pid).slice(1)));
  return found.find((pid) => !descendants.has(pid));
}

// ---- Memory sampling ---------------------------------------------------------------------------

interface Peaks {
  /** At the phase's start. */
  startRss: number;
  startPss: number;
  startServerRss: number;
  browserRss: number;
  browserPss: number;
  browserProcesses: number;
  jsHeap: number;
  serverRss: number;
  /** Samples taken and the time they took in this process (the bench's own overhead). */
  samples: number;
  sampleMs: number;
  /** CPU seconds the browser's processes and the server used during the phase, and its length. */
  browserCpu: number;
  serverCpu: number;
  wallMs: number;
}

/** Samples memory every 250 ms until stopped; returns the peaks. */
function sampler(browserPid: number, jsHeap: () => Promise<number>): { stop: () => Promise<Peaks> } {
  const peaks: Peaks = {
    startRss: 0,
    startPss: 0,
    startServerRss: 0,
    browserRss: 0,
    browserPss: 0,
    browserProcesses: 0,
    jsHeap: 0,
    serverRss: 0,
    samples: 0,
    sampleMs: 0,
    browserCpu: 0,
    serverCpu: 0,
    wallMs: 0,
  };
  const began = performance.now();
  const cpuAtStart = new Map(processTree(browserPid).map((pid) => [pid, cpuSeconds(pid)]));
  const serverCpuAtStart = serverPid ? cpuSeconds(serverPid) : 0;
  let heapPending = false;
  let tree: number[] = [];
  let tick = 0;
  const sample = () => {
    const began = performance.now();
    const slow = tick++ % 8 === 0;
    if (slow) tree = processTree(browserPid);
    peaks.browserRss = Math.max(peaks.browserRss, tree.reduce((sum, pid) => sum + statusBytes(pid, 'VmRSS'), 0));
    if (slow) peaks.browserPss = Math.max(peaks.browserPss, tree.reduce((sum, pid) => sum + pssBytes(pid), 0));
    peaks.browserProcesses = Math.max(peaks.browserProcesses, tree.length);
    if (serverPid) peaks.serverRss = Math.max(peaks.serverRss, statusBytes(serverPid, 'VmRSS'));
    // A busy renderer answers late: never more than one request outstanding.
    if (!heapPending) {
      heapPending = true;
      jsHeap()
        .then((used) => (peaks.jsHeap = Math.max(peaks.jsHeap, used)))
        .catch(() => undefined)
        .finally(() => (heapPending = false));
    }
    peaks.samples += 1;
    peaks.sampleMs += performance.now() - began;
  };
  sample();
  [peaks.startRss, peaks.startPss, peaks.startServerRss] = [peaks.browserRss, peaks.browserPss, peaks.serverRss];
  const timer = setInterval(sample, 250);
  return {
    stop: async () => {
      clearInterval(timer);
      tick = 0; // a full last sample
      sample();
      peaks.wallMs = performance.now() - began;
      peaks.browserCpu = tree.reduce((sum, pid) => sum + cpuSeconds(pid) - (cpuAtStart.get(pid) ?? 0), 0);
      peaks.serverCpu = serverPid ? cpuSeconds(serverPid) - serverCpuAtStart : 0;
      return peaks;
    },
  };
}

const maxPeaks = (a: Peaks, b: Peaks): Peaks => ({
  startRss: a.startRss,
  startPss: a.startPss,
  startServerRss: a.startServerRss,
  browserRss: Math.max(a.browserRss, b.browserRss),
  browserPss: Math.max(a.browserPss, b.browserPss),
  browserProcesses: Math.max(a.browserProcesses, b.browserProcesses),
  jsHeap: Math.max(a.jsHeap, b.jsHeap),
  serverRss: Math.max(a.serverRss, b.serverRss),
  samples: a.samples + b.samples,
  sampleMs: a.sampleMs + b.sampleMs,
  browserCpu: a.browserCpu + b.browserCpu,
  serverCpu: a.serverCpu + b.serverCpu,
  wallMs: a.wallMs + b.wallMs,
});

const describe = (peaks: Peaks) =>
  `browser RSS ${mb(peaks.browserRss)} MB (PSS ${mb(peaks.browserPss)} MB, ${peaks.browserProcesses} processes; ` +
  `${mb(peaks.startRss)} / ${mb(peaks.startPss)} MB at the start), page JS heap ${mb(peaks.jsHeap)} MB, ` +
  `server RSS ${mb(peaks.serverRss)} MB (${mb(peaks.startServerRss)} MB at the start); ` +
  `${peaks.samples} samples, ${(peaks.sampleMs / Math.max(1, peaks.samples)).toFixed(1)} ms each; ` +
  `CPU: browser ${peaks.browserCpu.toFixed(1)} s, server ${peaks.serverCpu.toFixed(1)} s in ` +
  `${(peaks.wallMs / 1000).toFixed(1)} s (${((100 * (peaks.browserCpu + peaks.serverCpu)) / Math.max(1, peaks.wallMs / 1000)).toFixed(0)} % of one core)`;

// ---- Drivers -----------------------------------------------------------------------------------

/** A page in a fresh browser context (no cookies, storage or service worker shared). */
interface Tab {
  goto(url: string): Promise<void>;
  /** Waits until the element is in the page and visible. */
  waitVisible(testId: string, timeout: number): Promise<void>;
  count(selector: string): Promise<number>;
  setFile(testId: string, path: string): Promise<void>;
  click(testId: string): Promise<void>;
  inputValue(testId: string): Promise<string>;
  /** Clicks and resolves with the saved file's path once the browser has finished saving it. */
  clickToDownload(testId: string, timeout: number): Promise<string>;
  /** Runs `expression` (which starts a download) and resolves as `clickToDownload` does. */
  runToDownload(expression: string, timeout: number): Promise<string>;
  jsHeap(): Promise<number>;
  /** The app's per-stage profile of the last `transfer` (`upload` or `download`). */
  stages(transfer: string): Promise<Stage[]>;
  /** Evaluates `expression` in the page and waits for the promise it gives. */
  run(expression: string, timeout: number): Promise<any>;
  close(): Promise<void>;
}

/** A stage of a transfer: its name and its milliseconds summed over the chunks. */
interface Stage {
  name: string;
  ms: number;
}

/** Reads the app's `coffer:<transfer>:<stage>` measures (frontend/src/perf.rs, Stages). */
const stagesExpression = (transfer: string) =>
  `performance.getEntriesByType('measure').filter((e) => e.name.startsWith('coffer:${transfer}:'))` +
  `.map((e) => ({ name: e.name.slice(${`coffer:${transfer}:`.length}), ms: e.duration }))`;

/** One line per stage: total ms, share of the wall time, and MB/s of the file through it. */
function describeStages(transfer: string, stages: Stage[]): string {
  const wall = stages.find((stage) => stage.name === 'wall')?.ms ?? 0;
  const lines = stages.map(({ name, ms }) => {
    const share = wall ? ` ${((100 * ms) / wall).toFixed(0).padStart(4)} %` : '';
    const rate = ms > 0 ? ` ${(size / 1e6 / (ms / 1000)).toFixed(0).padStart(6)} MB/s` : '';
    return `files ${label} ${transfer} stage ${name.padEnd(8)} ${ms.toFixed(0).padStart(7)} ms${share}${rate}`;
  });
  return lines.join('\n');
}

// The "no password" share envelope of shared/tests/vectors/envelope-v1.json (docs/api.md), and the
// same bytes as a file-metadata envelope (kind 6): the server checks their headers, never their
// ciphertext, so fetch alone can finish an upload and share it.
const SHARE_ENVELOPE: string = JSON.parse(
  readFileSync(join(__dirname, '../../shared/tests/vectors/envelope-v1.json'), 'utf8'),
).vectors.find((vector: { name: string }) => vector.name === 'no password').envelope;

/** Helpers for the scripts below, which run in the page: `n` random bytes (in the 64 KiB pieces
 * getRandomValues takes), base64url without padding, and a JSON POST to the API. */
const PAGE_HELPERS = `  const random = (n) => {
    const bytes = new Uint8Array(n);
    for (let at = 0; at < n; at += 65536) crypto.getRandomValues(bytes.subarray(at, Math.min(n, at + 65536)));
    return bytes;
  };
  const b64u = (bytes) =>
    btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  const post = async (path, body) => {
    const answer = await fetch('/api/v1' + path,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await answer.text();
    if (!answer.ok) throw new Error(path + ': ' + answer.status + ' ' + text);
    return text ? JSON.parse(text) : null;
  };`;

/**
 * The browser's own ceiling, the same in every way the page controls: `chunks` chunks of 1 MiB + 16
 * bytes (the app's chunk) PUT with fetch to a real upload on the server, `inFlight` at once, and
 * nothing else (no file read, no sealing, no checksum, no worker). Resolves with the milliseconds
 * from the first PUT to the last answer, and the upload's id and token: with `keep` the upload is
 * left for `fetchBack`, else it is cancelled.
 */
const fetchOnly = (chunks: number, inFlight: number, keep: boolean) => `(async () => {
${PAGE_HELPERS}
  const fileId = b64u(random(16));
  const token = b64u(random(32));
  const body = random(${MIB} + 16);
  const checksum = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', body)));
  await post('/uploads', { file_id: fileId, size: ${chunks} * ${MIB}, chunk_size: ${MIB}, upload_token: token });
  const headers = { 'x-coffer-upload-token': token, 'x-coffer-chunk-sha256': checksum };
  let next = 0;
  const sender = async () => {
    while (next < ${chunks}) {
      const index = next++;
      const answer = await fetch('/api/v1/uploads/' + fileId + '/chunks/' + index, { method: 'PUT', headers, body });
      if (!answer.ok) throw new Error('chunk ' + index + ': ' + answer.status);
      await answer.arrayBuffer();
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: ${inFlight} }, sender));
  const upMs = performance.now() - began;
  if (!${keep}) await post('/uploads/' + fileId + '/cancel', { upload_token: token });
  return { upMs, fileId, token };
})()`;

/**
 * The file `fetchOnly` kept, finished, shared, claimed and fetched back in one response read to its
 * end (no opening, hashing or saving). Resolves with the milliseconds from the GET to the body's
 * last byte.
 */
const fetchBack = (chunks: number, fileId: string, token: string) => `(async () => {
${PAGE_HELPERS}
  const [fileId, token] = ['${fileId}', '${token}'];
  // Byte 5, the kind, is the low 6 bits of the eighth character: 1 (share-text) is B, 6 is G.
  const metadata = '${SHARE_ENVELOPE.slice(0, 7)}' + 'G' + '${SHARE_ENVELOPE.slice(8)}';
  await post('/uploads/' + fileId + '/finish', { upload_token: token, metadata });
  const [id, access, status] = [b64u(random(16)), b64u(random(32)), b64u(random(32))];
  await post('/shares', { id, envelope: '${SHARE_ENVELOPE}', access_token: access, status_token: status,
    manage_token: b64u(random(32)), expires_in: 86400, max_views: 1, files: [{ id: fileId, upload_token: token }] });
  const claimed = await post('/shares/' + id + '/claim', { status_token: status, access_token: access });
  const began = performance.now();
  const answer = await fetch('/api/v1/files/' + fileId, { headers: { 'x-coffer-download-token': claimed.download_token } });
  if (!answer.ok) throw new Error('download: ' + answer.status);
  const reader = answer.body.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
  }
  const downMs = performance.now() - began;
  if (received !== ${chunks} * (${MIB} + 16)) throw new Error('download: ' + received + ' bytes');
  return { downMs };
})()`;

/**
 * WebCrypto alone: `chunks` chunks of 1 MiB + 16 bytes opened with AES-256-GCM, 4 at once as the
 * app does. Resolves with the milliseconds.
 */
const decryptOnly = (chunks: number) => `(async () => {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const params = { name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)), additionalData: new Uint8Array(32) };
  const sealed = new Uint8Array(await crypto.subtle.encrypt(params, key, new Uint8Array(${MIB})));
  const opening = [];
  const began = performance.now();
  for (let i = 0; i < ${chunks}; i++) {
    opening.push(crypto.subtle.decrypt(params, key, sealed));
    if (opening.length >= 4) await opening.shift();
  }
  await Promise.all(opening);
  return { decryptMs: performance.now() - began };
})()`;

/**
 * The download's other ceilings, with the app's own workers and nothing else: `chunks` pieces of
 * 1 MiB through the file-hash worker (`/hash-worker-loader.js`: the whole file's SHA-256 in WASM,
 * the page posting a copy of each piece, at most 4 unanswered, as the app does), resolving with its
 * milliseconds; and (`saveOnly`) the same pieces streamed to disk through the download service
 * worker (`/dl/download-sw.js`, the app's protocol: a piece per "pull", its buffer transferred), for
 * the driver to time until the browser has saved the file. Neither fetches or opens anything.
 */
const hashOnly = (chunks: number) => `(async () => {
${PAGE_HELPERS}
  const worker = new Worker('/hash-worker-loader.js');
  const answers = [];
  let wake = null;
  worker.onmessage = (event) => { answers.push(event.data); if (wake) { wake(); wake = null; } };
  const next = async () => { while (!answers.length) await new Promise((resolve) => (wake = resolve)); return answers.shift(); };
  if ((await next()) !== 'ready') throw new Error('the hash worker did not start');
  const piece = random(${MIB});
  const spare = [];
  let unanswered = 0;
  const began = performance.now();
  for (let i = 0; i < ${chunks}; i++) {
    while (unanswered >= 4) { spare.push((await next())[1]); unanswered--; }
    const copy = spare.pop() ?? new Uint8Array(${MIB});
    copy.set(piece);
    worker.postMessage(copy, [copy.buffer]);
    unanswered++;
  }
  while (unanswered > 0) { await next(); unanswered--; }
  worker.postMessage('finish');
  const hex = await next();
  const hashMs = performance.now() - began;
  worker.terminate();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('hash worker: ' + hex);
  return { hashMs };
})()`;

const saveOnly = (chunks: number) => `(async () => {
${PAGE_HELPERS}
  const registration = await navigator.serviceWorker.register('/dl/download-sw.js', { scope: '/dl/' });
  while (!registration.active) await new Promise((resolve) => setTimeout(resolve, 20));
  const channel = new MessageChannel();
  const messages = [];
  let wake = null;
  channel.port1.onmessage = (event) => { messages.push(event.data); if (wake) { wake(); wake = null; } };
  const next = async () => { while (!messages.length) await new Promise((resolve) => (wake = resolve)); return messages.shift(); };
  const id = b64u(random(16));
  registration.active.postMessage({ id, name: 'save-alone.bin', size: ${chunks} * ${MIB} }, [channel.port2]);
  if ((await next()) !== 'ready') throw new Error('the download worker did not answer');
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.src = '/dl/' + id;
  document.body.append(frame);
  const piece = random(${MIB});
  for (let i = 0; i < ${chunks}; i++) {
    for (;;) {
      const message = await next();
      if (message === 'pull') break;
      if (message !== 'ready') throw new Error('the download stopped: ' + message);
    }
    const copy = piece.slice(); // a buffer of its own, as each opened chunk is
    channel.port1.postMessage(copy, [copy.buffer]);
  }
  channel.port1.postMessage('end');
})()`;

interface Driver {
  browserPid: number;
  newTab(): Promise<Tab>;
  close(): Promise<void>;
}

interface LaunchSettings {
  executablePath: string;
  args: string[];
  downloads: string;
  profile: string;
}

async function playwrightDriver(settings: LaunchSettings): Promise<Driver> {
  // This Playwright has no browser.process(): a switch Chromium ignores marks its main process.
  const marker = `--coffer-bench-files=${process.pid}-${Date.now()}`;
  const browser: Browser = await chromium.launch({
    executablePath: settings.executablePath,
    args: [...settings.args, marker],
    headless: true,
    downloadsPath: settings.downloads,
  });
  const browserPid = findProcess(marker);
  if (!browserPid) throw new Error('the browser process was not found');
  const baseURL = process.env.COFFER_URL;
  return {
    browserPid,
    close: () => browser.close(),
    async newTab(): Promise<Tab> {
      const context = await browser.newContext({ baseURL });
      const page: Page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const saved = async (start: () => Promise<unknown>, timeout: number) => {
        const [download] = await Promise.all([page.waitForEvent('download', { timeout }), start()]);
        const path = await within(download.path(), timeout, 'download');
        const failure = await download.failure();
        if (failure) throw new Error(`download failed: ${failure}`);
        return path;
      };
      return {
        goto: async (url) => void (await page.goto(url)),
        waitVisible: (testId, timeout) => page.getByTestId(testId).waitFor({ state: 'visible', timeout }),
        count: (selector) => page.locator(selector).count(),
        setFile: (testId, path) => page.getByTestId(testId).setInputFiles(path),
        click: (testId) => page.getByTestId(testId).click(),
        inputValue: (testId) => page.getByTestId(testId).inputValue(),
        stages: (transfer) => page.evaluate(stagesExpression(transfer)),
        run: (expression, timeout) => within(page.evaluate(expression), timeout, 'evaluate'),
        clickToDownload: (testId, timeout) => saved(() => page.getByTestId(testId).click(), timeout),
        runToDownload: (expression, timeout) => saved(() => page.evaluate(expression), timeout),
        async jsHeap() {
          const { metrics } = await cdp.send('Performance.getMetrics');
          return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
        },
        close: () => context.close(),
      };
    },
  };
}

/** The DevTools protocol over --remote-debugging-pipe: JSON messages ending in NUL, fd 3 in, fd 4 out. */
class Pipe {
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Set<(method: string, params: any, sessionId?: string) => void>();
  private buffer = '';
  closed = false;

  constructor(private readonly child: ChildProcess) {
    const output = child.stdio[4] as NodeJS.ReadableStream;
    output.setEncoding('utf8');
    output.on('data', (data: string) => {
      this.buffer += data;
      for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
        const message = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined) {
          const call = this.calls.get(message.id);
          this.calls.delete(message.id);
          if (message.error) call?.reject(new Error(`${message.error.message} (${message.error.code})`));
          else call?.resolve(message.result);
        } else {
          for (const listener of this.listeners) listener(message.method, message.params, message.sessionId);
        }
      }
    });
    child.on('exit', () => {
      this.closed = true;
      for (const call of this.calls.values()) call.reject(new Error('the browser exited'));
      this.calls.clear();
    });
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    if (this.closed) return Promise.reject(new Error('the browser exited'));
    const id = this.nextId++;
    const input = this.child.stdio[3] as NodeJS.WritableStream;
    input.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    return new Promise((resolve, reject) => this.calls.set(id, { resolve, reject }));
  }

  on(listener: (method: string, params: any, sessionId?: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

async function cdpDriver(settings: LaunchSettings): Promise<Driver> {
  // Close to what Playwright passes for headless Chromium, less the automation.
  const args = [
    ...settings.args,
    '--headless',
    '--hide-scrollbars',
    '--mute-audio',
    '--disable-background-timer-throttling',
    '--disable-backgrounding-occluded-windows',
    '--disable-renderer-backgrounding',
    '--disable-hang-monitor',
    '--disable-ipc-flooding-protection',
    '--disable-extensions',
    '--disable-default-apps',
    '--no-default-browser-check',
    '--password-store=basic',
    `--user-data-dir=${settings.profile}`,
    '--remote-debugging-pipe',
    '--no-startup-window',
  ];
  const child = spawn(settings.executablePath, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
  const pipe = new Pipe(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await within(pipe.send('Browser.getVersion'), 30_000, 'browser start');
  const baseURL = process.env.COFFER_URL ?? '';

  return {
    browserPid: child.pid as number,
    async close() {
      await within(pipe.send('Browser.close').catch(() => undefined), 10_000, 'Browser.close').catch(() => undefined);
      await within(exited, 10_000, 'browser exit').catch(() => child.kill('SIGKILL'));
    },
    async newTab(): Promise<Tab> {
      const { browserContextId } = await pipe.send('Target.createBrowserContext', { disposeOnDetach: true });
      const { targetId } = await pipe.send('Target.createTarget', { url: 'about:blank', browserContextId });
      const { sessionId } = await pipe.send('Target.attachToTarget', { targetId, flatten: true });
      const send = (method: string, params: object = {}) => pipe.send(method, params, sessionId);
      await send('Performance.enable');
      await pipe.send('Browser.setDownloadBehavior', {
        behavior: 'allowAndName',
        browserContextId,
        downloadPath: settings.downloads,
        eventsEnabled: true,
      });

      /** Evaluates `expression` in the page; undefined while the page navigates. */
      const evaluate = async (expression: string): Promise<any> => {
        const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, returnByValue: true });
        if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
        return result.value;
      };
      const poll = async (what: string, timeout: number, check: () => Promise<boolean>) => {
        const deadline = performance.now() + timeout;
        for (;;) {
          if (await check().catch(() => false)) return;
          if (pipe.closed) throw new Error(`${what}: the browser exited`);
          if (performance.now() > deadline) throw new Error(`${what}: not seen within ${timeout} ms`);
          await sleep(50);
        }
      };
      const element = (testId: string) => `document.querySelector('${byTestId(testId)}')`;
      const visible = (testId: string) =>
        `(() => { const e = ${element(testId)}; return !!e && e.getClientRects().length > 0 && ` +
        `getComputedStyle(e).visibility !== 'hidden'; })()`;
      /** Runs `start` and resolves with the saved file's path once its download completed. */
      const saved = async (start: () => Promise<unknown>, timeout: number) => {
        let guid: string | undefined;
        let unsubscribe = () => {};
        const done = new Promise<string>((resolve, reject) => {
          unsubscribe = pipe.on((method, params) => {
            if (method === 'Browser.downloadWillBegin' && guid === undefined) guid = params.guid;
            if (method === 'Browser.downloadProgress' && params.guid === guid) {
              if (params.state === 'completed') resolve(join(settings.downloads, guid as string));
              if (params.state === 'canceled') reject(new Error('download canceled'));
            }
          });
        });
        try {
          await start();
          return await within(done, timeout, 'download');
        } finally {
          unsubscribe();
        }
      };
      const tab: Tab = {
        async goto(url) {
          const href = new URL(url, baseURL).href;
          await send('Page.navigate', { url: href });
          const loaded = `document.readyState === 'complete' && location.href === ${JSON.stringify(href)}`;
          await poll(`load of ${href}`, 30_000, async () => (await evaluate(loaded)) === true);
        },
        waitVisible: (testId, timeout) => poll(testId, timeout, async () => (await evaluate(visible(testId))) === true),
        count: async (selector) => Number(await evaluate(`document.querySelectorAll('${selector}').length`)),
        async setFile(testId, path) {
          await poll(testId, 30_000, async () => (await evaluate(`!!${element(testId)}`)) === true);
          const { result } = await send('Runtime.evaluate', { expression: element(testId) });
          // Sets the files and fires input and change, as a user picking them would.
          await send('DOM.setFileInputFiles', { files: [path], objectId: result.objectId });
        },
        async click(testId) {
          await tab.waitVisible(testId, 30_000);
          const [x, y] = await evaluate(
            `(() => { const e = ${element(testId)}; e.scrollIntoView({ block: 'center' }); ` +
              `const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`,
          );
          for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
            await send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
          }
        },
        inputValue: async (testId) => String(await evaluate(`${element(testId)}.value`)),
        stages: (transfer) => evaluate(stagesExpression(transfer)),
        async run(expression, timeout) {
          const { result, exceptionDetails } = await within(
            send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }),
            timeout,
            'evaluate',
          );
          if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
          return result.value;
        },
        clickToDownload: (testId, timeout) => saved(() => tab.click(testId), timeout),
        runToDownload: (expression, timeout) => saved(() => tab.run(expression, timeout), timeout),
        async jsHeap() {
          const { metrics } = await send('Performance.getMetrics');
          return metrics.find((metric: { name: string }) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
        },
        async close() {
          await pipe.send('Target.disposeBrowserContext', { browserContextId }).catch(() => undefined);
        },
      };
      return tab;
    },
  };
}

// ---- The bench ---------------------------------------------------------------------------------

test(`upload and download a ${label} file (${driverName})`, async ({}, testInfo) => {
  test.skip(!serverPid, 'needs COFFER_URL and COFFER_SERVER_PID (scripts/bench.sh sets them)');
  test.setTimeout(120_000 + 2 * phaseTimeout);
  expect(process.env.COFFER_URL, 'COFFER_URL').toBeTruthy();
  expect(['cdp', 'playwright'], 'COFFER_BENCH_DRIVER').toContain(driverName);

  const dir = mkdtempSync(join(tmpBase, 'coffer-bench-files-'));
  const { launchOptions } = testInfo.project.use;
  let driver: Driver | undefined;
  try {
    // The original and the download live here together.
    const { bavail, bsize } = statfsSync(dir);
    expect(bavail * bsize, `free space in ${dir} for 2 x ${label}`).toBeGreaterThan(2 * size + 512 * MIB);
    const source = join(dir, 'bench.bin');
    let start = performance.now();
    const sha256 = writeRandomFile(source, size);
    console.log(
      `files ${label} (${driverName}): wrote the original in ${Math.round(performance.now() - start)} ms; ` +
        `load average ${loadavg().map((load) => load.toFixed(2)).join(' ')} on ${cpus().length} CPUs`,
    );

    const settings: LaunchSettings = {
      executablePath: launchOptions?.executablePath ?? '/usr/bin/chromium',
      args: launchOptions?.args ?? [],
      downloads: join(dir, 'downloads'),
      profile: join(dir, 'profile'),
    };
    mkdirSync(settings.downloads);
    driver = await (driverName === 'cdp' ? cdpDriver(settings) : playwrightDriver(settings));
    const browserPid = driver.browserPid;

    // Upload.
    const creator = await driver.newTab();
    await creator.goto('/');
    await creator.setFile('file-input', source);
    await expect.poll(() => creator.count(`${byTestId('chosen-files')} li`)).toBe(1);
    let memory = sampler(browserPid, () => creator.jsHeap());
    start = performance.now();
    await creator.click('create-button');
    await creator.waitVisible('share-link', phaseTimeout);
    const uploadMs = performance.now() - start;
    const uploadPeaks = await memory.stop();
    const link = await creator.inputValue('share-link');
    console.log(`files ${label} (${driverName}): upload ${Math.round(uploadMs)} ms; peaks: ${describe(uploadPeaks)}`);
    console.log(describeStages('upload', await creator.stages('upload')));
    await creator.close();

    // The same chunks with fetch alone: what this browser can send at all (the app's ceiling).
    const baseline = await driver.newTab();
    await baseline.goto('/');
    const chunks = Math.ceil(size / MIB);
    const rate = (ms: number) => `${(size / 1e6 / (ms / 1000)).toFixed(1)} MB/s (${(ms / 1000).toFixed(1)} s)`;
    let kept = { fileId: '', token: '' };
    for (const inFlight of [4, 8]) {
      memory = sampler(browserPid, () => baseline.jsHeap());
      const { upMs, fileId, token } = await baseline.run(fetchOnly(chunks, inFlight, inFlight === 4), 2 * phaseTimeout);
      console.log(
        `files ${label} (${driverName}): fetch alone, ${chunks} PUTs of 1 MiB, ${inFlight} in flight: ${rate(upMs)}; ` +
          `peaks: ${describe(await memory.stop())}`,
      );
      if (inFlight === 4) kept = { fileId, token };
    }

    // The download's stages, each alone: what none of it can do without. Their CPU seconds added up
    // bound any download on this machine, however it is arranged.
    const stageCpu: [string, Peaks][] = [];
    const alone = async (name: string, what: string, run: () => Promise<number>) => {
      memory = sampler(browserPid, () => baseline.jsHeap());
      const ms = await run();
      const peaks = await memory.stop();
      stageCpu.push([name, peaks]);
      console.log(`files ${label} (${driverName}): ${what}: ${rate(ms)}; peaks: ${describe(peaks)}`);
    };
    await alone('GET', 'fetch alone, the file back in one GET', async () =>
      (await baseline.run(fetchBack(chunks, kept.fileId, kept.token), 2 * phaseTimeout)).downMs);
    await alone('decrypt', `WebCrypto alone, ${chunks} chunks of 1 MiB opened, 4 at once`, async () =>
      (await baseline.run(decryptOnly(chunks), 2 * phaseTimeout)).decryptMs);
    await alone('hash', `file-hash worker alone, ${chunks} pieces of 1 MiB`, async () =>
      (await baseline.run(hashOnly(chunks), 2 * phaseTimeout)).hashMs);
    await alone('save', `download service worker alone, ${chunks} pieces of 1 MiB saved`, async () => {
      const began = performance.now();
      const savedAlone = await baseline.runToDownload(saveOnly(chunks), 2 * phaseTimeout);
      const ms = performance.now() - began;
      expect(statSync(savedAlone).size, 'size of the file saved alone').toBe(chunks * MIB);
      rmSync(savedAlone);
      return ms;
    });
    const cores = cpus().length;
    const cpuOf = (peaks: Peaks, server: boolean) => peaks.browserCpu + (server ? peaks.serverCpu : 0);
    const total = (server: boolean) => stageCpu.reduce((sum, [, peaks]) => sum + cpuOf(peaks, server), 0);
    const bound = (server: boolean) => ((size / 1e6) * cores) / total(server);
    console.log(
      `files ${label} (${driverName}): the download's stages alone used ` +
        `${stageCpu.map(([name, peaks]) => `${name} ${cpuOf(peaks, true).toFixed(1)}`).join(' + ')} = ` +
        `${total(true).toFixed(1)} CPU seconds (${total(false).toFixed(1)} in the browser): with ${cores} cores no ` +
        `download can pass ${bound(true).toFixed(0)} MB/s here (${bound(false).toFixed(0)} MB/s with the server elsewhere)`,
    );
    await baseline.close();

    // Download, in a fresh context.
    const reader = await driver.newTab();
    await reader.goto(link);
    await reader.click('reveal-button');
    await reader.waitVisible('download-button', 60_000);
    memory = sampler(browserPid, () => reader.jsHeap());
    start = performance.now();
    const saved = await reader.clickToDownload('download-button', phaseTimeout);
    const downloadMs = performance.now() - start;
    const downloadPeaks = await memory.stop();
    console.log(`files ${label} (${driverName}): download ${Math.round(downloadMs)} ms; peaks: ${describe(downloadPeaks)}`);
    expect(statSync(saved).size, 'size of the saved file').toBe(size);
    expect(await sha256File(saved), 'SHA-256 of the saved file').toBe(sha256);
    await reader.waitVisible('file-verified', 60_000);
    console.log(describeStages('download', await reader.stages('download')));
    await reader.close();

    const serverHwm = statusBytes(serverPid, 'VmHWM');
    const peaks = maxPeaks(uploadPeaks, downloadPeaks);
    console.log(
      `files ${label} (${driverName}): upload ${rate(uploadMs)}, download ${rate(downloadMs)}, SHA-256 matches; ` +
        `browser peak RSS ${mb(peaks.browserRss)} MB (PSS ${mb(peaks.browserPss)} MB, ` +
        `page JS heap peak ${mb(peaks.jsHeap)} MB); server peak RSS ${mb(serverHwm)} MB ` +
        `(VmHWM; sampled ${mb(peaks.serverRss)} MB)`,
    );
  } finally {
    await driver?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
