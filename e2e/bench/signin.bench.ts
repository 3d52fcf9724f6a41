// Sign-in and vault load in Chromium, default Argon2id parameters (64 MiB, t=3, p=4), release
// build. For each seeded account (COFFER_BENCH_ACCOUNTS: "email:records,..."), signs in RUNS
// times and prints, per run: passphrase submit -> code prompt (Argon2id in the worker, key
// derivation, proof, POST /signin), code submit -> vault shown with every record (session,
// unwrap, GET records, decrypt, render), and the app's own performance measures if present.
// The human step between the two (reading the mail) is not counted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';

const outbox = process.env.COFFER_OUTBOX ?? '';
const passphrase = process.env.COFFER_BENCH_PASSPHRASE ?? '';
const accounts = (process.env.COFFER_BENCH_ACCOUNTS ?? '').split(',').filter(Boolean);
const RUNS = Number(process.env.COFFER_BENCH_RUNS ?? 5);

function codesTo(email: string): string[] {
  return readdirSync(outbox)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => readFileSync(join(outbox, name), 'utf8'))
    .filter((raw) => raw.includes(email))
    .map((raw) => /Subject: Your Coffer sign-in code: (\d{8})/.exec(raw)?.[1])
    .filter((code): code is string => code !== undefined);
}

async function measures(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntriesByType('measure')
        .filter((entry) => entry.name.startsWith('coffer:'))
        .map((entry) => [entry.name, Math.round(entry.duration)]),
    ),
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const account of accounts) {
  const [email, records] = account.split(':');
  test(`sign in to ${email} (${records} records)`, async ({ browser }) => {
    const first: number[] = [];
    const second: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto('/signin');
      await page.getByTestId('signin-email').fill(email);
      await page.getByTestId('signin-passphrase').fill(passphrase);
      const known = codesTo(email).length;
      let start = performance.now();
      await page.getByTestId('signin-submit').click();
      await expect(page.getByTestId('signin-code')).toBeVisible({ timeout: 60_000 });
      first.push(performance.now() - start);
      await expect.poll(() => codesTo(email).length, { timeout: 15_000 }).toBeGreaterThan(known);
      await page.getByTestId('signin-code').fill(codesTo(email).at(-1) as string);
      start = performance.now();
      await page.getByTestId('signin-verify').click();
      if (Number(records) > 0) {
        await expect(page.getByTestId('vault-item')).toHaveCount(Number(records), { timeout: 120_000 });
      } else {
        await expect(page.getByTestId('vault-empty')).toBeVisible({ timeout: 60_000 });
      }
      second.push(performance.now() - start);
      console.log(
        `run ${run + 1}: submit->code prompt ${Math.round(first[run])} ms, code->vault shown ` +
          `${Math.round(second[run])} ms, app measures ${JSON.stringify(await measures(page))}`,
      );
      await context.close();
    }
    console.log(
      `== ${email}, ${records} records, median of ${RUNS}: submit->code prompt ${Math.round(median(first))} ms, ` +
        `code->vault shown ${Math.round(median(second))} ms, sum ${Math.round(median(first) + median(second))} ms`,
    );
  });
}
