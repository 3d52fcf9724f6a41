// Accessibility and layout checks any spec can run on the page it has open: axe-core (the same
// engine as the browsers' accessibility audits) with the WCAG 2.1 A and AA rules and its best
// practices, and "nothing wider than the viewport" (a page that pans sideways on a phone).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';

const AXE_SOURCE = readFileSync(join(__dirname, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** One axe violation, short enough to read in a failure message. */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core on `page` and fails with every violation listed, `label` naming the state. */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const injected = await page.evaluate(() => 'axe' in window);
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy (rightly) refuses
  // an injected <script>, and the test must not weaken it.
  if (!injected) await page.evaluate(AXE_SOURCE);
  const violations: Violation[] = await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const axe = (window as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      targets: v.nodes.slice(0, 5).map((n: any) => `${n.target.join(' ')} :: ${n.failureSummary ?? ''}`),
    }));
  });
  expect(violations, `axe violations on ${label}:\n${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

/** Fails when the page is wider than the viewport (it would pan sideways); names the first
 *  element reaching past the right edge to say why. */
export async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  const { scrollWidth, viewport, widest } = await page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    let widest = '';
    for (const element of Array.from(document.querySelectorAll('body *'))) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.right > viewport + 0.5 && getComputedStyle(element).position !== 'fixed') {
        widest = `${element.tagName.toLowerCase()}.${(element as HTMLElement).className} right=${Math.round(box.right)}`;
        break;
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, viewport, widest };
  });
  expect(scrollWidth, `${label}: page ${scrollWidth}px wide in a ${viewport}px viewport (${widest})`).toBeLessThanOrEqual(viewport);
}

/** Both checks, in light and dark mode. */
export async function checkPage(page: Page, label: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    // Reduced motion turns the app's colour transitions off: axe must see the settled colours.
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    await expectNoAxeViolations(page, `${label} (${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: null, reducedMotion: null });
  await expectNoSidewaysScroll(page, label);
}
