// Burn after reading: a one-view secret is gone after it is revealed once.
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';

test('a one-view secret is gone for the next visitor', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'burn me', views: 1 });

  const first = await freshPage(browser);
  const reveal = new RevealPage(first.page);
  await reveal.goto(share.link);
  await expect(reveal.status).toContainText('Can be viewed 1 more time');
  await reveal.reveal();
  expect(await reveal.secret()).toBe('burn me');
  await expect(reveal.lastViewNotice).toContainText('That was the last view');
  await first.context.close();

  const second = await freshPage(browser);
  const again = new RevealPage(second.page);
  await again.goto(share.link);
  await expect(again.gone).toContainText('does not exist, has expired, or was already viewed');
  await expect(again.revealButton).toHaveCount(0);
  await second.context.close();
});
