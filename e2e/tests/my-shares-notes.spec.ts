// "My shares" names each share and gives its link again: the label and the link are sealed in
// the creator's browser with the vault key, so the server never sees either. Ended shares say
// how they ended and offer no link; filters and a search narrow the list.
import { test, expect, Page } from '@playwright/test';
import { freshEmail, signUp } from './accounts';
import { CreatePage, RevealPage, freshPage } from './pages';
import { expectNoAxeViolations } from './a11y';

/** Creates a share from the in-app create page (the vault stays unlocked) and returns its link. */
async function share(page: Page, label: string, text: string, password?: string, file?: string): Promise<string> {
  await page.getByTestId('nav-new-share').click();
  const create = new CreatePage(page);
  await expect(create.secret).toBeVisible();
  await page.getByTestId('share-label').fill(label);
  await create.fill({ text, password });
  if (file) {
    await page.getByTestId('file-input').setInputFiles({ name: file, mimeType: 'text/plain', buffer: Buffer.from('hello') });
  }
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('created-kept')).toContainText('My shares');
  return create.shareLink.inputValue();
}

const idOf = (link: string) => new URL(link).pathname.split('/').pop() as string;

test('labels and links come back in My shares, sealed from the server, and ended shares offer none', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const { context, page } = await freshPage(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const sent: string[] = [];
  page.on('request', (request) => sent.push(request.postData() ?? ''));
  await signUp(page, freshEmail('labels'), 'amber falcon glacier tunnel violet');

  const wifi = await share(page, 'Wi-Fi for Sam', 'router: hunter2-hunter2');
  const door = await share(page, 'Door code', '4711', 'a password for the door');
  const notes = await share(page, 'Meeting notes', '', undefined, 'notes.txt');
  for (const secret of ['Wi-Fi for Sam', 'Door code', new URL(wifi).hash.slice(1)]) {
    expect(sent.some((body) => body.includes(secret)), secret).toBe(false);
  }

  await page.getByTestId('nav-shares').click();
  const row = (link: string) => page.locator(`[data-testid="my-share-row"][data-id="${idOf(link)}"]`);
  await expect(row(wifi).getByTestId('my-share-label')).toHaveText('Wi-Fi for Sam');
  await expect(row(wifi).getByTestId('my-share-kind')).toHaveText('Text');
  await expect(row(wifi).getByTestId('my-share-password')).toHaveCount(0);
  await expect(row(door).getByTestId('my-share-password')).toHaveText('Password');
  await expect(row(notes).getByTestId('my-share-kind')).toHaveText('1 file');
  await expect(row(wifi).getByTestId('my-share-standing')).toContainText('Expires');

  // Copy link again: the very link the create page gave, and its QR code.
  await row(wifi).getByTestId('my-share-copy').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(wifi);
  await row(wifi).getByTestId('my-share-qr-toggle').click();
  await expect(row(wifi).getByTestId('my-share-qr').locator('svg')).toBeVisible();
  await expectNoAxeViolations(page, 'My shares with a QR code');

  // The reader opens the copied link: the one view is used, the share has ended.
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(wifi);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('router: hunter2-hunter2');
  await reader.context.close();

  await page.getByTestId('nav-vault').click();
  await page.getByTestId('nav-shares').click();
  await expect(row(wifi)).toHaveAttribute('data-state', 'used_up');
  await expect(row(wifi).getByTestId('my-share-label')).toHaveText('Wi-Fi for Sam');
  await expect(row(wifi).getByTestId('my-share-standing')).toHaveText('Used up: opened once');
  await expect(row(wifi).getByTestId('my-share-copy')).toHaveCount(0);
  await expect(row(wifi)).not.toContainText('Expires');

  // Filters and search.
  await expect(page.getByTestId('my-shares-filter-active')).toContainText('2');
  await page.getByTestId('my-shares-filter-ended').click();
  await expect(page.getByTestId('my-share-row')).toHaveCount(1);
  await expect(row(wifi)).toBeVisible();
  await page.getByTestId('my-shares-filter-active').click();
  await expect(page.getByTestId('my-share-row')).toHaveCount(2);
  await expect(row(wifi)).toHaveCount(0);
  await page.getByTestId('my-shares-filter-all').click();
  await page.getByTestId('my-shares-search').fill('door');
  await expect(page.getByTestId('my-share-row')).toHaveCount(1);
  await page.getByTestId('my-shares-search').fill('nothing like it');
  await expect(page.getByTestId('my-shares-no-match')).toBeVisible();

  // Activity names shares by their label too.
  await page.getByTestId('nav-activity').click();
  await expect(page.getByTestId('activity-title').filter({ hasText: 'Share \u201cWi-Fi for Sam\u201d created' })).toHaveCount(1, {
    timeout: 30_000,
  });
  await context.close();
});
