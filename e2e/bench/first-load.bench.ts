// The first load of the create page as a new visitor sees it (scripts/bench.sh, "First load"):
// an empty cache, Chromium's network emulation at 1.6 Mbit/s down, 750 kbit/s up and 150 ms
// round trips (DevTools' "Slow 4G"-like profile the issue names). Prints the bytes on the wire (as sent,
// compressed) and the requests, when something is first painted, and when the form is usable
// (the secret field editable and the button enabled). Runs only when COFFER_BENCH_FIRST_LOAD is set.
import { test, expect } from '@playwright/test';

const RUNS = Number(process.env.COFFER_BENCH_RUNS ?? 3);

test.skip(!process.env.COFFER_BENCH_FIRST_LOAD, 'run by scripts/bench.sh');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

test('first load of the create page at 1.6 Mbit/s and 150 ms', async ({ browser }) => {
  const usable: number[] = [];
  const painted: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    const sizes = new Map<string, number>();
    const urls = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
    cdp.on('Network.loadingFinished', (event) => sizes.set(event.requestId, event.encodedDataLength));
    const start = Date.now();
    await page.goto('/', { waitUntil: 'commit' });
    const input = page.getByTestId('secret-input');
    await expect(input).toBeEditable({ timeout: 60_000 });
    await expect(page.getByTestId('create-button')).toBeEnabled();
    const ready = Date.now() - start;
    const paint = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
    );
    // Requests the page makes by itself after it is usable (the password worker) count too.
    await page.waitForTimeout(1_000);
    const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    console.log(
      `first-load run ${run}: ${total} bytes in ${sizes.size} requests, first paint ${Math.round(paint)} ms, ` +
        `form usable ${ready} ms`,
    );
    if (run === 1) {
      for (const [id, size] of [...sizes.entries()].sort((a, b) => b[1] - a[1])) {
        console.log(`first-load   ${size} bytes ${new URL(urls.get(id) ?? '').pathname}`);
      }
    }
    usable.push(ready);
    painted.push(paint);
    await context.close();
  }
  console.log(`first-load median: first paint ${Math.round(median(painted))} ms, form usable ${median(usable)} ms`);
});
