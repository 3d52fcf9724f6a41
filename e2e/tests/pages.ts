// Page objects for Coffer's e2e specs: every selector is a data-testid.
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';

/** What the create form is filled with. */
export interface ShareOptions {
  text: string;
  password?: string;
  views?: number;
  /** The expiry option's label, e.g. "1 hour". */
  expiry?: string;
  blur?: boolean;
}

/** The links the create page hands out. */
export interface CreatedShare {
  link: string;
  manageLink: string;
  /** K: the share key in the link's fragment (base64url). */
  key: string;
  id: string;
}

/** A fresh browser context (no cookies, storage or cache shared with any other) and a page. */
export async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { context, page };
}

/** `/`: the create form and, after submitting, the links. */
export class CreatePage {
  readonly secret: Locator;
  readonly password: Locator;
  readonly expiry: Locator;
  readonly views: Locator;
  readonly blur: Locator;
  readonly createButton: Locator;
  readonly shareLink: Locator;
  readonly copyLink: Locator;
  readonly qr: Locator;
  readonly manageLink: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.secret = page.getByTestId('secret-input');
    this.password = page.getByTestId('password-input');
    this.expiry = page.getByTestId('expiry-select');
    this.views = page.getByTestId('views-input');
    this.blur = page.getByTestId('blur-checkbox');
    this.createButton = page.getByTestId('create-button');
    this.shareLink = page.getByTestId('share-link');
    this.copyLink = page.getByTestId('copy-link');
    this.qr = page.getByTestId('share-qr');
    this.manageLink = page.getByTestId('manage-link');
    this.error = page.getByTestId('create-error');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.secret).toBeVisible();
  }

  async fill(options: ShareOptions): Promise<void> {
    await this.secret.fill(options.text);
    if (options.password !== undefined) await this.password.fill(options.password);
    if (options.expiry !== undefined) await this.expiry.selectOption({ label: options.expiry });
    if (options.views !== undefined) await this.views.fill(String(options.views));
    if (options.blur) await this.blur.check();
  }

  /** Fills the form, submits it and returns the links once they are shown. */
  async create(options: ShareOptions): Promise<CreatedShare> {
    await this.goto();
    await this.fill(options);
    await this.createButton.click();
    await expect(this.shareLink).toBeVisible({ timeout: 30_000 });
    const link = await this.shareLink.inputValue();
    const manageLink = await this.manageLink.inputValue();
    const url = new URL(link);
    return {
      link,
      manageLink,
      key: url.hash.slice(1),
      id: url.pathname.split('/').pop() ?? '',
    };
  }
}

/** `/s/:id#K`: the status, the password field, the Reveal button and the secret. */
export class RevealPage {
  readonly status: Locator;
  readonly password: Locator;
  readonly revealButton: Locator;
  readonly secretText: Locator;
  readonly copySecret: Locator;
  readonly lastViewNotice: Locator;
  readonly error: Locator;
  readonly gone: Locator;
  readonly kdfProgress: Locator;
  readonly attemptsLeft: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId('share-status');
    this.password = page.getByTestId('reveal-password');
    this.revealButton = page.getByTestId('reveal-button');
    this.secretText = page.getByTestId('secret-text');
    this.copySecret = page.getByTestId('copy-secret');
    this.lastViewNotice = page.getByTestId('last-view-notice');
    this.error = page.getByTestId('reveal-error');
    this.gone = page.getByTestId('share-gone');
    this.kdfProgress = page.getByTestId('kdf-progress');
    this.attemptsLeft = page.getByTestId('attempts-left');
  }

  /** Opens a link and waits until the status (or a "gone" or error message) is shown. */
  async goto(link: string): Promise<void> {
    await this.page.goto(link);
    await expect(this.status.or(this.gone).or(this.error)).toBeVisible();
  }

  /** Types the password (if any) and presses Reveal. */
  async reveal(password?: string): Promise<void> {
    if (password !== undefined) await this.password.fill(password);
    await this.revealButton.click();
  }

  /** The revealed text exactly as shown (textContent keeps spaces and newlines). */
  async secret(): Promise<string> {
    await expect(this.secretText).toBeVisible({ timeout: 30_000 });
    return (await this.secretText.textContent()) ?? '';
  }
}

/** `/m/:id#token`: the creator's status and Destroy button. */
export class ManagePage {
  readonly status: Locator;
  readonly destroyButton: Locator;
  readonly destroyedNotice: Locator;
  readonly gone: Locator;
  readonly facts: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId('manage-status');
    this.facts = page.getByTestId('manage-facts');
    this.destroyButton = page.getByTestId('destroy-button');
    this.destroyedNotice = page.getByTestId('destroyed-notice');
    this.gone = page.getByTestId('share-gone');
  }

  async goto(link: string): Promise<void> {
    await this.page.goto(link);
    await expect(this.status.or(this.gone)).toBeVisible();
  }
}
