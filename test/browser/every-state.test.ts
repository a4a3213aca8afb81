// Issue 11 in a real browser: every state a reseller or root meets, at 1280 and 360 px,
// with axe-core finding no violation at all and nothing panning sideways; two tabs, an
// expired setup (the page's clock moved, never slept), a lock, keyboard-only reconfigure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { auditLines, cpanelSecrets, readJson, HOST } from '../support/server';
import { codeForStep, stepNow, wrongCodeNow } from '../support/rfc6238';
import { checkBothWidths, login, openAs, openPlugin, openStage, readKey, type Stage } from './support';

const KEYS1 = 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF';
const GONE1 = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const ACLS = ['create-acct', 'list-accts'];
const USERS = ['tabs1', 'tabs2', 'lock1', 'keys1', 'gone1', 'clock1', 'phone1', 'skew1'];

let stage: Stage;
const problems: string[] = [];
beforeAll(async () => {
  stage = await openStage({
    secrets: { keys1: KEYS1, gone1: GONE1, shop1: KEYS1 },
    resellers: {
      reseller1: ACLS,
      reseller2: ACLS,
      ...Object.fromEntries(USERS.map((u) => [u, ACLS])),
    },
    accounts: [
      { user: 'reseller1', owner: 'root', domain: 'reseller1.example.com', email: 'reseller1@example.com' },
      { user: 'reseller2', owner: 'root', domain: 'reseller2.example.com', email: 'reseller2@example.com' },
      { user: 'shop1', owner: 'reseller1', domain: 'shop1.example.com', email: 'owner@shop1.example.com' },
      { user: 'blog2', owner: 'reseller2', domain: 'blog2.example.com', email: 'writer@blog2.example.com' },
      ...USERS.map((u) => ({ user: u, owner: 'root', domain: `${u}.example.com`, email: `${u}@example.com` })),
    ],
  });
});
afterAll(async () => {
  await stage.close();
});

const asUser = (user: string, options: { secret?: string; context?: BrowserContext; clock?: boolean } = {}) =>
  openAs(stage, user, { ...options, height: 900 });

const codeField = (page: Page) => page.getByLabel('Security code', { exact: true });
const configure = (page: Page) => page.getByRole('button', { name: 'Configure Two-Factor Authentication' });
const userState = (user: string) =>
  readJson(join(stage.server.root, `var/cpanel/whm2fa/users/${user}.json`)) as Record<string, unknown>;

describe('setup at the edges', () => {
  it('a second browser replaces the key: the first says so, the code typed for it is not counted', async () => {
    const a = await asUser('tabs1');
    const b = await asUser('tabs1');
    await a.page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    const first = await readKey(a.page);
    await b.page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    const second = await readKey(b.page);
    expect(second).not.toBe(first);
    await codeField(a.page).fill(codeForStep(first, stepNow()));
    await configure(a.page).click();
    await a.page.getByText(/This key was replaced by a newer setup/).waitFor();
    expect(await a.page.getByRole('img', { name: /QR code/ }).count()).toBe(0);
    expect(await a.page.locator('.whm2fa-secret').count()).toBe(0);
    expect(userState('tabs1')['failures']).toBe(0);
    problems.push(...(await checkBothWidths(a.page, 'setup-replaced')));
    // One click for a new key; the other browser learns its key is gone when it is looked at again.
    await a.page.getByRole('button', { name: 'Get a new key' }).click();
    const third = await readKey(a.page);
    await b.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await b.page.getByText(/This key was replaced/).waitFor();
    await codeField(a.page).fill(codeForStep(third, stepNow()));
    await configure(a.page).click();
    await a.page.getByText(/From your next login, WHM asks for a security code/).waitFor();
    await a.context.close();
    await b.context.close();
  });

  it('two tabs of one browser: the first tab at once offers the key the second made', async () => {
    const a = await asUser('tabs2');
    const page2 = await a.context.newPage();
    await page2.goto(a.page.url());
    await page2.getByRole('tab', { name: 'Manage my Account' }).waitFor();
    await a.page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    await readKey(a.page);
    await page2.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    const second = await readKey(page2);
    await a.page.getByText(/This key was replaced/).waitFor();
    await a.page.getByRole('button', { name: 'Show the new key' }).click();
    expect(await readKey(a.page)).toBe(second);
    await codeField(a.page).fill(codeForStep(second, stepNow()));
    await configure(a.page).click();
    await a.page.getByText(/From your next login/).waitFor();
    await page2.getByText(/finished in another tab/).waitFor();
    await a.context.close();
  });

  it('warns before expiry, then shows the setup ended and gets a new key in one click', async () => {
    const { page, context } = await asUser('clock1', { clock: true });
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    await readKey(page);
    await page.getByText(/This key expires in (10:00|9:5\d)/).waitFor();
    await page.clock.fastForward('08:30');
    await page.getByText(/Less than 2 minutes left/).waitFor();
    problems.push(...(await checkBothWidths(page, 'setup-expiring')));
    await page.clock.fastForward('01:31');
    await page.getByText(/This setup expired at .* before it was confirmed/).waitFor();
    expect(await page.getByRole('img', { name: /QR code/ }).count()).toBe(0);
    expect(await page.locator('.whm2fa-secret').count()).toBe(0);
    await page.waitForFunction(() => /This setup expired/.test(document.activeElement?.textContent ?? ''));
    problems.push(...(await checkBothWidths(page, 'setup-expired')));
    // Back to the real time of the server before asking for the new key.
    await page.clock.setSystemTime(new Date());
    await page.getByRole('button', { name: 'Get a new key' }).click();
    const key = await readKey(page);
    await codeField(page).fill(codeForStep(key, stepNow()));
    await configure(page).click();
    await page.getByText(/From your next login/).waitFor();
    await context.close();
  });

  it('a browser clock 15 minutes ahead of the server still gets the whole 10 minutes (the Date header)', async () => {
    const context = await stage.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.clock.install({ time: new Date(Date.now() + 15 * 60_000) });
    await login(page, stage.url, 'skew1');
    await openPlugin(page);
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    const key = await readKey(page);
    await page.getByText(/This key expires in (10:0[01]|9:5\d)/).waitFor();
    expect(await page.getByText(/This setup expired/).count()).toBe(0);
    await codeField(page).fill(codeForStep(key, stepNow()));
    await configure(page).click();
    await page.getByText(/From your next login/).waitFor();
    await context.close();
  });

  it('empty and non-digit codes ask for six digits; wrong ones count down to a visible lock', async () => {
    const { page, context } = await asUser('lock1');
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    const key = await readKey(page);
    await configure(page).click();
    await page.getByText(/Enter the 6-digit code from your authenticator app/).waitFor();
    expect(await page.getByText(/sets its time automatically/).count()).toBe(0);
    problems.push(...(await checkBothWidths(page, 'setup-malformed')));
    for (let i = 1; i <= 5; i += 1) {
      await codeField(page).fill(wrongCodeNow(key));
      await configure(page).click();
      if (i < 5) await page.getByText(`${String(5 - i)} attempt${5 - i === 1 ? '' : 's'} left before`).waitFor();
    }
    await page.getByText(/too many wrong codes/).waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector('button[type="submit"].btn-primary') as HTMLButtonElement | null)?.disabled === true,
    );
    const lock = page.locator('.whm2fa-lock').first();
    expect(await lock.textContent()).toMatch(/Verification is locked until .+ Try again in [45]:\d\d\./);
    expect(await page.locator('.whm2fa').textContent()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    problems.push(...(await checkBothWidths(page, 'setup-locked')));
    // The lock is shown on the account's page before anything is submitted, too.
    await page.reload();
    await page.locator('.whm2fa-lock').waitFor();
    await context.close();
  });

  it('on a phone-sized screen, an "Open in authenticator app" link sits beside the QR code', async () => {
    const { page, context } = await asUser('phone1');
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    const key = await readKey(page);
    const link = page.getByRole('link', { name: 'Open in authenticator app' });
    expect(await link.isVisible()).toBe(false);
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await link.isVisible()).toBe(true);
    expect(await link.getAttribute('href')).toBe(`otpauth://totp/${HOST}:phone1?secret=${key}&issuer=${HOST}`);
    problems.push(...(await checkBothWidths(page, 'setup')));
    expect(page.url()).not.toContain(key);
    await context.close();
  });
});

describe('reconfigure and removal', () => {
  it('reconfigures by keyboard alone; focus follows each step; the old entry (not set up by whm2fa) is to be deleted', async () => {
    const { page, context } = await asUser('keys1', { secret: KEYS1 });
    const press = async (name: string): Promise<void> => {
      for (let i = 0; i < 60; i += 1) {
        await page.keyboard.press('Tab');
        const label = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim() || (el?.id ?? '');
        });
        if (label === name) return;
      }
      throw new Error(`could not reach ${name} with Tab`);
    };
    await press('Reconfigure Two-Factor Authentication');
    await page.keyboard.press('Enter');
    const next = await readKey(page);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Reconfigure Two-Factor Authentication',
    );
    problems.push(...(await checkBothWidths(page, 'reconfigure')));
    // A wrong current code is named and only its field is cleared.
    await press('whm2fa-code');
    const nextCode = codeForStep(next, stepNow());
    await page.keyboard.type(nextCode);
    await page.keyboard.press('Tab');
    await page.keyboard.type(wrongCodeNow(KEYS1));
    await page.keyboard.press('Enter');
    await page.getByText(/Not accepted: the code from your current device\./).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'whm2fa-current-code');
    expect(await page.getByLabel('Security code from the new device').inputValue()).toBe(nextCode);
    problems.push(...(await checkBothWidths(page, 'reconfigure-wrong-current')));
    await page.keyboard.type(codeForStep(KEYS1, stepNow()));
    await page.keyboard.press('Enter');
    // keys1's key was put in cPanel's store directly: whm2fa does not know the app's name for it.
    const done = page.getByText(
      /Your new device is set up\. .*Delete the old entry of this account .*whm2fa did not record its name/,
    );
    await done.waitFor();
    await page.waitForFunction(() => /Your new device is set up/.test(document.activeElement?.textContent ?? ''));
    problems.push(...(await checkBothWidths(page, 'reconfigured')));
    await context.close();
  });

  it('the removal dialog names the logins it affects and offers Reconfigure; lost-phone help is on the page', async () => {
    const { page, context } = await asUser('gone1', { secret: GONE1 });
    const lost = page.locator('.whm2fa-lost');
    expect(await lost.textContent()).toMatch(/ask your host \(root\), or the reseller that owns your account/);
    await page.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    await dialog.getByText(/WHM, cPanel and Webmail logins will need only your password/).waitFor();
    problems.push(...(await checkBothWidths(page, 'remove-dialog')));
    await dialog.getByRole('button', { name: 'Reconfigure Two-Factor Authentication' }).click();
    await page.getByRole('heading', { name: 'Reconfigure Two-Factor Authentication' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await context.close();
  });

  it('an administrator’s removal shows on the account’s own page: who, when, why', async () => {
    const root = await asUser('root');
    await root.page.getByRole('tab', { name: 'Manage Users' }).click();
    await root.page.getByRole('button', { name: "Remove gone1's two-factor authentication" }).click();
    const dialog = root.page.getByRole('dialog');
    await dialog.getByText(/gone1 will log in to WHM, cPanel and Webmail with a password only/).waitFor();
    await dialog.getByLabel('Reason').fill('Phone stolen, confirmed by ticket 4411');
    await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    await root.page.getByText('Two-factor authentication removed from gone1. Emailed: gone1.').waitFor();
    await root.context.close();
    const { page, context } = await asUser('gone1');
    const notice = page.locator('.whm2fa-admin-removed');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/An administrator removed two-factor authentication from this account: root, on /);
    expect(text).toContain('Phone stolen, confirmed by ticket 4411');
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT/);
    problems.push(...(await checkBothWidths(page, 'my-account-removed-by-admin')));
    await context.close();
  });
});

describe('root’s and resellers’ tools', () => {
  it('Manage Users: select all counts and sends exactly the checked accounts; cPanel users are explained', async () => {
    const { page, context } = await asUser('root');
    await page.getByRole('tab', { name: 'Manage Users' }).click();
    await page.getByText(/cPanel users turn two-factor authentication on in cPanel itself/).waitFor();
    problems.push(...(await checkBothWidths(page, 'users')));
    const enabled = await page.getByRole('checkbox', { name: /^Select [a-z0-9]+$/ }).count();
    expect(enabled).toBeGreaterThan(0);
    await page.getByRole('checkbox', { name: /Select every account on this page/ }).check();
    const names = (await page
      .getByRole('checkbox', { name: /^Select [a-z0-9]+$/ })
      .evaluateAll((els) => els.map((el) => (el.getAttribute('aria-label') ?? '').replace('Select ', '')))) as string[];
    const bulk = page.getByRole('button', { name: `Remove Two-Factor Authentication (${String(enabled)} selected)` });
    await bulk.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(names.length).toBeGreaterThan(1);
    expect(await dialog.getByText(`These ${String(names.length)} accounts`).count()).toBe(1);
    expect(await dialog.locator('.whm2fa-names').textContent()).toBe(names.join(', '));
    problems.push(...(await checkBothWidths(page, 'users-remove-dialog')));
    await dialog.getByLabel('Reason').fill('End of the test run');
    await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    await page
      .getByText(`Two-factor authentication removed from ${names.join(', ')}. Emailed: ${names.join(', ')}.`)
      .waitFor();
    const secrets = cpanelSecrets(stage.server);
    for (const name of names) expect(secrets[name], name).toBeUndefined();
    const removedNow = auditLines(stage.server).filter((e) => e['reason'] === 'End of the test run');
    expect(removedNow.map((e) => e['subject']).sort()).toEqual([...names].sort());
    // At 360 px each account is a card: nothing scrolls sideways, in the table's region or the page.
    await page.setViewportSize({ width: 360, height: 800 });
    const region = page.getByRole('region', { name: 'Accounts table' });
    expect(await region.getAttribute('tabindex')).toBe('0');
    expect(await region.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await context.close();
  });

  it('Settings: the preview shows the hostname for an empty issuer; turning the policy off asks, in danger style', async () => {
    const { page, context } = await asUser('root');
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Issuer').fill('');
    expect(await page.locator('.whm2fa-preview').textContent()).toBe(`After saving, new setups show: ${HOST} (root)`);
    problems.push(...(await checkBothWidths(page, 'settings')));
    await page.getByRole('switch').click();
    const dialog = page.getByRole('dialog', { name: 'Turn off the two-factor login policy?' });
    await dialog.getByText(/Every login on this server — WHM, cPanel and Webmail/).waitFor();
    problems.push(...(await checkBothWidths(page, 'policy-off-dialog')));
    await dialog.getByRole('button', { name: 'Turn off the login policy' }).click();
    const notice = page.getByText(/The two-factor login policy is off: no login on this server asks/);
    await notice.waitFor();
    expect(await notice.getAttribute('class')).toContain('alert-warning');
    await page.getByText(/cPanel's two-factor login policy is off/).waitFor();
    problems.push(...(await checkBothWidths(page, 'settings-policy-off')));
    // The account page does not claim codes are asked while the policy is off.
    await page.getByRole('tab', { name: 'Manage my Account' }).click();
    expect(await page.locator('.whm2fa-state').textContent()).not.toMatch(/asks for a security code/);
    await page.getByRole('button', { name: 'Turn on the login policy' }).click();
    await page.getByText(/cPanel's two-factor login policy is off/).waitFor({ state: 'detached' });
    await context.close();
  });

  it('Activity: filter by account and action, export as CSV; times in local time', async () => {
    const { page, context } = await asUser('root');
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('region', { name: 'Activity table' }).waitFor();
    problems.push(...(await checkBothWidths(page, 'activity')));
    await page.getByLabel('Account').fill('gone1');
    await page.getByLabel('Action').selectOption('admin.remove');
    await page.getByRole('button', { name: 'Show matching entries' }).click();
    await page.getByText('Showing 1 matching entry, newest first.').waitFor();
    const rows = page.getByRole('row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toMatch(/gone1.*Removed by an administrator/);
    expect(await page.locator('.whm2fa-activity').textContent()).not.toMatch(/\d{4}-\d\d-\d\dT/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export all matching entries as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('whm2fa-activity.csv');
    const csv = readFileSync(await download.path(), 'utf8')
      .replace(/^\ufeff/, '')
      .split('\r\n');
    expect(csv[0]).toBe('"time","actor","account","action","result","reason","ip"');
    expect(csv[1]).toMatch(
      /^"[^"]+","root","gone1","Removed by an administrator","ok: identity not confirmed \(no recovery code\)","Phone stolen, confirmed by ticket 4411","/,
    );
    expect(csv).toHaveLength(3);
    problems.push(...(await checkBothWidths(page, 'activity-filtered')));
    await context.close();
  });
});

describe('everywhere', () => {
  it('the tab is in the URL: Back and reload keep the place; a session that ended links to the login', async () => {
    const { page, context } = await asUser('reseller2');
    await page.getByRole('tab', { name: 'Activity' }).click();
    expect(new URL(page.url()).hash).toBe('#activity');
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.goBack();
    await page.waitForFunction(
      () => document.getElementById('whm2fa-tab-activity')?.getAttribute('aria-selected') === 'true',
    );
    await page.reload();
    await page.waitForFunction(
      () => document.getElementById('whm2fa-tab-activity')?.getAttribute('aria-selected') === 'true',
    );
    const other = await context.newPage();
    await other.goto(`${stage.url}/logout/`);
    await page.getByRole('tab', { name: 'Manage Users' }).click();
    await page.getByText(/Your WHM session has ended/).waitFor();
    const link = page.getByRole('link', { name: 'Log in to WHM again' });
    problems.push(...(await checkBothWidths(page, 'session-ended')));
    await link.click();
    await page.getByLabel('Username').waitFor();
    await context.close();
  });

  it('focus indicators reach 3:1 against the page', async () => {
    const { page, context } = await asUser('reseller1');
    // Tab until the focus is on one of the page's own controls (past WHM's header links).
    for (let i = 0; i < 40; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.closest('.whm2fa-app') != null)) break;
    }
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement as Element);
      return { color: s.outlineColor, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(style.style).toBe('solid');
    expect(style.width).toBeGreaterThanOrEqual(2);
    const [r, g, b] = (style.color.match(/\d+/g) ?? []).map(Number);
    const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    const lum = 0.2126 * lin(r ?? 255) + 0.7152 * lin(g ?? 255) + 0.0722 * lin(b ?? 255);
    expect(1.05 / (lum + 0.05) >= 3).toBe(true);
    problems.push(...(await checkBothWidths(page, 'my-account')));
    await context.close();
  });

  it('axe-core found no violation and nothing panned sideways in any state above', () => {
    expect(problems).toEqual([]);
  });
});
