// Argon2id (64 MiB) runs in the password worker: the page keeps painting while it works.
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';

test('the page keeps painting while the password is strengthened', async ({ page }) => {
  const create = new CreatePage(page);
  await create.goto();
  await create.fill({ text: 'frames', password: 'a password' });
  // Record the longest the main thread was busy (gap between 10 ms timer ticks) from the click
  // until the link appears.
  await page.evaluate(() => {
    const w = window as unknown as { maxGap: number; running: boolean };
    w.maxGap = 0;
    w.running = true;
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      w.maxGap = Math.max(w.maxGap, now - last);
      last = now;
      if (w.running) setTimeout(tick, 10);
    };
    setTimeout(tick, 10);
  });
  const started = Date.now();
  await create.createButton.click();
  await expect(create.page.getByTestId('kdf-progress')).toBeVisible();
  await expect(create.shareLink).toBeVisible({ timeout: 30_000 });
  const took = Date.now() - started;
  const maxGap = await page.evaluate(() => {
    const w = window as unknown as { maxGap: number; running: boolean };
    w.running = false;
    return w.maxGap;
  });
  console.log(`create with a password took ${took} ms; longest main-thread stall ${maxGap.toFixed(0)} ms`);
  expect(maxGap).toBeLessThan(Math.max(150, took / 2));
});

test('without the worker the password is strengthened on the page and still works', async ({ page, browser }) => {
  await page.route('**/kdf-worker-loader.js', (route) => route.abort());
  const share = await new CreatePage(page).create({ text: 'no worker needed', password: 'pw 1' });

  const reader = await freshPage(browser);
  await reader.page.route('**/kdf-worker-loader.js', (route) => route.abort());
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await reveal.reveal('pw 1');
  expect(await reveal.secret()).toBe('no worker needed');
  await reader.context.close();
});

test('a worker that fails after starting is replaced by the page, and got the password as bytes', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'worker failed', password: 'pw 4' });

  const reader = await freshPage(browser);
  // A worker that says it is ready, reports what type the password came in, then throws. It
  // throws only once the report is answered: the page ends a failed worker at once, which would
  // cancel a report still on its way.
  await reader.page.route('**/kdf-worker-loader.js', (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body:
        "onmessage = (event) => { fetch('/probe?password=' + " +
        "(event.data.password instanceof Uint8Array ? 'bytes' : typeof event.data.password))" +
        ".finally(() => setTimeout(() => { throw new Error('worker failed on purpose'); })); };\n" +
        "postMessage('ready');",
    }),
  );
  const probe = reader.page.waitForRequest(/\/probe\?password=/);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await reveal.reveal('pw 4');
  expect(new URL((await probe).url()).searchParams.get('password')).toBe('bytes');
  expect(await reveal.secret()).toBe('worker failed');
  await reader.context.close();
});
