// Files in Chromium: one large file (COFFER_BENCH_FILE_MB MiB of random bytes, default 1024 = 1 GiB)
// is picked on the create page, encrypted and uploaded, then downloaded, decrypted and saved in a
// fresh browser context (over 32 MiB: streamed to disk through the service worker). Prints the
// wall time and throughput of each phase, the browser's and the server's peak memory.
//   upload   = click Create -> share link shown (File.slice, seal, PUT chunks, finish)
//   download = click Download -> the browser has finished saving the file (download.path())
// The saved file's SHA-256 is then checked against the original's (streamed, not timed).
// Memory, sampled every 250 ms during each phase: the summed RSS (and PSS, which does not count
// shared pages twice) of every process descending from the Chromium this bench launches itself
// (so that browser.process() is there), the page's main-thread JS heap (CDP
// Performance.getMetrics, JSHeapUsedSize; workers, the service worker and WASM memory are not
// in it), the server's VmRSS (COFFER_SERVER_PID) and at the end its VmHWM.
// MB and MB/s are 10^6 bytes. Run by scripts/bench.sh against a release server it starts itself
// (COFFER_URL, COFFER_SERVER_PID); temporary files (the original and the download, 2 x the size)
// go to COFFER_BENCH_TMP (default: the OS temp dir) and are deleted at the end.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, chromium, type CDPSession } from '@playwright/test';

const MIB = 1024 * 1024;
const fileMb = Number(process.env.COFFER_BENCH_FILE_MB ?? 1024);
const size = Math.round(fileMb * MIB);
const serverPid = Number(process.env.COFFER_SERVER_PID ?? 0);
const tmpBase = process.env.COFFER_BENCH_TMP || tmpdir();
// Generous bounds: 60 s plus 0.5 s per MiB (about 2 MB/s) for a phase.
const phaseTimeout = 60_000 + fileMb * 500;

const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const label = size % (1024 * MIB) === 0 ? `${size / (1024 * MIB)} GiB` : `${+(size / MIB).toFixed(1)} MiB`;

/** Writes `size` random bytes to `path`, 8 MiB at a time; returns their SHA-256. */
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

/** A field of /proc/<pid>/status in bytes (e.g. VmRSS, VmHWM), 0 if the process is gone. */
function statusKb(pid: number, field: string): number {
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

/** `root` and every process descending from it. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** The oldest process whose command line holds `arg` (the browser, not a child it passed it to). */
function findProcess(arg: string): number | undefined {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(arg)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const ancestors = new Set(found.flatMap((pid) => processTree(pid).slice(1)));
  return found.find((pid) => !ancestors.has(pid));
}

interface Peaks {
  browserRss: number;
  browserPss: number;
  browserProcesses: number;
  jsHeap: number;
  serverRss: number;
}

/** Samples memory every 250 ms until stopped; returns the peaks. */
function sampler(browserPid: number, cdp: CDPSession | undefined): { stop: () => Promise<Peaks> } {
  const peaks: Peaks = { browserRss: 0, browserPss: 0, browserProcesses: 0, jsHeap: 0, serverRss: 0 };
  let heapPending = false;
  const sample = () => {
    const tree = processTree(browserPid);
    peaks.browserRss = Math.max(peaks.browserRss, tree.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0));
    peaks.browserPss = Math.max(peaks.browserPss, tree.reduce((sum, pid) => sum + pssBytes(pid), 0));
    peaks.browserProcesses = Math.max(peaks.browserProcesses, tree.length);
    if (serverPid) peaks.serverRss = Math.max(peaks.serverRss, statusKb(serverPid, 'VmRSS'));
    // A busy renderer answers late: never more than one request outstanding.
    if (cdp && !heapPending) {
      heapPending = true;
      cdp
        .send('Performance.getMetrics')
        .then(({ metrics }) => {
          const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
          peaks.jsHeap = Math.max(peaks.jsHeap, used);
        })
        .catch(() => undefined)
        .finally(() => (heapPending = false));
    }
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    stop: async () => {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}

const maxPeaks = (a: Peaks, b: Peaks): Peaks => ({
  browserRss: Math.max(a.browserRss, b.browserRss),
  browserPss: Math.max(a.browserPss, b.browserPss),
  browserProcesses: Math.max(a.browserProcesses, b.browserProcesses),
  jsHeap: Math.max(a.jsHeap, b.jsHeap),
  serverRss: Math.max(a.serverRss, b.serverRss),
});

const describe = (peaks: Peaks) =>
  `browser RSS ${mb(peaks.browserRss)} MB (PSS ${mb(peaks.browserPss)} MB, ${peaks.browserProcesses} processes), ` +
  `page JS heap ${mb(peaks.jsHeap)} MB, server RSS ${mb(peaks.serverRss)} MB`;

test(`upload and download a ${label} file`, async ({}, testInfo) => {
  test.skip(!serverPid, 'needs COFFER_URL and COFFER_SERVER_PID (scripts/bench.sh sets them)');
  test.setTimeout(120_000 + 2 * phaseTimeout);
  const baseURL = process.env.COFFER_URL;
  expect(baseURL, 'COFFER_URL').toBeTruthy();

  const dir = mkdtempSync(join(tmpBase, 'coffer-bench-files-'));
  const { launchOptions } = testInfo.project.use;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    // The original and the download live here together.
    const { bavail, bsize } = statfsSync(dir);
    expect(bavail * bsize, `free space in ${dir} for 2 x ${label}`).toBeGreaterThan(2 * size + 256 * MIB);
    const source = join(dir, 'bench.bin');
    let start = performance.now();
    const sha256 = writeRandomFile(source, size);
    console.log(`files ${label}: wrote the original in ${Math.round(performance.now() - start)} ms`);

    const downloads = join(dir, 'downloads');
    mkdirSync(downloads);
    // This Playwright has no browser.process(): a switch Chromium ignores marks its main process.
    const marker = `--coffer-bench-files=${process.pid}-${Date.now()}`;
    const args = [...(launchOptions?.args ?? []), marker];
    browser = await chromium.launch({ ...launchOptions, args, headless: true, downloadsPath: downloads });
    const browserPid = findProcess(marker);
    expect(browserPid, 'the browser process').toBeTruthy();

    // Upload.
    const creator = await browser.newContext({ baseURL });
    const page = await creator.newPage();
    await page.goto('/');
    await page.getByTestId('file-input').setInputFiles(source);
    await expect(page.getByTestId('chosen-files').locator('li')).toHaveCount(1);
    let cdp = await creator.newCDPSession(page);
    await cdp.send('Performance.enable');
    let memory = sampler(browserPid as number, cdp);
    start = performance.now();
    await page.getByTestId('create-button').click();
    await page.getByTestId('share-link').waitFor({ state: 'visible', timeout: phaseTimeout });
    const uploadMs = performance.now() - start;
    const uploadPeaks = await memory.stop();
    const link = await page.getByTestId('share-link').inputValue();
    console.log(`files ${label}: upload ${Math.round(uploadMs)} ms; peaks: ${describe(uploadPeaks)}`);
    await creator.close();

    // Download, in a fresh context.
    const reader = await browser.newContext({ baseURL });
    const readerPage = await reader.newPage();
    await readerPage.goto(link);
    await readerPage.getByTestId('reveal-button').click();
    const button = readerPage.getByTestId('download-button');
    await button.waitFor({ state: 'visible', timeout: 60_000 });
    cdp = await reader.newCDPSession(readerPage);
    await cdp.send('Performance.enable');
    memory = sampler(browserPid as number, cdp);
    start = performance.now();
    const [download] = await Promise.all([readerPage.waitForEvent('download', { timeout: phaseTimeout }), button.click()]);
    const saved = await Promise.race([
      download.path(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`download not finished after ${phaseTimeout} ms`)), phaseTimeout),
      ),
    ]);
    const downloadMs = performance.now() - start;
    const downloadPeaks = await memory.stop();
    expect(await download.failure()).toBeNull();
    console.log(`files ${label}: download ${Math.round(downloadMs)} ms; peaks: ${describe(downloadPeaks)}`);
    expect(statSync(saved).size, 'size of the saved file').toBe(size);
    expect(await sha256File(saved), 'SHA-256 of the saved file').toBe(sha256);
    await expect(readerPage.getByTestId('file-verified')).toBeVisible({ timeout: 60_000 });
    await reader.close();

    const serverHwm = statusKb(serverPid, 'VmHWM');
    const peaks = maxPeaks(uploadPeaks, downloadPeaks);
    const rate = (ms: number) => (size / 1e6 / (ms / 1000)).toFixed(1);
    console.log(
      `files ${label}: upload ${rate(uploadMs)} MB/s (${(uploadMs / 1000).toFixed(1)} s), ` +
        `download ${rate(downloadMs)} MB/s (${(downloadMs / 1000).toFixed(1)} s), SHA-256 matches; ` +
        `browser peak RSS ${mb(peaks.browserRss)} MB (PSS ${mb(peaks.browserPss)} MB, ` +
        `page JS heap peak ${mb(peaks.jsHeap)} MB); server peak RSS ${mb(serverHwm)} MB ` +
        `(VmHWM; sampled ${mb(peaks.serverRss)} MB)`,
    );
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
