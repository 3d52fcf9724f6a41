// Benchmarks in Chromium (not tests): run by scripts/bench.sh against a release server it
// starts itself (COFFER_URL), with accounts seeded by backend/examples/seed_vault.rs.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './bench',
  // Apart from the e2e suite's folder, so a bench run never clears its failure traces.
  outputDir: '/tmp/coffer-bench-results',
  testMatch: '**/*.bench.ts',
  timeout: 300_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.COFFER_URL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
