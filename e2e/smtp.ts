// Where the end-to-end SMTP server (aiosmtpd on loopback) listens and keeps what it receives;
// shared by playwright.config.ts, which starts it, and tests/mail.ts, which reads the mail.
export const smtpPort = 18025;
export const maildir = '/tmp/coffer-e2e-maildir';
