// A reseller sets up 2FA in the real page (reading the key from it and computing the
// code here), is asked for the code at the next login, reconfigures and removes; a
// replayed code is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cpanelSecrets } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';
import { freshCode, login, openPlugin, openStage, type Stage } from './support';

let stage: Stage;
let page: Page;
beforeAll(async () => {
  stage = await openStage();
  page = await stage.browser.newPage();
});
afterAll(async () => {
  await stage.close();
});

async function readKey(): Promise<string> {
  await page.getByRole('img', { name: /QR code/ }).waitFor();
  const grouped = (await page.locator('.whm2fa-secret').textContent()) ?? '';
  return grouped.replace(/\s+/g, '');
}

describe('reseller1 in the local WHM', () => {
  let secret = '';
  let used = 0;

  it('sets up 2FA from the Plugins menu', async () => {
    await login(page, stage.url, 'reseller1');
    await openPlugin(page);
    await page.getByRole('button', { name: 'Set up Two-Factor Authentication' }).click();
    secret = await readKey();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    used = stepNow();
    await page.getByLabel('Security code', { exact: true }).fill(codeForStep(secret, used));
    await page.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
    await page.getByText(/From your next login, WHM asks for a security code/).waitFor();
    expect(cpanelSecrets(stage.server)['reseller1']).toEqual({ secret });
  });

  it('is asked for the security code at the next login, and a wrong one is refused', async () => {
    await page.goto(`${stage.url}/logout/`);
    await login(page, stage.url, 'reseller1');
    await page.getByLabel('Security code').fill(codeForStep(secret, stepNow() + 3));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('The security code is invalid.').waitFor();
    await page.getByLabel('Security code').fill(codeForStep(secret, stepNow()));
    await page.getByRole('button', { name: 'Log in' }).click();
    await openPlugin(page);
    await page.getByText(/Two-factor authentication is on/).waitFor();
  });

  it('refuses a replayed code when reconfiguring, then reconfigures with both codes', async () => {
    await page.getByRole('button', { name: 'Reconfigure Two-Factor Authentication' }).click();
    const next = await readKey();
    await page.getByLabel('Security code from the new device').fill(codeForStep(next, used));
    await page.getByLabel('Current security code').fill(codeForStep(secret, used));
    await page.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
    await page.getByText(/already used\. Wait for your app to show the next code/).waitFor();
    const fresh = await freshCode(page, next, used);
    await page.getByLabel('Security code from the new device').fill(fresh.code);
    await page.getByLabel('Current security code').fill(codeForStep(secret, fresh.step));
    await page.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
    await page
      .getByText(/^Your new device is set up\. From now on only its codes work\. Delete the old entry/)
      .waitFor();
    expect(cpanelSecrets(stage.server)['reseller1']).toEqual({ secret: next });
    secret = next;
    used = fresh.step;
  });

  it('removes 2FA with a current code', async () => {
    await page.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    await dialog.waitFor();
    // The page behind the dialog is inert (set as the dialog opens): the dialog's button is
    // then the only one to press.
    await expect
      .poll(() => page.getByRole('button', { name: 'Remove Two-Factor Authentication' }).count(), { timeout: 5000 })
      .toBe(1);
    const fresh = await freshCode(page, secret, used);
    await dialog.getByLabel('Security code').fill(fresh.code);
    await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    await page.getByText('Two-factor authentication is off. Logging in needs only your password.').waitFor();
    expect(cpanelSecrets(stage.server)['reseller1']).toBeUndefined();
  });
});
