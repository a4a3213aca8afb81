// Issue 20 in a real browser, at 1280 and 360 px: the page says only what is true. A rate
// limit is not called a lock of wrong codes; axe-core finds nothing in each state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { BURST } from '../../plugin/src/rateLimit';
import { checkBothWidths, login, openPlugin, openStage, type Stage } from './support';

const ACLS = ['create-acct', 'list-accts'];
const ZONE = 'America/New_York';

let stage: Stage;
beforeAll(async () => {
  stage = await openStage({ resellers: { reseller1: ACLS, reseller2: ACLS, busy1: ACLS } });
});
afterAll(async () => {
  await stage.close();
});

async function asUser(user: string): Promise<Page> {
  const context = await stage.browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: ZONE });
  const page = await context.newPage();
  await login(page, stage.url, user);
  await openPlugin(page);
  return page;
}

describe('a rate limit', () => {
  it(`after ${String(BURST)} setup starts in a row, the page says so and when to retry, in local time`, async () => {
    for (let n = 0; n < BURST; n += 1) {
      expect((await api(stage.server, 'busy1', { action: 'enroll.start' })).status).toBe(200);
    }
    const page = await asUser('busy1');
    const [answer] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/api.cgi') && (r.request().postData() ?? '').includes('enroll.start'),
      ),
      page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click(),
    ]);
    expect(answer.status()).toBe(429);
    const retryAfter = ((await answer.json()) as { error: { retryAfter: string } }).error.retryAfter;
    const minute = new Date(Math.ceil(Date.parse(retryAfter) / 60_000) * 60_000);
    const local = minute.toLocaleTimeString('en-US', { timeZone: ZONE, hour: 'numeric', minute: '2-digit' });
    const alert = page.getByRole('alert').filter({ hasText: 'too many times' });
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      `You did this too many times in a short time, so the server is pausing it. Try again after ${local}. Nothing was changed.`,
    );
    const text = (await page.locator('.whm2fa').textContent()) ?? '';
    expect(text).not.toMatch(/wrong security codes|Verification is locked/);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    expect(await checkBothWidths(page, 'rate-limited')).toEqual([]);
    await page.context().close();
  });
});

describe('the issuer field', () => {
  it('names a refused character and cPanel’s rule as it is typed, and previews what would be accepted', async () => {
    const page = await asUser('reseller1');
    await page.getByRole('tab', { name: 'Settings' }).click();
    const field = page.getByLabel('Issuer');
    await field.fill('Hébergement');
    const hint = page.locator('#whm2fa-issuer-hint');
    expect(await hint.textContent()).toBe(
      '“é” cannot be used in the issuer. Use 1 to 32 characters: the letters A–Z and a–z (no accents), digits, spaces, dots (.), underscores (_) and hyphens (-).',
    );
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Save issuer' }).isDisabled()).toBe(true);
    expect(await page.locator('.whm2fa-preview').textContent()).toBe(
      'Typed without accents, new setups show: Hebergement (reseller1)',
    );
    expect(await checkBothWidths(page, 'issuer-refused-character')).toEqual([]);
    // A character with no plain form: named, and no preview claims anything.
    await field.fill('Web/Mail');
    expect(await hint.textContent()).toMatch(/^“\/” cannot be used in the issuer\. Use 1 to 32 characters/);
    expect(await page.locator('.whm2fa-preview').count()).toBe(0);
    await field.fill('Hebergement');
    expect(await page.locator('.whm2fa-preview').textContent()).toBe(
      'After saving, new setups show: Hebergement (reseller1)',
    );
    await page.getByRole('button', { name: 'Save issuer' }).click();
    await page.getByText('Issuer saved: authenticator apps will show “Hebergement” for new setups.').waitFor();
    await page.context().close();
  });
});
