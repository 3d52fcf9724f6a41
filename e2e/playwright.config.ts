// Coffer end-to-end tests: Playwright driving Debian's Chromium (/usr/bin/chromium).
// Never run `npx playwright install` (it downloads a browser). `bash scripts/test.sh`
// builds dist/ and the server first. With COFFER_URL set, tests run against that
// server instead of starting one.
import { defineConfig } from '@playwright/test';
import { maildir, smtpPort } from './smtp';

const external = process.env.COFFER_URL;
// COFFER_E2E_PORT overrides the server's port (to run beside another suite).
const port = Number(process.env.COFFER_E2E_PORT ?? 18080);
const placesDb = 'node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb';
// A real SMTP server on loopback (aiosmtpd, installed by scripts/setup.sh) stores every message
// in a maildir that tests read (tests/mail.ts).

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 1 : 2,
  reporter: [['list']],
  use: {
    baseURL: external ?? `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
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
  // The SMTP server, then the real server on a fresh data dir sending mail to it, rate limits
  // off (tests create many secrets and sign in many times), version-1 sign-ups allowed.
  webServer: external
    ? undefined
    : [
        {
          command:
            `rm -rf ${maildir} && exec python3 -m aiosmtpd -n` +
            ` -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${maildir}`,
          port: smtpPort,
          reuseExistingServer: false,
          timeout: 30_000,
          stdout: 'ignore',
          stderr: 'pipe',
        },
        {
          command:
            'D="$(mktemp -d -t coffer-e2e.XXXXXX)" && exec ../target/release/coffer-server' +
            ` --listen 127.0.0.1:${port} --data-dir "$D" --static-dir ../dist` +
            ` --smtp-url smtp+plain://127.0.0.1:${smtpPort}` +
            ' --rate-limit-create 0 --rate-limit-claim 0 --rate-limit-auth 0 --rate-limit-upload 0 --rate-limit-chunk 0' +
            // Lets account-kdf-migration.spec.ts make a version-1 account as an old browser did.
            ' --test-accept-v1-kdf' +
            // Places from a real MMDB file (CC BY 4.0 data by the NRO, via ip-location-db), and
            // loopback as a trusted proxy so tests can play clients elsewhere with X-Forwarded-For.
            ` --geoip-db ${placesDb} --trusted-proxy 127.0.0.1/32`,
          url: `http://127.0.0.1:${port}/`,
          reuseExistingServer: !process.env.CI,
          timeout: 30_000,
          stdout: 'ignore', // request logs; set to 'pipe' when debugging
          stderr: 'pipe',
        },
      ],
});
