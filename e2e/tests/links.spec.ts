// Damaged links and a hostile status: each gets a clear message and nothing is revealed.
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage } from './pages';

const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SOME_KEY = 'A'.repeat(43);

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** A version 1 header whose Argon2id parameters are below the floor (m = 1024 KiB, t = 1). */
function weakHeader(): string {
  const header = new Uint8Array(44);
  header.set([0x43, 0x4f, 0x46, 0x52, 1, 1, 1]);
  new DataView(header.buffer).setUint32(7, 1024);
  new DataView(header.buffer).setUint32(11, 1);
  header[15] = 1;
  return b64url(header);
}

test('a link without its fragment says it is incomplete', async ({ page }) => {
  const reveal = new RevealPage(page);
  await reveal.goto(`/s/${UNKNOWN_ID}`);
  await expect(reveal.error).toContainText('This link is incomplete: the part after # is missing or damaged');
  await expect(reveal.revealButton).toHaveCount(0);
});

test('a damaged fragment says the link is incomplete', async ({ page }) => {
  const reveal = new RevealPage(page);
  await reveal.goto(`/s/${UNKNOWN_ID}#not-a-key`);
  await expect(reveal.error).toContainText('This link is incomplete');
});

test('an unknown share shows the gone page', async ({ page }) => {
  const reveal = new RevealPage(page);
  await reveal.goto(`/s/${UNKNOWN_ID}#${SOME_KEY}`);
  await expect(reveal.gone).toContainText('does not exist, has expired, or was already viewed');
});

test('a status with weakened password parameters is refused', async ({ page }) => {
  await page.route('**/api/v1/shares/*/status', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        header: weakHeader(),
        expires_at: Math.floor(Date.now() / 1000) + 3600,
        views_left: 1,
        max_views: 1,
        wrong_claims_left: 5,
      }),
    }),
  );
  const reveal = new RevealPage(page);
  await reveal.goto(`/s/${UNKNOWN_ID}#${SOME_KEY}`);
  await expect(reveal.error).toContainText("This share's protection parameters were refused");
  await expect(reveal.revealButton).toHaveCount(0);
  await expect(reveal.password).toHaveCount(0);
});

test('an unknown page says so', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('create failures are explained: rate limit, too large, network down', async ({ page }) => {
  const create = new CreatePage(page);
  await create.goto();
  await create.fill({ text: 'hello' });

  await page.route('**/api/v1/shares', (route) =>
    route.fulfill({
      status: 429,
      headers: { 'retry-after': '42' },
      contentType: 'application/json',
      body: JSON.stringify({ code: 'rate_limited', message: 'Too many requests.' }),
    }),
  );
  await create.createButton.click();
  await expect(create.error).toHaveText('Too many requests. Try again in 42 seconds.');

  await page.unroute('**/api/v1/shares');
  await page.route('**/api/v1/shares', (route) =>
    route.fulfill({
      status: 413,
      contentType: 'application/json',
      body: JSON.stringify({ code: 'too_large', message: 'The envelope is too large.' }),
    }),
  );
  await create.createButton.click();
  await expect(create.error).toContainText('too large');

  await page.unroute('**/api/v1/shares');
  await page.route('**/api/v1/shares', (route) => route.abort('internetdisconnected'));
  await create.createButton.click();
  await expect(create.error).toHaveText('Could not reach the server. Check your connection and try again.');
  await expect(create.createButton).toBeEnabled();
  await expect(create.secret).toHaveValue('hello');
});
