// Where the end-to-end SMTP server (aiosmtpd on loopback) listens and keeps what it receives;
// shared by playwright.config.ts, which starts it, and tests/mail.ts, which reads the mail.
// COFFER_E2E_SMTP_PORT and COFFER_E2E_MAILDIR override them (to run beside another suite).
export const smtpPort = Number(process.env.COFFER_E2E_SMTP_PORT ?? 18025);
export const maildir = process.env.COFFER_E2E_MAILDIR ?? '/tmp/coffer-e2e-maildir';
