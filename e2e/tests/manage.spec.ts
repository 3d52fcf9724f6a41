// The management link destroys a share early; its link then shows "gone".
import { test, expect } from '@playwright/test';
import { CreatePage, ManagePage, RevealPage, freshPage } from './pages';

test('the management link destroys the share and the share link then shows it gone', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'destroy me', views: 3 });

  const owner = await freshPage(browser);
  const manage = new ManagePage(owner.page);
  await manage.goto(share.manageLink);
  await expect(manage.status).toContainText('Can be viewed 3 more times');
  await manage.destroyButton.click();
  await expect(manage.destroyedNotice).toBeVisible();
  await owner.context.close();

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await expect(reveal.gone).toBeVisible();
  await reader.context.close();
});
