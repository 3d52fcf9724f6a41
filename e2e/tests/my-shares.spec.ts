// "My shares": a share made while signed in, with a read receipt, is opened by someone else;
// the owner gets a mail that says so (and nothing of the secret), sees the view counted, and
// destroys the share from the list without its management link.
import { test, expect } from '@playwright/test';
import { freshEmail, signUp } from './accounts';
import { mailCount, waitForMail } from './mail';
import { CreatePage, RevealPage, freshPage } from './pages';

test('a signed-in share is listed, its opening is mailed, and its owner can destroy it', async ({ browser }) => {
  const email = freshEmail('owner');
  const { context, page } = await freshPage(browser);
  await signUp(page, email, 'velvet lantern orbit quartz canyon');

  const create = new CreatePage(page);
  // In-app navigation keeps the vault unlocked (a page load would ask for the passphrase).
  await page.locator('a.brand').click();
  await expect(create.secret).toBeVisible();
  await page.getByTestId('read-receipt').check();
  await create.fill({ text: 'the launch code is 0000', views: 2 });
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 30_000 });
  const link = await create.shareLink.inputValue();
  const id = new URL(link).pathname.split('/').pop() as string;

  const before = mailCount();
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('the launch code is 0000');
  const receipt = await waitForMail(email, /was opened/, before);
  expect(receipt.body).toContain('1 more time');
  expect(receipt.body).not.toContain('launch code');
  expect(receipt.body).not.toContain(new URL(link).hash.slice(1));

  await page.getByTestId('nav-shares').click();
  const row = page.locator(`[data-testid="my-share-row"][data-id="${id}"]`);
  await expect(row).toHaveAttribute('data-state', 'active');
  await expect(row.getByTestId('my-share-views')).toHaveText('1 of 2 views');
  await expect(row.getByTestId('my-share-receipt')).toBeVisible();
  await row.getByTestId('my-share-destroy').click();
  await row.getByTestId('my-share-destroy-confirm').click();
  await expect(row).toHaveAttribute('data-state', 'destroyed');

  const late = await freshPage(browser);
  await late.page.goto(link);
  await expect(late.page.getByTestId('share-gone')).toBeVisible();
  for (const c of [context, reader.context, late.context]) await c.close();
});
