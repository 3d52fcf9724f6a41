// The management link destroys a share early; its link then shows "gone".
import { test, expect } from '@playwright/test';
import { CreatePage, ManagePage, RevealPage, freshPage } from './pages';

test('the management link destroys the share and the share link then shows it gone', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'destroy me', views: 3 });

  const owner = await freshPage(browser);
  const manage = new ManagePage(owner.page);
  await manage.goto(share.manageLink);
  await expect(manage.status).toContainText('Can be viewed 3 more times');
  await expect(manage.facts).toHaveText('No password: the link alone opens it.');
  await manage.destroyButton.click();
  await expect(manage.destroyedNotice).toBeVisible();
  await owner.context.close();

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await expect(reveal.gone).toBeVisible();
  await reader.context.close();
});

test('the management page says whether a password protects the share', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'guarded', password: 'pw 3' });
  const owner = await freshPage(browser);
  const manage = new ManagePage(owner.page);
  await manage.goto(share.manageLink);
  await expect(manage.facts).toContainText('Protected by a password.');
  await expect(manage.facts).toContainText('5 wrong password attempts left before the secret is destroyed.');
  await owner.context.close();
});

test('a header the browser cannot read is not called "no password"', async ({ page }) => {
  await page.route('**/api/v1/shares/*/status', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        header: 'AAAA',
        expires_at: Math.floor(Date.now() / 1000) + 3600,
        views_left: 1,
        max_views: 1,
        wrong_claims_left: 5,
      }),
    }),
  );
  const manage = new ManagePage(page);
  await manage.goto(`/m/AAAAAAAAAAAAAAAAAAAAAA#${'A'.repeat(43)}`);
  await expect(manage.facts).toContainText('Whether it needs a password is unknown');
  await expect(manage.facts).not.toContainText('No password');
});
