// Issue 20 in a real browser, at 1280 and 360 px wherever it applies: the removal notice
// says per account whether a mail went out; on a phone each account row and each activity
// entry fits the screen and the tabs stay one row; focus never drops to <body> at a
// pager's end; sorted columns show their direction; a submit button says it is busy; a
// notice is not repeated by the status line; the CSV export is all of it, UTF-8 with a BOM,
// actions as the page names them; at 400% zoom a dialog opens at its title. axe-core finds
// no violation in any of these states.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { auditLines } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';
import { axeProblems, login, openPlugin, openStage, type Stage } from './support';

const KEY = 'JBSWY3DPEHPK3PXP';
// 30 accounts of reseller1 with 2FA on (two pages); the even-numbered ones have no contact address.
const EXTRA = Array.from({ length: 30 }, (_, i) => `acct${String(i + 1).padStart(2, '0')}`);
const REASON = 'Lost phone – ticket ✓ 4411';

let stage: Stage;
const problems: string[] = [];
beforeAll(async () => {
  stage = await openStage({
    secrets: { shop1: KEY, blog2: KEY, ...Object.fromEntries(EXTRA.map((u) => [u, KEY])) },
    resellers: {
      reseller1: ['create-acct', 'list-accts', 'kill-acct', 'edit-account'],
      reseller2: ['create-acct', 'list-accts'],
      reseller3: ['create-acct', 'list-accts'],
    },
    extraAccounts: [
      { user: 'reseller3', owner: 'root', domain: 'reseller3.example.com', email: 'reseller3@example.com' },
      ...EXTRA.map((u, i) => ({
        user: u,
        owner: 'reseller1',
        domain: `${u}.example.com`,
        ...(i % 2 === 0 ? { email: `${u}@example.com` } : {}),
      })),
    ],
  });
});
afterAll(async () => {
  await stage.close();
});

async function asUser(user: string, width: number, height = width === 360 ? 740 : 800): Promise<Page> {
  const context = await stage.browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await login(page, stage.url, user);
  await openPlugin(page);
  return page;
}

/** axe-core's violations and any sideways panning of the page, labelled with `name`. */
async function check(page: Page, name: string): Promise<void> {
  for (const p of await axeProblems(page)) problems.push(`${name}: ${p}`);
  const wide = await page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth);
  if (wide > 0) problems.push(`${name}: the page pans sideways by ${String(wide)} px`);
}

/** Whether the element is wholly inside the window, left to right. */
async function onScreen(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  return box !== null && box.x >= 0 && box.x + box.width <= width;
}

/** The focused element's text ('body' when focus is nowhere), once it is `expected` or after a second. */
async function focused(page: Page, expected: string): Promise<string> {
  const read = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return el === null || el === document.body ? 'body' : (el.textContent ?? '').trim();
    });
  for (let i = 0; i < 10 && (await read()) !== expected; i += 1) await page.waitForTimeout(100);
  return read();
}

/** Holds `action`'s requests until the returned function is called. */
async function hold(page: Page, action: string): Promise<() => void> {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/api.cgi', async (route) => {
    if ((route.request().postDataJSON() as { action?: string } | null)?.action === action) await held;
    await route.continue();
  });
  return release;
}

describe('on a phone (360 px)', () => {
  it('each account row shows its name, 2FA state and action without sideways scrolling', async () => {
    const page = await asUser('reseller1', 360);
    await page.getByRole('tab', { name: 'Manage Users' }).click();
    const row = page.getByRole('row').filter({ hasText: 'acct03' });
    await row.waitFor();
    expect(await onScreen(page, row.getByRole('cell', { name: 'acct03', exact: true }))).toBe(true);
    expect(await onScreen(page, row.getByText('On', { exact: true }))).toBe(true);
    expect(await onScreen(page, row.getByRole('button', { name: "Remove acct03's two-factor authentication" }))).toBe(
      true,
    );
    expect(await onScreen(page, row.getByRole('checkbox', { name: 'Select acct03' }))).toBe(true);
    expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(360);
    await check(page, 'users-360');
    await page.context().close();
  });
});

for (const [label, width, own] of [
  ['1280px', 1280, ['acct01', 'acct02', 'reseller2']],
  ['360px', 360, ['acct03', 'acct04', 'reseller3']],
] as const) {
  describe(`at ${label}`, () => {
    it('a sorted column shows its direction; Next on the last page hands focus to Previous', async () => {
      const page = await asUser('reseller1', width);
      await page.getByRole('tab', { name: 'Manage Users' }).click();
      const header = page.getByRole('columnheader', { name: 'Account', exact: true });
      await header.waitFor();
      expect(await header.getAttribute('aria-sort')).toBe('ascending');
      expect(await header.innerText()).toContain('▲');
      expect(await page.locator('th[aria-sort]').count()).toBe(1);
      await header.getByRole('button').click();
      expect(await header.getAttribute('aria-sort')).toBe('descending');
      expect(await header.innerText()).toContain('▼');
      expect(await onScreen(page, header.getByRole('button'))).toBe(true);
      await check(page, `users-sorted-${label}`);
      await header.getByRole('button').click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText('Page 2 of 2').waitFor();
      expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
      expect(await focused(page, 'Previous')).toBe('Previous');
      await page.keyboard.press('Enter');
      await page.getByText('Page 1 of 2').waitFor();
      expect(await focused(page, 'Next')).toBe('Next');
      await check(page, `users-pager-${label}`);
      await page.context().close();
    });

    it('removal: the button is busy while it runs; the notice says per account who was emailed', async () => {
      const [mailed, unmailed] = own;
      const page = await asUser('reseller1', width);
      await page.getByRole('tab', { name: 'Manage Users' }).click();
      await page.getByRole('checkbox', { name: `Select ${mailed}` }).check();
      await page.getByRole('checkbox', { name: `Select ${unmailed}` }).check();
      await page.getByRole('button', { name: /\(2 selected\)/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
      await dialog.getByLabel('Reason').fill(REASON);
      await check(page, `users-remove-dialog-${label}`);
      const release = await hold(page, 'users.remove');
      await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
      const busy = dialog.getByRole('button', { name: 'Removing…' });
      await busy.waitFor();
      expect(await busy.getAttribute('aria-busy')).toBe('true');
      expect(await busy.getAttribute('aria-disabled')).toBe('true');
      expect(await focused(page, 'Removing…')).toBe('Removing…');
      await check(page, `users-removing-${label}`);
      release();
      const notice = page.getByText(/^Two-factor authentication removed from/);
      await notice.waitFor();
      expect(await notice.textContent()).toBe(
        `Two-factor authentication removed from ${mailed}, ${unmailed}. Emailed: ${mailed}. Not emailed: ${unmailed}: no contact address on file.`,
      );
      expect(await notice.getAttribute('class')).toContain('alert-warning');
      expect(await page.getByText(/they were emailed/).count()).toBe(0);
      // What the notice says is what Activity records.
      const mails = auditLines(stage.server).filter((e) => e['action'] === 'mail');
      expect(mails.map((e) => [e['subject'], e['result']])).toContainEqual([
        unmailed,
        'not sent: no contact address on file',
      ]);
      expect(mails.map((e) => e['subject'])).not.toContain(mailed);
      await check(page, `users-removed-${label}`);
      await page.context().close();
    });

    it('setup: the button is busy while the code is checked; the notice is not repeated beneath it', async () => {
      const page = await asUser(own[2], width);
      await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
      await page.getByRole('img', { name: /QR code/ }).waitFor();
      const secret = ((await page.locator('.whm2fa-secret').textContent()) ?? '').replace(/\s+/g, '');
      await page.getByLabel('Security code', { exact: true }).fill(codeForStep(secret, stepNow()));
      const release = await hold(page, 'enroll.confirm');
      await page.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
      const busy = page.getByRole('button', { name: 'Checking the code…' });
      await busy.waitFor();
      expect(await busy.getAttribute('aria-busy')).toBe('true');
      expect(await focused(page, 'Checking the code…')).toBe('Checking the code…');
      release();
      await page.getByText(/From your next login, WHM asks for a security code/).waitFor();
      // Once the page knows 2FA is on (its buttons say so), the notice is the only place that says it.
      await page.getByRole('button', { name: 'Reconfigure Two-Factor Authentication' }).waitFor();
      const text = (await page.getByRole('tabpanel').innerText()).replace(/\s+/g, ' ');
      expect(text.match(/Two-factor authentication is on/g)).toHaveLength(1);
      expect(text).not.toMatch(/logging in asks for a security code/);
      await check(page, `setup-done-${label}`);
      await page.context().close();
    });
  });
}

describe('on a phone (360 px), continued', () => {
  it('the tabs stay one row; only the tab list scrolls, not the page', async () => {
    const page = await asUser('root', 360);
    const tops = await page
      .getByRole('tab')
      .evaluateAll((tabs) => tabs.map((t) => Math.round(t.getBoundingClientRect().top)));
    expect(tops).toHaveLength(4);
    expect(new Set(tops).size).toBe(1);
    expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(360);
    // The selected tab is scrolled into view.
    await page.getByRole('tab', { name: 'Manage my Account' }).press('End');
    expect(await onScreen(page, page.getByRole('tab', { name: 'Activity' }))).toBe(true);
    await check(page, 'tabs-360');
    await page.context().close();
  });

  it('every column of an activity entry is on screen', async () => {
    const page = await asUser('root', 360);
    await page.getByRole('tab', { name: 'Activity' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Removed by an administrator' }).first();
    await row.waitFor();
    for (const cell of await row.getByRole('cell').all()) expect(await onScreen(page, cell)).toBe(true);
    expect(await row.getByRole('cell').nth(4).innerText()).toMatch(/ok/);
    expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(360);
    await check(page, 'activity-360');
    await page.context().close();
  });
});

describe('at 400% zoom (1280×1024 is 320×256 CSS px)', () => {
  it('the Remove dialog opens at its title, with focus inside it', async () => {
    const page = await asUser('root', 320, 256);
    await page.getByRole('tab', { name: 'Manage Users' }).click();
    await page.getByRole('button', { name: "Remove acct05's two-factor authentication" }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    await dialog.waitFor();
    const title = await dialog.getByRole('heading', { name: 'Remove Two-Factor Authentication?' }).boundingBox();
    expect(title).not.toBeNull();
    expect(title?.y).toBeGreaterThanOrEqual(0);
    expect((title?.y ?? 0) + (title?.height ?? 0)).toBeLessThanOrEqual(256);
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    // Tab goes on into the dialog's controls; Shift+Tab from the title stays inside.
    await page.keyboard.press('Shift+Tab');
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await check(page, 'users-remove-dialog-400%');
    await page.context().close();
  });
});

describe('CSV export of Activity', () => {
  it('holds every matching entry, not only those loaded, in UTF-8 with a BOM and the page’s action names', async () => {
    const page = await asUser('root', 1280);
    // Two pages of removals: more matching entries than one page of Activity shows.
    await page.getByRole('tab', { name: 'Manage Users' }).click();
    for (const pageNo of [1, 2]) {
      await page.getByText(`Page ${String(pageNo)} of 2`).waitFor();
      await page.getByRole('checkbox', { name: /Select every account on this page/ }).check();
      await page.getByRole('button', { name: /selected\)$/ }).click();
      await page.getByRole('dialog').getByLabel('Reason').fill(REASON);
      await page.getByRole('dialog').getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await page.getByText(/^Two-factor authentication removed from/).waitFor();
      if (pageNo === 1) await page.getByRole('button', { name: 'Next' }).click();
    }
    const removals = auditLines(stage.server).filter((e) => e['action'] === 'admin.remove');
    expect(removals.length).toBeGreaterThan(25);
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByLabel('Action').selectOption('admin.remove');
    await page.getByRole('button', { name: 'Show matching entries' }).click();
    await page.getByText('Showing 25 matching entries, newest first.').waitFor();
    await check(page, 'activity-filtered');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /as CSV$/ }).click(),
    ]);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('"time","actor","account","action","result","reason","ip"');
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(removals.length);
    for (const row of rows)
      expect(row).toContain(
        `,"Removed by an administrator","ok: identity not confirmed (no recovery code)","${REASON}",`,
      );
    expect(new Set(rows).size).toBe(rows.length);
    // The button says what it exports.
    expect(await page.getByRole('button', { name: 'Export all matching entries as CSV' }).count()).toBe(1);
    await page.context().close();
  });
});

describe('everywhere above', () => {
  it('axe-core found no violation and nothing panned sideways', () => {
    expect(problems).toEqual([]);
  });
});
