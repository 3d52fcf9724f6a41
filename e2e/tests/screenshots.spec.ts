// Screenshots of every page at desktop and phone widths, into /tmp/coffer-shots/ (for people
// to look at; the assertions only check each page is in the state the picture claims).
import { test, expect } from '@playwright/test';
import { CreatePage, ManagePage, RevealPage, freshPage } from './pages';

const DIR = process.env.COFFER_SHOTS ?? '/tmp/coffer-shots';
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

for (const size of SIZES) {
  test(`screenshots at ${size.name} width`, async ({ browser }) => {
    const shot = (page: import('@playwright/test').Page, name: string) =>
      page.screenshot({ path: `${DIR}/${name}-${size.name}.png`, fullPage: true });
    const viewport = { width: size.width, height: size.height };

    const creator = await browser.newContext({ viewport });
    const create = new CreatePage(await creator.newPage());
    await create.goto();
    await create.fill({ text: 'postgres://admin:s3cr3t@db.internal:5432/prod\nAPI_KEY=sk_live_51H…', password: 'hunter2', views: 1, blur: true });
    await shot(create.page, '1-create-filled');
    await create.createButton.click();
    // Best effort: the worker may finish before the picture is taken.
    await expect(create.page.getByTestId('kdf-progress')).toBeVisible();
    await shot(create.page, '1b-create-strengthening');
    await expect(create.qr).toBeVisible({ timeout: 30_000 });
    await shot(create.page, '2-create-result');
    const link = await create.shareLink.inputValue();
    const manageLink = await create.manageLink.inputValue();

    const reader = await freshPage(browser);
    await reader.page.setViewportSize(viewport);
    const reveal = new RevealPage(reader.page);
    await reveal.goto(link);
    await expect(reveal.password).toBeVisible();
    await shot(reveal.page, '3-reveal-status');
    await reveal.reveal('not the password');
    await expect(reveal.error).toContainText('Wrong password', { timeout: 30_000 });
    await shot(reveal.page, '3b-wrong-password');
    await reveal.page.reload();
    await expect(reveal.attemptsLeft).toBeVisible();
    await shot(reveal.page, '3c-attempts-left');
    await reveal.reveal('hunter2');
    await expect(reveal.secretText).toBeVisible({ timeout: 30_000 });
    await shot(reveal.page, '4-revealed-blurred');
    await reveal.secretText.click();
    await shot(reveal.page, '5-revealed');

    await reveal.page.reload();
    await expect(reveal.gone).toBeVisible();
    await shot(reveal.page, '6-gone');

    const second = await new CreatePage(create.page).create({ text: 'to manage', views: 5 });
    const owner = new ManagePage(create.page);
    await owner.goto(second.manageLink);
    await shot(owner.page, '7-manage');
    await owner.destroyButton.click();
    await expect(owner.destroyedNotice).toBeVisible();
    await shot(owner.page, '8-destroyed');
    expect(manageLink).toContain('/m/');

    await creator.close();
    await reader.context.close();
  });
}
