// Helpers for the file specs: random files on disk, dropping files onto the page, and saving
// and hashing what the browser downloads.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Download, type Page } from '@playwright/test';

/** A file of `size` random bytes in a fresh temporary folder. */
export interface TestFile {
  path: string;
  name: string;
  bytes: Buffer;
  sha256: string;
}

export function randomFile(name: string, size: number): TestFile {
  const bytes = randomBytes(size);
  const path = join(mkdtempSync(join(tmpdir(), 'coffer-file-')), name);
  writeFileSync(path, bytes);
  return { path, name, bytes, sha256: sha256(bytes) };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Drops `file` onto the element with `testId`, as a user dragging it from a file manager. */
export async function dropFile(page: Page, testId: string, file: TestFile, mimeType: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ data, name, type }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type }));
      return dt;
    },
    { data: file.bytes.toString('base64'), name: file.name, type: mimeType },
  );
  await page.getByTestId(testId).dispatchEvent('dragover', { dataTransfer: transfer });
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer: transfer });
}

/** Clicks the download button of the revealed file and returns what the browser saved. */
export async function downloadShared(page: Page, index = 0): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByTestId('download-button').nth(index).click(),
  ]);
  const path = await download.path();
  expect(await download.failure()).toBeNull();
  return { download, bytes: readFileSync(path) };
}
