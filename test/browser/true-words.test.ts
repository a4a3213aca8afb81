// Issue 20 in a real browser: the page says only what is true, on a phone too. Each state
// is checked at 1280×800 and 360×740: the words that must be there are visible, axe-core
// finds no violation and nothing pans sideways.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { api, readJson, HOST } from '../support/server';
import { codeForStep, stepNow, wrongCodeNow } from '../support/rfc6238';
import { axeProblems, freshCode, openAs, openStage, readKey, SHOTS, type Stage } from './support';

const SEEDED = {
  locked1: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF',
  tabs3: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  tabs4: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  lost1: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
};
const USERS = ['named1', 'dead1', 'dead2', 'locked1', 'tabs3', 'tabs4', 'lost1', 'lost2', 'ended1'];
const ACLS = ['create-acct', 'list-accts'];
/** The sizes issue 20 names: a desktop and a small phone. */
const VIEWPORTS = [
  [1280, 800],
  [360, 740],
] as const;

let stage: Stage;
beforeAll(async () => {
  stage = await openStage({
    secrets: SEEDED,
    resellers: Object.fromEntries(USERS.map((u) => [u, ACLS])),
    accounts: USERS.map((u) => ({ user: u, owner: 'root', domain: `${u}.example.com`, email: `${u}@example.com` })),
  });
});
afterAll(async () => {
  await stage.close();
});

const asUser = (user: string, options: { secret?: string; context?: BrowserContext; clock?: boolean } = {}) =>
  openAs(stage, user, { ...options, height: 800 });

const configure = (page: Page) => page.getByRole('button', { name: 'Configure Two-Factor Authentication' });
const reconfigure = (page: Page) => page.getByRole('button', { name: 'Reconfigure Two-Factor Authentication' });
const userState = (user: string) =>
  readJson(join(stage.server.root, `var/cpanel/whm2fa/users/${user}.json`)) as Record<string, unknown>;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The state on screen at both sizes: each of `shown` is visible, and the problems axe-core
 * finds or a sideways pan are returned (screenshots in test-results/screenshots).
 */
async function atBothSizes(page: Page, name: string, shown: Locator[]): Promise<string[]> {
  const problems: string[] = [];
  for (const [width, height] of VIEWPORTS) {
    await page.setViewportSize({ width, height });
    for (const locator of shown) expect(await locator.isVisible(), `${name} at ${String(width)}`).toBe(true);
    for (const p of await axeProblems(page)) problems.push(`${name} at ${String(width)}: ${p}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (wide > 0) problems.push(`${name} at ${String(width)}: the page pans sideways by ${String(wide)} px`);
    await page.screenshot({ path: join(SHOTS, `issue20-${name}-${String(width)}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return problems;
}

describe('1. the old entry is named as the app shows it', () => {
  it('after an issuer change, a reconfigure names the old key’s entry under its old issuer', async () => {
    const { page, context } = await asUser('named1');
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    const first = await readKey(page);
    const used = stepNow();
    await page.getByLabel('Security code', { exact: true }).fill(codeForStep(first, used));
    await configure(page).click();
    await page.getByText(/From your next login/).waitFor();
    // The reseller's own issuer changes: new setups show "Acme Hosting (named1)".
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Issuer').fill('Acme Hosting');
    await page.getByRole('button', { name: 'Save issuer' }).click();
    await page.getByText(/Issuer saved: authenticator apps will show “Acme Hosting”/).waitFor();
    await page.getByRole('tab', { name: 'Manage my Account' }).click();
    await reconfigure(page).click();
    const next = await readKey(page);
    expect(await page.locator('.whm2fa-key').textContent()).toContain('Acme Hosting');
    const fresh = await freshCode(page, first, used);
    await page.getByLabel('Security code from the new device').fill(codeForStep(next, fresh.step));
    await page.getByLabel('Current security code').fill(fresh.code);
    await configure(page).click();
    const done = page.getByText(/^Your new device is set up\./);
    await done.waitFor();
    const text = (await done.textContent()) ?? '';
    expect(text).toContain(`Delete the old entry for ${HOST} (named1) from the authenticator app`);
    expect(text).not.toContain('Acme Hosting');
    expect(await atBothSizes(page, 'reconfigured-after-issuer-change', [done])).toEqual([]);
    await context.close();
  });
});

describe('2. a dead key’s entry is named', () => {
  it('an expired setup says to delete the entry it made, named as the app shows it', async () => {
    const { page, context } = await asUser('dead1', { clock: true });
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    await readKey(page);
    await page.clock.fastForward('10:01');
    await page.getByText(/This setup expired at .* before it was confirmed/).waitFor();
    const dead = page.getByText(new RegExp(`delete its entry “${escape(HOST)} \\(dead1\\)” now: it will never work`));
    expect(await atBothSizes(page, 'expired-dead-entry', [dead])).toEqual([]);
    await context.close();
  });

  it('a key replaced from another browser says to delete the entry it made', async () => {
    const a = await asUser('dead2');
    const b = await asUser('dead2');
    await a.page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    await readKey(a.page);
    await b.page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    await readKey(b.page);
    await a.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await a.page.getByText(/This key was replaced/).waitFor();
    const dead = a.page.getByText(new RegExp(`delete its entry “${escape(HOST)} \\(dead2\\)” now`));
    expect(await atBothSizes(a.page, 'replaced-dead-entry', [dead])).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});

describe('3. a verification lock comes before a new key', () => {
  it('shows the lock with its countdown, says logging in still works, and makes no key', async () => {
    const secret = SEEDED.locked1;
    const { page, context } = await asUser('locked1', { secret });
    await reconfigure(page).click();
    const next = await readKey(page);
    for (let i = 0; i < 5; i += 1) {
      await page.getByLabel('Security code from the new device').fill(wrongCodeNow(next));
      await page.getByLabel('Current security code').fill(wrongCodeNow(secret));
      await configure(page).click();
      if (i < 4) await page.getByText(`${String(4 - i)} attempt${i === 3 ? '' : 's'} left before`).waitFor();
    }
    await page.getByText(/too many wrong codes/).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    const lock = page.locator('.whm2fa-lock');
    await lock.waitFor();
    expect(await lock.textContent()).toMatch(/Verification is locked until .+ Try again in [45]:\d\d\./);
    const still = page.getByText('Logging in to WHM with your current phone still works.');
    expect(await reconfigure(page).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Remove Two-Factor Authentication' }).isDisabled()).toBe(true);
    expect(await atBothSizes(page, 'locked-account', [lock, still])).toEqual([]);
    // The server makes no key either, and keeps no new pending one.
    const pendingBefore = userState('locked1')['pending'];
    const refused = await api(stage.server, 'locked1', { action: 'enroll.start' });
    expect(refused.json().error).toMatchObject({ code: 'LOCKED', lockedUntil: expect.any(String) });
    expect(userState('locked1')['pending']).toEqual(pendingBefore);
    // What the page says is true: the current phone still logs in to WHM.
    const other = await asUser('locked1', { secret });
    await other.page.getByText(/Two-factor authentication is on/).waitFor();
    await other.context.close();
    await context.close();
  });
});

describe('4. a setup finished in another tab starts no new one', () => {
  it('a tab of the same browser showing the key that was confirmed offers only Back', async () => {
    const secret = SEEDED.tabs3;
    const { page: a, context } = await asUser('tabs3', { secret });
    const b = await context.newPage();
    await b.goto(a.url());
    await b.getByRole('tab', { name: 'Manage my Account' }).waitFor();
    await reconfigure(a).click();
    await readKey(a);
    await reconfigure(b).click();
    const key = await readKey(b);
    await a.getByText(/This key was replaced/).waitFor();
    await a.getByRole('button', { name: 'Show the new key' }).click();
    expect(await readKey(a)).toBe(key);
    const step = stepNow();
    await a.getByLabel('Security code from the new device').fill(codeForStep(key, step));
    await a.getByLabel('Current security code').fill(codeForStep(secret, step));
    await configure(a).click();
    await a.getByText(/^Your new device is set up\./).waitFor();
    const ended = b.getByText(/finished in another tab with this key/);
    await ended.waitFor();
    // Its key is the one that works now: no "delete its entry", and no new key to make.
    expect(await b.getByText(/delete its entry/).count()).toBe(0);
    expect(await b.getByRole('button', { name: 'Get a new key' }).count()).toBe(0);
    const back = b.getByRole('button', { name: 'Back' });
    expect(await back.getAttribute('class')).toContain('btn-primary');
    expect(await atBothSizes(b, 'finished-in-other-tab', [ended, back])).toEqual([]);
    await back.click();
    await b.getByText(/Two-factor authentication is on/).waitFor();
    await context.close();
  });

  it('another browser sees on return that the setup was finished with another key, and makes none', async () => {
    const secret = SEEDED.tabs4;
    const x = await asUser('tabs4', { secret });
    const y = await asUser('tabs4', { secret });
    await reconfigure(x.page).click();
    await readKey(x.page);
    await reconfigure(y.page).click();
    const key = await readKey(y.page);
    const step = stepNow();
    await y.page.getByLabel('Security code from the new device').fill(codeForStep(key, step));
    await y.page.getByLabel('Current security code').fill(codeForStep(secret, step));
    await configure(y.page).click();
    await y.page.getByText(/^Your new device is set up\./).waitFor();
    await x.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    const ended = x.page.getByText(/finished in another tab or window, so this key is not needed/);
    await ended.waitFor();
    const dead = x.page.getByText(new RegExp(`delete its entry “${escape(HOST)} \\(tabs4\\)” now`));
    expect(await x.page.getByRole('button', { name: 'Get a new key' }).count()).toBe(0);
    expect(await atBothSizes(x.page, 'finished-in-other-browser', [ended, dead])).toEqual([]);
    expect(userState('tabs4')['pending']).toBeUndefined();
    await x.context.close();
    await y.context.close();
  });
});

describe('5. lost-phone help that is true for each role and state', () => {
  it('a reseller with 2FA on is told to ask the host or its owner in Manage Users, with no root command', async () => {
    const { page, context } = await asUser('lost1', { secret: SEEDED.lost1 });
    const lost = page.locator('.whm2fa-lost');
    await lost.waitFor();
    const text = (await lost.textContent()) ?? '';
    expect(text).toMatch(/ask your host \(root\), or the reseller that owns your account.* in Manage Users/);
    expect(text).not.toMatch(/whm2fa remove|SSH/);
    expect(await atBothSizes(page, 'lost-phone-reseller', [lost])).toEqual([]);
    await context.close();
  });

  it('a reseller with 2FA off is shown no lost-phone help', async () => {
    const { page, context } = await asUser('lost2');
    const off = page.getByText(/Two-factor authentication is off/);
    await off.waitFor();
    expect(await page.getByRole('heading', { name: 'Lost your phone?' }).count()).toBe(0);
    expect(await page.locator('.whm2fa-app').textContent()).not.toMatch(/whm2fa remove/);
    expect(await atBothSizes(page, 'lost-phone-off', [off])).toEqual([]);
    await context.close();
  });

  it('root, with the login policy off, is told it turns the policy on in Settings, and gets its SSH command', async () => {
    expect((await api(stage.server, 'root', { action: 'policy.set', enabled: false })).json().ok).toBe(true);
    try {
      const { page, context } = await asUser('root');
      await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
      const key = await readKey(page);
      await page.getByLabel('Security code', { exact: true }).fill(codeForStep(key, stepNow()));
      await configure(page).click();
      const done = page.getByText(
        'Two-factor authentication is set up. Logins will ask for a code once you turn on the two-factor login policy in Settings.',
      );
      await done.waitFor();
      // The notice says it (the status line does not repeat it beneath: issue 20). On the
      // next visit the status line says the same, with where root turns the policy on.
      await page.reload();
      const state = page.locator('.whm2fa-state', { hasText: 'login policy is off' });
      await state.waitFor();
      expect(await state.textContent()).toMatch(/login policy is off\. You can turn it on in Settings\.$/);
      const command = page.locator('.whm2fa-lost code');
      expect(await command.textContent()).toBe('whm2fa remove root --reason "lost phone"');
      expect(await page.locator('.whm2fa-app').textContent()).not.toMatch(/once the host/);
      expect(await atBothSizes(page, 'root-policy-off', [state, command])).toEqual([]);
      await context.close();
    } finally {
      await api(stage.server, 'root', { action: 'policy.set', enabled: true });
    }
  });
});

describe('6. an ended session is said once', () => {
  it('a setup whose WHM session ended shows one alert with the login link, at both widths', async () => {
    const { page, context } = await asUser('ended1');
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    const key = await readKey(page);
    const other = await context.newPage();
    await other.goto(`${stage.url}/logout/`);
    await page.getByLabel('Security code', { exact: true }).fill(codeForStep(key, stepNow()));
    await configure(page).click();
    await page
      .getByText(/Your WHM session has ended/)
      .first()
      .waitFor();
    // Every request after it is refused too (the status read again, the setup's own checks).
    await page.waitForTimeout(1500);
    expect(await page.getByText(/Your WHM session has ended/).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Log in to WHM again' }).count()).toBe(1);
    const alert = page.getByText(/Your WHM session has ended/);
    expect(await atBothSizes(page, 'session-ended-once', [alert])).toEqual([]);
    await context.close();
  });
});
