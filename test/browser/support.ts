// The browser tests' stage: a fresh sandbox server tree with whm2fa installed, the
// cpsrvd stand-in on a free port, and Debian's headless Chromium driven by playwright-core.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';
import { makeServer, TOP, type Server, type TreeOptions } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';
// @ts-expect-error: plain JavaScript module
import { CHROMIUM_OPTIONS } from '../../scripts/browser.mjs';
// @ts-expect-error: plain JavaScript module of the local WHM
import { startCpsrvd } from '../../scripts/sandbox/cpsrvd.mjs';

export const SHOTS = join(TOP, 'test-results', 'screenshots');

export interface Stage {
  server: Server;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function openStage(options: TreeOptions = {}): Promise<Stage> {
  const server = makeServer(options);
  const stand = await (
    startCpsrvd as (o: { root: string; port: number }) => Promise<{ url: string; close: () => Promise<void> }>
  )({ root: server.root, port: 0 });
  const browser = await chromium.launch(CHROMIUM_OPTIONS as LaunchOptions);
  mkdirSync(SHOTS, { recursive: true });
  return {
    server,
    url: stand.url,
    browser,
    async close() {
      await browser.close();
      await stand.close();
      server.cleanup();
    },
  };
}

export async function login(page: Page, url: string, user: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill('whm2fa-demo');
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** From WHM's home, through the Plugins menu, to the plugin page. */
/**
 * A new page (in `options.context`, or a new one of the given size) logged in as `user`,
 * with the security code of `options.secret` when 2FA asks for one, on whm2fa's page.
 * `clock` installs Playwright's clock first, for tests that move time.
 */
export async function openAs(
  stage: Stage,
  user: string,
  options: { secret?: string; context?: BrowserContext; clock?: boolean; height?: number } = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const context =
    options.context ?? (await stage.browser.newContext({ viewport: { width: 1280, height: options.height ?? 800 } }));
  const page = await context.newPage();
  if (options.clock === true) await page.clock.install();
  await login(page, stage.url, user);
  if (options.secret !== undefined) {
    await page.getByLabel('Security code').fill(codeForStep(options.secret, stepNow()));
    await page.getByRole('button', { name: 'Log in' }).click();
  }
  await openPlugin(page);
  return { page, context };
}

/** The key a setup shows under its QR code, without the grouping spaces. */
export async function readKey(page: Page): Promise<string> {
  await page.getByRole('img', { name: /QR code/ }).waitFor();
  return ((await page.locator('.whm2fa-secret').textContent()) ?? '').replace(/\s+/g, '');
}

export async function openPlugin(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Two-Factor Authentication' }).first().click();
  await page.getByRole('tab', { name: 'Manage my Account' }).waitFor();
}

/**
 * A code for `secret` at a step after `usedStep` that the server accepts now (±1 step).
 * Waits for the next 30-second step only when it must (browser tests alone may wait).
 */
export async function freshCode(page: Page, secret: string, usedStep: number): Promise<{ code: string; step: number }> {
  for (;;) {
    const now = stepNow();
    const step = Math.max(now, usedStep + 1);
    // Keep a margin: a code for the next step is only used early in the current one.
    const secondsIntoStep = Date.now() / 1000 - now * 30;
    if (step <= now || (step === now + 1 && secondsIntoStep < 20)) return { code: codeForStep(secret, step), step };
    await page.waitForTimeout(1000);
  }
}

const AXE = readFileSync(join(TOP, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Every axe-core violation on the page as it is now, whatever its impact; the rules named
 * in `skip` are not run (each caller says why).
 */
export async function axeProblems(page: Page, skip: readonly string[] = []): Promise<string[]> {
  // Evaluated by the browser's debugging protocol, not added as an inline <script>: the
  // page's Content-Security-Policy refuses those (and would report each one).
  await page.evaluate(AXE);
  const violations = await page.evaluate(async (skipped) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: unknown,
            opts: unknown,
          ) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      rules: Object.fromEntries(skipped.map((id) => [id, { enabled: false }])),
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, skip);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

/** The widths every page state is checked at: a desktop and a small phone. */
export const WIDTHS = [
  ['desktop', 1280],
  ['360px', 360],
] as const;

/**
 * axe-core at both widths, and at 360 px that nothing pans sideways (the document is
 * no wider than the window). Returns the problems found, labelled with `name`; `skip`
 * as for {@link axeProblems}.
 */
export async function checkBothWidths(page: Page, name: string, skip: readonly string[] = []): Promise<string[]> {
  const problems: string[] = [];
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const [label, width] of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const p of await axeProblems(page, skip)) problems.push(`${name} at ${label}: ${p}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (wide > 0) problems.push(`${name} at ${label}: the page pans sideways by ${String(wide)} px`);
    await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
  return problems;
}
