// Root removes an account's 2FA in Manage Users and the owner sees it in Activity; a
// reseller never sees another reseller's accounts; the setup works by keyboard alone;
// axe-core finds no violation on any tab or dialog; screenshots at two widths.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cpanelSecrets } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';
import { axeProblems, login, openPlugin, openStage, SHOTS, type Stage } from './support';

let stage: Stage;
beforeAll(async () => {
  stage = await openStage({ secrets: { shop1: 'JBSWY3DPEHPK3PXP', blog2: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF' } });
});
afterAll(async () => {
  await stage.close();
});

async function asUser(user: string): Promise<Page> {
  const context = await stage.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await login(page, stage.url, user);
  await openPlugin(page);
  return page;
}

describe('Manage Users and Activity across roles', () => {
  it('root removes shop1’s 2FA with a reason; reseller1 sees it in Activity', async () => {
    const root = await asUser('root');
    await root.getByRole('tab', { name: 'Manage Users' }).click();
    await root.getByText('2 of 4 accounts protected').waitFor();
    await root.getByRole('button', { name: "Remove shop1's two-factor authentication" }).click();
    const dialog = root.getByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    await dialog.waitFor();
    expect(await root.getByRole('button', { name: 'Remove Two-Factor Authentication' }).count()).toBe(1);
    await dialog.getByLabel('Reason').fill('Customer lost phone; identity checked by ticket');
    await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    await root.getByText('Two-factor authentication removed from shop1. Emailed: shop1.').waitFor();
    expect(cpanelSecrets(stage.server)['shop1']).toBeUndefined();

    const owner = await asUser('reseller1');
    await owner.getByRole('tab', { name: 'Activity' }).click();
    const row = owner.getByRole('row').filter({ hasText: 'Removed by an administrator' });
    await row.waitFor();
    expect(await row.textContent()).toContain('shop1');
    expect(await row.textContent()).toContain('Customer lost phone');
  });

  it('root’s filter and sort go to the server: the table shows the page it answers', async () => {
    const root = await asUser('root');
    await root.getByRole('tab', { name: 'Manage Users' }).click();
    await root.getByRole('row').filter({ hasText: 'shop1' }).first().waitFor();
    const asked: unknown[] = [];
    root.on('request', (r) => {
      if (r.url().endsWith('/api.cgi')) asked.push(r.postDataJSON());
    });
    await root.getByLabel('Filter accounts').fill('BLOG');
    await root.getByRole('row').filter({ hasText: 'shop1' }).first().waitFor({ state: 'detached' });
    const names = async (): Promise<string[]> =>
      (await root.locator('tbody tr td:nth-child(2)').allTextContents()).map((t) => t.trim());
    expect(await names()).toEqual(['blog2']);
    // The header shows the new sort as soon as it is clicked; the request goes out after
    // the next render, so wait for its answer rather than for the header.
    const sorted = root.waitForResponse(
      (r) => r.url().endsWith('/api.cgi') && (r.request().postDataJSON() as { sort?: string }).sort === 'owner',
    );
    await root.getByRole('button', { name: 'Owner' }).click();
    await sorted;
    await root.getByRole('columnheader', { name: /Owner/ }).and(root.locator('[aria-sort="ascending"]')).waitFor();
    expect(asked).toEqual([
      { action: 'users.list', search: 'BLOG', sort: 'user', page: 1 },
      { action: 'users.list', search: 'BLOG', sort: 'owner', page: 1 },
    ]);
  });

  it('a reseller never sees another reseller’s accounts', async () => {
    const page = await asUser('reseller2');
    await page.getByRole('tab', { name: 'Manage Users' }).click();
    await page.getByText('1 of 1 accounts protected').waitFor();
    const text = (await page.locator('table').textContent()) ?? '';
    expect(text).toContain('blog2');
    expect(text).not.toContain('shop1');
    expect(text).not.toContain('reseller1');
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    expect(await page.locator('.whm2fa-activity, p').allTextContents()).not.toContain('shop1');
  });
});

describe('keyboard only', () => {
  it('sets up 2FA without a mouse', async () => {
    const context = await stage.browser.newContext();
    const page = await context.newPage();
    await login(page, stage.url, 'reseller2');
    await openPlugin(page);
    const focusOn = async (name: string): Promise<void> => {
      for (let i = 0; i < 40; i += 1) {
        await page.keyboard.press('Tab');
        const label = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim() || (el?.id ?? '');
        });
        if (label === name) return;
      }
      throw new Error(`could not reach ${name} with Tab`);
    };
    await focusOn('Set up Two-Factor Authentication');
    await page.keyboard.press('Enter');
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = ((await page.locator('.whm2fa-secret').textContent()) ?? '').replace(/\s+/g, '');
    await focusOn('whm2fa-code');
    await page.keyboard.type(codeForStep(secret, stepNow()));
    await page.keyboard.press('Enter');
    await page.getByText(/From your next login, WHM asks for a security code/).waitFor();
    expect(cpanelSecrets(stage.server)['reseller2']).toEqual({ secret });
  });
});

describe('accessibility and looks', () => {
  const widths = [
    ['desktop', 1280],
    ['360px', 360],
  ] as const;

  it('axe-core reports no violation on each tab and dialog; screenshots at two widths', async () => {
    const page = await asUser('root');
    const problems: string[] = [];
    const check = async (name: string): Promise<void> => {
      for (const p of await axeProblems(page)) problems.push(`${name}: ${p}`);
      for (const [label, width] of widths) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    };
    await check('my-account');
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await check('setup');
    await page.getByRole('button', { name: 'Cancel' }).click();
    for (const [tab, name] of [
      ['Manage Users', 'users'],
      ['Settings', 'settings'],
      ['Activity', 'activity'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tabpanel').locator('h2').first().waitFor();
      await check(name);
    }
    await page.getByRole('tab', { name: 'Manage Users' }).click();
    await page.getByRole('checkbox', { name: 'Select blog2' }).check();
    await page.getByRole('button', { name: /Remove Two-Factor Authentication \(1 selected\)/ }).click();
    await page.getByRole('dialog').waitFor();
    await check('users-remove-dialog');
    expect(problems).toEqual([]);
  });
});
