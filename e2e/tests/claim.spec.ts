// What a claim's answer means: only `not_found` is "gone", and a claimed envelope that does not
// open ends the page (pressing Reveal again would only use more views).
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';

test('a claimed envelope that does not open is final and says how many views remain', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'never shown', views: 3 });
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  let claims = 0;
  await reader.page.route('**/api/v1/shares/*/claim', (route) => {
    claims += 1;
    return route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ envelope: 'Q09GUgEBAA', views_left: 2 }),
    });
  });
  await reveal.reveal();
  await expect(reveal.error).toHaveText(
    'The secret could not be decrypted. The link may be damaged or the share was altered. ' +
      '2 views remain, but this link cannot open them.',
  );
  await expect(reveal.revealButton).toHaveCount(0);
  await expect(reveal.secretText).toHaveCount(0);
  expect(claims).toBe(1);
  await reader.context.close();
});

test('a 404 that is not `not_found` is an error, not a gone share', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'still here' });
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  const noSuchEndpoint = {
    status: 404,
    contentType: 'application/json',
    body: JSON.stringify({ code: 'no_such_endpoint', message: 'There is no such API endpoint.' }),
  };

  await reader.page.route('**/api/v1/shares/*/status', (route) => route.fulfill(noSuchEndpoint));
  await reveal.goto(share.link);
  await expect(reveal.error).toHaveText('There is no such API endpoint.');
  await expect(reveal.gone).toHaveCount(0);

  await reader.page.unroute('**/api/v1/shares/*/status');
  await reader.page.route('**/api/v1/shares/*/claim', (route) => route.fulfill(noSuchEndpoint));
  await reader.page.getByRole('button', { name: 'Try again' }).click();
  await expect(reveal.status).toContainText('Can be viewed 1 more time');
  await reveal.reveal();
  await expect(reveal.error).toHaveText('There is no such API endpoint.');
  await expect(reveal.gone).toHaveCount(0);
  await expect(reveal.revealButton).toBeEnabled();
  await reader.context.close();
});
