// "Blur until clicked": the revealed text stays blurred until the reader clicks it.
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';

test('a blurred secret keeps the blur class until it is clicked', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'shoulder-surf-proof', blur: true });

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('shoulder-surf-proof');
  await expect(reveal.secretText).toHaveClass(/\bblur\b/);
  await reveal.secretText.click();
  await expect(reveal.secretText).not.toHaveClass(/\bblur\b/);
  await reader.context.close();
});

test('a secret without blur is shown at once', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'plain' });
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await reveal.reveal();
  expect(await reveal.secret()).toBe('plain');
  await expect(reveal.secretText).not.toHaveClass(/\bblur\b/);
  await reader.context.close();
});
