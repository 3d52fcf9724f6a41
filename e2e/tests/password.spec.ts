// A password share: a wrong password costs an attempt and says how many are left (also to a
// reader who comes back later); the right one reveals. Argon2id runs in the password worker.
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';

test('a wrong password shows the attempts left, then the right password reveals', async ({ page, browser }) => {
  const create = new CreatePage(page);
  await create.goto();
  await create.fill({ text: 'the vault combination is 12-34-56', password: 'correct horse battery staple' });
  const workerLoaded = page.waitForRequest(/\/kdf-worker_bg\.wasm$/);
  await create.createButton.click();
  await expect(create.page.getByTestId('kdf-progress')).toBeVisible();
  await workerLoaded;
  await expect(create.shareLink).toBeVisible({ timeout: 30_000 });
  const link = await create.shareLink.inputValue();

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(link);
  await expect(reveal.password).toBeVisible();
  await expect(reveal.attemptsLeft).toHaveCount(0);

  await reveal.reveal('wrong horse');
  await expect(reveal.kdfProgress).toBeVisible();
  await expect(reveal.error).toHaveText(
    'Wrong password. 4 attempts left before the secret is destroyed.',
    { timeout: 30_000 },
  );
  await expect(reveal.password).toHaveValue('');
  await expect(reveal.secretText).toHaveCount(0);

  // A reader who comes back sees what the wrong password cost.
  await reveal.page.reload();
  await expect(reveal.attemptsLeft).toHaveText('4 password attempts left');

  await reveal.reveal('correct horse battery staple');
  expect(await reveal.secret()).toBe('the vault combination is 12-34-56');
  await reader.context.close();
});

test('an empty password is refused before anything is sent', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'x', password: 'pw' });
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  let claims = 0;
  reader.page.on('request', (request) => {
    if (request.url().endsWith('/claim')) claims += 1;
  });
  await reveal.reveal();
  await expect(reveal.error).toContainText('Enter the password');
  expect(claims).toBe(0);
  await reader.context.close();
});

test('the password field is emptied after a claim that failed on the way', async ({ page, browser }) => {
  const share = await new CreatePage(page).create({ text: 'y', password: 'pw 2' });
  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await reader.page.route('**/api/v1/shares/*/claim', (route) => route.abort('internetdisconnected'));
  await reveal.reveal('pw 2');
  await expect(reveal.error).toHaveText('Could not reach the server. Check your connection and try again.', {
    timeout: 30_000,
  });
  await expect(reveal.password).toHaveValue('');
  await expect(reveal.revealButton).toBeEnabled();
  await reader.context.close();
});
