// Messages say what happened and what to do, next to the field they are about: a wrong
// passphrase or code at sign-in, a secret too long for a text share (with "Send it as a file"),
// and an upload that names each file once and logs no failed request.
import { test, expect, type Page } from '@playwright/test';
import { freshEmail, signUp, startSignIn } from './accounts';
import { CreatePage } from './pages';
import { randomFile } from './files';

/** The error sits between the field it is about and the button that retries. */
async function expectBetween(page: Page, field: string, error: string, button: string) {
  const [f, e, b] = await Promise.all([field, error, button].map((id) => page.getByTestId(id).boundingBox()));
  expect(e!.y).toBeGreaterThan(f!.y);
  expect(e!.y).toBeLessThan(b!.y);
}

test('sign-in errors are in plain words beside their field', async ({ page }) => {
  const email = freshEmail('words');
  const passphrase = 'lantern quartz meadow harbor tundra';
  await signUp(page, email, passphrase);
  await page.getByTestId('nav-signout').click();

  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-passphrase').fill('not the passphrase at all');
  await page.getByTestId('signin-submit').click();
  const error = page.getByTestId('signin-error');
  await expect(error).toHaveText('Wrong e-mail address or passphrase.', { timeout: 30_000 });
  await expectBetween(page, 'signin-passphrase', 'signin-error', 'signin-submit');

  await startSignIn(page, email, passphrase);
  await page.getByTestId('signin-code').fill('00000000');
  await page.getByTestId('signin-verify').click();
  await expect(error).toHaveText('That code is not right. Check it and type it again: 4 tries left.');
  await expect(page.getByTestId('signin-code')).toHaveAttribute('aria-invalid', 'true');
  await expectBetween(page, 'signin-code', 'signin-error', 'signin-verify');
  await expect(page.getByText(/server refused|wrong_code/)).toHaveCount(0);
});

test('a secret too long for a text share can be sent as a file', async ({ page }) => {
  const create = new CreatePage(page);
  await create.goto();
  await create.secret.fill('x'.repeat(1_100_000));
  await create.createButton.click();
  const error = page.getByTestId('create-error');
  await expect(error).toContainText('too long for a text share', { timeout: 30_000 });
  await expect(error).toContainText('this server takes up to 1 MiB');
  await page.getByTestId('send-as-file').click();
  await expect(create.secret).toHaveValue('');
  await expect(page.getByTestId('chosen-files')).toContainText('secret.txt');
  await create.createButton.click();
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
});

test('an upload names each file once, says what it is doing and logs no failed request', async ({ page }) => {
  const failures: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
  });
  // Holds each chunk a moment so the page can be seen mid-upload.
  await page.route('**/api/v1/uploads/*/chunks/*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  const create = new CreatePage(page);
  await create.goto();
  const file = randomFile('quarterly-report.pdf', 300_000);
  await page.getByTestId('file-input').setInputFiles(file.path);
  await expect(page.getByText('quarterly-report.pdf')).toHaveCount(1);
  await create.createButton.click();
  await expect(create.createButton).toHaveText('Uploading…');
  await expect(page.getByText('quarterly-report.pdf', { exact: false }).filter({ visible: true })).toHaveCount(1);
  await expect(create.shareLink).toBeVisible({ timeout: 60_000 });
  expect(failures).toEqual([]);
});
