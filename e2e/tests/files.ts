// Helpers for the file specs: random files on disk, dropping files onto the page, and saving
// and hashing what the browser downloads.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deflateSync } from 'node:zlib';
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

/** A `width` x `height` PNG of one colour, made here (no image library needed). */
export function pngFile(name: string, width: number, height: number, rgb: [number, number, number]): TestFile {
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => rgb[i % 3])]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  const path = join(mkdtempSync(join(tmpdir(), 'coffer-file-')), name);
  writeFileSync(path, bytes);
  return { path, name, bytes, sha256: sha256(bytes) };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
