// Every page, signed out and signed in, at phone (390 × 844) and desktop (1280 × 800) sizes:
// axe-core finds no violation in light or dark mode, and no page is wider than the viewport.
import { test, expect, type Page } from '@playwright/test';
import { checkPage } from './a11y';
import { addRecord, freshEmail, signUp } from './accounts';
import { CreatePage, ManagePage, RevealPage } from './pages';

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
];

for (const size of SIZES) {
  test(`signed-out pages pass axe and fit a ${size.name}`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    const page = await context.newPage();
    const at = (name: string) => `${name} at ${size.name} size`;

    const create = new CreatePage(page);
    await create.goto();
    await checkPage(page, at('create'));
    await create.fill({ text: 'an accessible secret', password: 'pw', views: 2 });
    await checkPage(page, at('create, filled'));
    const share = await create.create({ text: 'an accessible secret', views: 2 });
    await checkPage(page, at('created'));

    const reveal = new RevealPage(page);
    await reveal.goto(share.link);
    await checkPage(page, at('reveal, before'));
    await reveal.reveal();
    await expect(reveal.secretText).toBeVisible({ timeout: 30_000 });
    await checkPage(page, at('reveal, after'));

    const manage = new ManagePage(page);
    await manage.goto(share.manageLink);
    await checkPage(page, at('manage'));

    await page.goto('/s/AAAAAAAAAAAAAAAAAAAAAA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await expect(reveal.gone).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('This secret is not available');
    await checkPage(page, at('not available'));

    for (const path of ['/signin', '/signup', '/no-such-page', '/about', '/session/end#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await checkPage(page, at(path));
    }
    await context.close();
  });

  test(`signed-in pages pass axe and fit a ${size.name}`, async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    const page = await context.newPage();
    const at = (name: string) => `${name} at ${size.name} size`;
    await signUp(page, freshEmail('a11y'), 'harbor quartz meadow tundra lantern');
    await checkPage(page, at('empty vault'));
    await addRecord(page, 'login', { name: 'Bank', username: 'alice', password: 'pw-1-Xy!9' });
    await checkPage(page, at('a login'));
    await page.getByTestId('nav-vault').click();
    await page.getByTestId('vault-new').click();
    await page.getByTestId('new-card').click();
    await checkPage(page, at('new card form'));
    for (const [nav, ready] of [
      ['nav-vault', 'vault-page'],
      ['nav-shares', 'my-shares'],
      ['nav-new-share', 'create-button'],
      ['nav-activity', 'activity-list'],
      ['nav-account', 'account-page'],
    ]) {
      await openNav(page, nav);
      await expect(page.getByTestId(ready)).toBeVisible({ timeout: 30_000 });
      await checkPage(page, at(nav));
    }
    await page.getByTestId('nav-lock').click();
    await expect(page.getByTestId('unlock-form')).toBeVisible();
    await checkPage(page, at('locked'));
    await context.close();
  });
}

/** Clicks a navigation link: in the sidebar on wide screens, in the bar on phones. */
async function openNav(page: Page, testId: string): Promise<void> {
  await page.getByTestId(testId).click();
  await expect(page.getByTestId(testId)).toHaveAttribute('aria-current', 'page');
}
