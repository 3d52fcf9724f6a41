// The management page never sends its fragment (docs/envelope.md, "Keys for a share"): every
// request carries SHA-256("coffer/v1/manage-token" || m), whatever the fragment holds. A share
// key pasted into /m/<id>#<K> therefore never reaches the server, in any encoding, and the real
// management link still reads and destroys its share.
import { createHash } from 'node:crypto';
import { test, expect, type BrowserContext, type Request } from '@playwright/test';
import { CreatePage, ManagePage, RevealPage, freshPage } from './pages';

/** Every encoding of 32 bytes (given as base64url) a page could put into a request. */
function encodings(b64u: string): string[] {
  const bytes = Buffer.from(b64u, 'base64url');
  expect(bytes.length).toBe(32);
  const base64 = bytes.toString('base64');
  const hex = bytes.toString('hex');
  return [b64u, base64, base64.replace(/=+$/, ''), hex, hex.toUpperCase()];
}

/** What the browser must send for a management secret (base64url). */
function manageToken(secret: string): string {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from('coffer/v1/manage-token'), Buffer.from(secret, 'base64url')]))
    .digest('base64url');
}

/** Every request of `context` as the server sees it: the URL without its fragment (which no
 * browser sends), every header and the body. */
class Sent {
  readonly requests: string[] = [];
  private readonly pending: Promise<void>[] = [];

  constructor(context: BrowserContext) {
    context.on('request', (request: Request) => {
      this.pending.push(
        request.allHeaders().then((headers) => {
          const url = request.url().split('#')[0];
          this.requests.push(`${url}\n${JSON.stringify(headers)}\n${request.postData() ?? ''}`);
        }),
      );
    });
  }

  async all(): Promise<string[]> {
    await Promise.all(this.pending);
    return this.requests;
  }

  /** Asserts that no request holds any encoding of `b64u`, plain or URL-encoded. */
  async expectNone(b64u: string): Promise<void> {
    const requests = await this.all();
    expect(requests.length).toBeGreaterThan(0);
    for (const form of encodings(b64u)) {
      for (const text of [form, encodeURIComponent(form)]) {
        for (const request of requests) expect(request).not.toContain(text);
      }
    }
  }
}

test('a share key pasted into a management link never reaches the server', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'pasted where it should not be', views: 2 });
  const creator = new URL(share.manageLink).hash.slice(1);
  expect(creator).not.toBe(share.key);

  const visitor = await freshPage(browser);
  const sent = new Sent(visitor.context);
  const manage = new ManagePage(visitor.page);
  await manage.goto(`/m/${share.id}#${share.key}`);
  // Its hash is no token of the share: the page finds nothing, and says why an old link fails.
  await expect(manage.gone).toBeVisible();
  await expect(visitor.page.getByTestId('share-gone-note')).toContainText('made before this version');
  for (const [name, size] of [
    ['desktop', { width: 1280, height: 800 }],
    ['mobile', { width: 390, height: 844 }],
  ] as const) {
    await visitor.page.setViewportSize(size);
    await visitor.page.screenshot({ path: `test-results/manage-old-link-${name}.png`, fullPage: true });
  }
  await sent.expectNone(share.key);
  const asked = (await sent.all()).filter((request) => request.includes(`/api/v1/shares/${share.id}/status`));
  expect(asked.length).toBe(1);
  expect(asked[0]).toContain(manageToken(share.key));
  await visitor.context.close();

  // The share is untouched: its reader still sees both views.
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await expect(reveal.status).toContainText('Can be viewed 2 more times');
  await reader.context.close();
});

test('the management link sends only the hash of its secret, when created and when used', async ({
  browser,
}) => {
  const author = await freshPage(browser);
  const created = new Sent(author.context);
  const share = await new CreatePage(author.page).create({ text: 'manage me', views: 3 });
  const secret = new URL(share.manageLink).hash.slice(1);
  await created.expectNone(secret);
  const creates = (await created.all()).filter((request) => request.includes('"manage_token"'));
  expect(creates.length).toBe(1);
  expect(creates[0]).toContain(`"manage_token":"${manageToken(secret)}"`);
  await author.context.close();

  const owner = await freshPage(browser);
  const sent = new Sent(owner.context);
  const manage = new ManagePage(owner.page);
  await manage.goto(share.manageLink);
  await expect(manage.status).toContainText('Can be viewed 3 more times');
  for (const [name, size] of [
    ['desktop', { width: 1280, height: 800 }],
    ['mobile', { width: 390, height: 844 }],
  ] as const) {
    await owner.page.setViewportSize(size);
    await owner.page.screenshot({ path: `test-results/manage-${name}.png`, fullPage: true });
  }
  await manage.destroyButton.click();
  await expect(manage.destroyedNotice).toBeVisible();
  await sent.expectNone(secret);
  const destroys = (await sent.all()).filter((request) => request.includes('/destroy'));
  expect(destroys.length).toBe(1);
  expect(destroys[0]).toContain(manageToken(secret));
  await owner.context.close();
});
