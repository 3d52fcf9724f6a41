// Link previews: chat apps and crawlers fetch a link with GET or HEAD. That must not spend a view.
import { test, expect } from '@playwright/test';
import { CreatePage, RevealPage, freshPage } from './pages';

const BOTS = [
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'WhatsApp/2.23.20.0 A',
  'Mozilla/5.0 (Windows NT 10.0; Microsoft Office/16.0; Microsoft Outlook 16.0.12026; Pro)',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

test('GET and HEAD by link-preview bots do not consume a view', async ({ page, browser, request }) => {
  const share = await new CreatePage(page).create({ text: 'preview-proof', views: 2 });
  const withoutFragment = share.link.split('#')[0];

  for (const userAgent of BOTS) {
    for (const url of [withoutFragment, share.link]) {
      const get = await request.get(url, { headers: { 'user-agent': userAgent } });
      expect(get.status(), `GET by ${userAgent}`).toBe(200);
      const head = await request.head(url, { headers: { 'user-agent': userAgent } });
      expect(head.status(), `HEAD by ${userAgent}`).toBe(200);
    }
  }

  const reader = await freshPage(browser);
  const reveal = new RevealPage(reader.page);
  await reveal.goto(share.link);
  await expect(reveal.status).toContainText('Can be viewed 2 more times');
  await reveal.reveal();
  expect(await reveal.secret()).toBe('preview-proof');
  await expect(reveal.status).toContainText('Can be viewed 1 more time');
  await reader.context.close();
});
