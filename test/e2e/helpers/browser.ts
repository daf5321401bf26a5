import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing reaching the network on its own. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const screenshotDir = path.resolve(import.meta.dirname, '../../../test-artifacts/screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

export interface AxeProblem {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** axe-core on the page as it is: the serious and critical violations, in words. */
export async function seriousA11yViolations(page: Page): Promise<AxeProblem[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map(
        (n) => `${n.target.join(' ')} — ${(n.failureSummary ?? '').split('\n').slice(1).join(' ').trim()}`,
      ),
    }));
}

/** Errors the page logged (CSP violations, React errors): a clean UI logs none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/**
 * The bodies of the API replies the page receives (JSON and error replies; not the event stream, which
 * never ends, nor thumbnails), to check that no secret ever comes back to the browser.
 */
export function collectApiReplies(page: Page): { bodies(): Promise<string[]> } {
  const pending: Promise<string>[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/') || url.pathname.startsWith('/api/events/stream')) return;
    if (url.pathname === '/api/thumbnail') return;
    pending.push(
      response.text().then(
        (body) => `${response.request().method()} ${url.pathname} ${response.status()} ${body}`,
        () => '',
      ),
    );
  });
  return { bodies: () => Promise.all(pending) };
}

/** How the tests move around the console: to a view by its hash (waiting for its heading), and clicks. */
export function consoleActions(page: () => Page) {
  return {
    go: async (hash: string, heading: string) => {
      await page().evaluate((target) => (window.location.hash = target), hash);
      await page().getByRole('heading', { level: 2, name: heading }).waitFor();
    },
    click: (name: string | RegExp) =>
      page()
        .getByRole('button', { name, exact: typeof name === 'string' })
        .click(),
  };
}
