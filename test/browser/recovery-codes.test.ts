// Recovery codes in the real page, at 1280×800 and 360×740 with axe-core finding nothing:
// shown once after setup with Copy, Download and Print (on paper only the codes); the
// warning once 3 or fewer are left; new ones with a current code; and root's removal in
// Manage Users confirmed by one of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { api, auditLines, cpanelSecrets, mails, replaceTool } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';
import { axeProblems, freshCode, login, openPlugin, openStage, SHOTS, type Stage } from './support';

const FORMAT = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;
const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 360, height: 740 }],
] as const;

let stage: Stage;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
beforeAll(async () => {
  stage = await openStage();
  context = await stage.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stage.url });
  page = await context.newPage();
});
afterAll(async () => {
  await stage.close();
});

/** axe-core at both sizes, nothing panning sideways, a screenshot of each. */
async function checkSizes(on: Page, name: string): Promise<void> {
  for (const [label, size] of SIZES) {
    await on.setViewportSize(size);
    for (const p of await axeProblems(on)) problems.push(`${name} at ${label}: ${p}`);
    const wide = await on.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (wide > 0) problems.push(`${name} at ${label}: the page pans sideways by ${String(wide)} px`);
    await on.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await on.setViewportSize(SIZES[0][1]);
}

const shownCodes = async (on: Page): Promise<string[]> =>
  (await on.locator('.whm2fa-code-list li').allTextContents()).map((t) => t.trim());

describe('reseller1’s recovery codes', () => {
  let secret = '';
  let used = 0;
  let first: string[] = [];
  let second: string[] = [];

  it('are shown once after setup, with a clear message', async () => {
    await login(page, stage.url, 'reseller1');
    await openPlugin(page);
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    secret = ((await page.locator('.whm2fa-secret').textContent()) ?? '').replace(/\s+/g, '');
    used = stepNow();
    await page.getByLabel('Security code', { exact: true }).fill(codeForStep(secret, used));
    await page.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
    await page.getByRole('heading', { name: 'Recovery codes for reseller1' }).waitFor();
    first = await shownCodes(page);
    expect(first).toHaveLength(10);
    for (const code of first) expect(code).toMatch(FORMAT);
    await page.getByText('They are shown only now.').waitFor();
    await page.getByText('10 of 10 recovery codes left.').waitFor();
    await checkSizes(page, 'recovery-codes-shown');
  });

  it('Copy puts all ten on the clipboard', async () => {
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Codes copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first.join('\n'));
  });

  it('Download as text saves whm2fa-recovery-codes-reseller1.txt with the ten codes', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download as text' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('whm2fa-recovery-codes-reseller1.txt');
    const text = readFileSync(await download.path(), 'utf8');
    expect(text).toContain('recovery codes for reseller1');
    expect(text.trim().split('\n').slice(-10)).toEqual(first);
  });

  it('Print prints, and on paper only the codes are there', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { printed: number };
      w.printed = 0;
      window.print = () => {
        w.printed += 1;
      };
    });
    await page.getByRole('button', { name: 'Print' }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    try {
      for (const code of first) expect(await page.getByText(code, { exact: true }).isVisible()).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'recovery-codes-print.png'), fullPage: true });
      for (const hidden of [
        page.getByRole('heading', { name: 'Your account (reseller1)' }),
        page.getByRole('tab', { name: 'Manage my Account' }),
        page.getByRole('button', { name: 'Codes copied' }),
        page.getByText('They are shown only now.'),
        page.getByRole('button', { name: 'Reconfigure Two-Factor Authentication' }),
      ])
        expect(await hidden.isVisible()).toBe(false);
      // Nothing else takes room on the paper either: the codes' panel is at the top.
      const box = await page.locator('.whm2fa-codes').boundingBox();
      expect(box?.y).toBeLessThan(100);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('are gone once saved, and not shown again on the next visit', async () => {
    await page.getByRole('button', { name: 'I have saved them' }).click();
    expect(await page.locator('.whm2fa-code-list').count()).toBe(0);
    await page.reload();
    await page.getByText('10 of 10 recovery codes left.').waitFor();
    expect(await page.content()).not.toContain(first[0]);
  });

  it('warns once 3 or fewer are left', async () => {
    // Seven codes are spent: each given to root, whose removal cPanel then refused.
    const restore = replaceTool(
      stage.server,
      'whmapi1',
      '#!/bin/sh\necho \'{"metadata":{"result":0,"reason":"cPanel is busy."}}\'\n',
    );
    try {
      for (const code of first.slice(3)) {
        const r = await api(stage.server, 'root', { action: 'users.remove', users: ['reseller1'], recoveryCode: code });
        expect(r.json().data?.['removed']).toEqual([]);
      }
    } finally {
      restore();
    }
    await page.reload();
    const warning = page.getByText(/^3 of 10 recovery codes left\. Make new ones soon/);
    await warning.waitFor();
    expect(await warning.getAttribute('class')).toMatch(/alert-warning/);
    await checkSizes(page, 'recovery-codes-low');
  });

  it('new ones need a current security code, and are shown once', async () => {
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Make new recovery codes?' });
    await dialog.waitFor();
    await checkSizes(page, 'recovery-codes-new-dialog');
    const fresh = await freshCode(page, secret, used);
    await dialog.getByLabel('Security code').fill(fresh.code);
    await dialog.getByRole('button', { name: 'Make new codes' }).click();
    await page.getByText('New recovery codes are made. Your earlier codes no longer work.').waitFor();
    second = await shownCodes(page);
    expect(second).toHaveLength(10);
    expect(second.some((c) => first.includes(c))).toBe(false);
    await page.getByText('10 of 10 recovery codes left.').waitFor();
    used = fresh.step;
  });

  it('root removes 2FA in Manage Users with one of them: an old one is refused, a new one confirms', async () => {
    const root = await (await stage.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await login(root, stage.url, 'root');
    await openPlugin(root);
    await root.getByRole('tab', { name: 'Manage Users' }).click();
    await root.getByRole('button', { name: "Remove reseller1's two-factor authentication" }).click();
    const dialog = root.getByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    await dialog.waitFor();
    const field = dialog.getByLabel('Recovery code (if the user gave you one)');
    await field.fill(first[0] ?? '');
    await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    await dialog.getByText(/That recovery code is not correct/).waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await checkSizes(root, 'recovery-code-refused');
    expect(cpanelSecrets(stage.server)['reseller1']).toBeDefined();
    await field.fill(second[4]?.toLowerCase() ?? '');
    await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    await root
      .getByText(
        'Two-factor authentication removed from reseller1: identity confirmed with a recovery code. Emailed: reseller1.',
      )
      .waitFor();
    expect(cpanelSecrets(stage.server)['reseller1']).toBeUndefined();
    expect(
      auditLines(stage.server)
        .filter((l) => l['action'] === 'admin.remove')
        .at(-1),
    ).toMatchObject({
      actor: 'root',
      subject: 'reseller1',
      result: 'ok: identity confirmed with a recovery code',
    });
    expect(
      mails(stage.server).some(
        (m) =>
          m.includes('To: reseller1@example.com') && m.includes('Identity: confirmed with one of your recovery codes'),
      ),
    ).toBe(true);
    await checkSizes(root, 'recovery-code-removed');
  });

  it('axe-core found no violation, and nothing panned sideways', () => {
    expect(problems).toEqual([]);
  });
});
