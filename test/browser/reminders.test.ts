// Issue 19 in a real browser, at 1280×800 and 360×740: a reseller and root check accounts
// without 2FA, send reminders, read the per-account result and each row's "last
// reminded" (on a phone, on the account's card); coverage now and 30 days ago from a
// prepared snapshot. axe-core finds no violation in any of these states, and nothing pans
// sideways on the phone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { auditLines, HOST, mails } from '../support/server';
import { axeProblems, login, openPlugin, openStage, SHOTS, type Stage } from './support';

const KEY = 'JBSWY3DPEHPK3PXP';
const DAY_MS = 86_400_000;
const dayBefore = (days: number): string => new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);

let stage: Stage;
const problems: string[] = [];
beforeAll(async () => {
  stage = await openStage({
    secrets: { shop1: KEY },
    extraAccounts: [
      { user: 'shop5', owner: 'reseller1', domain: 'shop5.example.com', email: 'five@shop5.example.com' },
      { user: 'nomail', owner: 'reseller1', domain: 'nomail.example.com' },
    ],
  });
  // A snapshot of 31 days ago, as whm2fa would have kept it then.
  const stateDir = join(stage.server.root, 'var/cpanel/whm2fa');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(stateDir, 'coverage.json'),
    JSON.stringify({ days: [{ day: dayBefore(31), server: [0, 6], resellers: [['reseller1', 0, 3]] }] }),
    { mode: 0o600 },
  );
});
afterAll(async () => {
  await stage.close();
});

async function asUser(user: string, width: number): Promise<Page> {
  const context = await stage.browser.newContext({ viewport: { width, height: width === 360 ? 740 : 800 } });
  const page = await context.newPage();
  await login(page, stage.url, user);
  await openPlugin(page);
  await page.getByRole('tab', { name: 'Manage Users' }).click();
  await page.getByRole('heading', { name: 'Coverage over time' }).waitFor();
  return page;
}

/** axe-core's violations and any sideways panning, labelled with `name`; a screenshot of the state. */
async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  for (const p of await axeProblems(page)) problems.push(`${name}: ${p}`);
  const wide = await page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth);
  if (wide > 0) problems.push(`${name}: the page pans sideways by ${String(wide)} px`);
}

/** Whether the element is wholly inside the window, left to right. */
async function onScreen(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  return box !== null && box.width > 0 && box.x >= 0 && box.x + box.width <= width;
}

/** The "Last reminded" cell of `user`'s row. */
const remindedCell = (page: Page, user: string): Locator =>
  page
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: user, exact: true }) })
    .locator('td')
    .nth(5);

describe('reminders at 1280×800', () => {
  it('a reseller sends reminders to its accounts without 2FA and reads the result per account', async () => {
    const page = await asUser('reseller1', 1280);
    const pct = (n: number) =>
      page.evaluate((x) => new Intl.NumberFormat(undefined, { style: 'percent' }).format(x), n);
    const day = await page.evaluate(
      (d) => new Date(`${d}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC' }),
      dayBefore(31),
    );
    expect(await page.getByText('Your accounts:').locator('..').textContent()).toBe(
      `Your accounts: ${await pct(1 / 3)} (1 of 3) with 2FA now; 30 days ago: ${await pct(0)} (0 of 3) on ${day}.`,
    );
    expect(await remindedCell(page, 'shop5').textContent()).toBe('never');
    await check(page, 'reminders-list-1280');

    await page.getByRole('checkbox', { name: 'Check every account without 2FA on this page' }).check();
    await page.getByRole('button', { name: 'Send reminders to 2 selected accounts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send reminders to set up two-factor authentication?' });
    await dialog.getByText('nomail, shop5').waitFor();
    await check(page, 'reminders-dialog-1280');
    const before = mails(stage.server).length;
    await dialog.getByRole('button', { name: 'Send reminders' }).click();
    const notice = page.getByText(/^Reminder sent to/);
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Reminder sent to shop5. Not sent: nomail: no contact address on file.');
    expect(await notice.getAttribute('class')).toContain('alert-warning');
    const today = await page.evaluate(() => new Date().toLocaleDateString());
    await remindedCell(page, 'shop5').getByText(today).waitFor();
    expect(await remindedCell(page, 'nomail').textContent()).toBe('never');
    const sent = mails(stage.server).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('To: five@shop5.example.com');
    expect(sent[0]).toContain(`https://${HOST}:2083/frontend/jupiter/security/2fa/index.html`);
    expect(auditLines(stage.server).filter((e) => e['action'] === 'remind')).toEqual([
      expect.objectContaining({ actor: 'reseller1', subject: 'shop5' }),
    ]);
    await check(page, 'reminders-sent-1280');

    // Activity shows the reminder.
    await page.getByRole('tab', { name: 'Activity' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Reminded to set up' });
    await row.waitFor();
    expect(await row.textContent()).toContain('shop5');
    await page.context().close();
  });
});

describe('reminders at 360×740', () => {
  it('root reminds from the account cards; one reminded days ago is skipped with when the next may go', async () => {
    const page = await asUser('root', 360);
    const pct = (n: number) =>
      page.evaluate((x) => new Intl.NumberFormat(undefined, { style: 'percent' }).format(x), n);
    expect(await page.getByText('This server:').locator('..').textContent()).toContain(
      `${await pct(1 / 6)} (1 of 6) with 2FA now; 30 days ago: ${await pct(0)} (0 of 6) on`,
    );
    await page.getByText('By reseller (2)').click();
    expect(await page.getByText('reseller2:').locator('..').textContent()).toBe(
      `reseller2: ${await pct(0)} (0 of 1) with 2FA now; 30 days ago: not known yet.`,
    );
    await check(page, 'reminders-coverage-360');

    // shop5 was reminded a moment ago (at 1280): its card says when.
    const today = await page.evaluate(() => new Date().toLocaleDateString());
    const shop5 = remindedCell(page, 'shop5');
    expect(await shop5.textContent()).toBe(today);
    expect(await onScreen(page, shop5)).toBe(true);
    expect(await shop5.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"Last reminded"');
    const blog2 = page.getByRole('checkbox', { name: 'Select blog2 for a reminder' });
    expect(await onScreen(page, blog2)).toBe(true);
    await blog2.check();
    await page.getByRole('checkbox', { name: 'Select shop5 for a reminder' }).check();
    await page.getByRole('button', { name: 'Send reminders to 2 selected accounts' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('blog2, shop5').waitFor();
    await check(page, 'reminders-dialog-360');
    await dialog.getByRole('button', { name: 'Send reminders' }).click();
    const notice = page.getByText(/^Reminder sent to/);
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(
      /^Reminder sent to blog2\. Skipped: shop5: reminded in the last 7 days, the next can go from .+\.$/,
    );
    expect(await onScreen(page, notice)).toBe(true);
    await remindedCell(page, 'blog2').getByText(today).waitFor();
    expect(await onScreen(page, remindedCell(page, 'blog2'))).toBe(true);
    await check(page, 'reminders-sent-360');
    await page.context().close();
  });
});

describe('axe-core and the phone width', () => {
  it('found nothing in any state above', () => {
    expect(problems).toEqual([]);
  });
});
