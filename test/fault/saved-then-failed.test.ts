// cPanel's tool does the work and then fails: exits non-zero, is killed, hangs past the
// timeout, prints garbage — or whm2fa's own audit log cannot be written after cPanel
// changed. For every write whm2fa makes (enable, replace, remove, removal by an
// administrator through the page and the CLI, the account hook's cleanup), the answer,
// `status`, the audit trail and the email follow what cPanel's store really holds.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  auditLines,
  cpanelSecrets,
  cpanelTool,
  mails,
  makeServer,
  replaceTool,
  whm2fa,
  type Server,
} from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';

const FAULTS = ['exit', 'kill', 'hang', 'garbage', 'break-state'] as const;
type Fault = (typeof FAULTS)[number];
const OLD = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const names = (prefix: string): string[] => FAULTS.map((_, i) => `${prefix}${String(i)}`);
const accounts = ['en', 'rp', 'rm', 'ad', 'cl'].flatMap((prefix) =>
  names(prefix).map((user) => ({ user, owner: 'root', domain: `${user}.example.com`, email: `${user}@example.com` })),
);
const seeded = Object.fromEntries(
  accounts.filter((a) => !a.user.startsWith('en')).map((a) => [a.user, OLD] as [string, string]),
);

let server: Server;
beforeAll(() => {
  server = makeServer({
    accounts,
    resellers: Object.fromEntries(accounts.map((a) => [a.user, ['list-accts']])),
    secrets: { ...seeded, ...Object.fromEntries(names('stale').map((n) => [n, OLD])) },
    installArgs: ['--tool-timeout', '2'],
  });
});
afterAll(() => server.cleanup());

const auditLog = (): string => join(server.root, 'var/cpanel/whm2fa/audit.log');
/** Runs `fn` while cPanel's tool `key` misbehaves with `fault` after its work. */
function withFault<T>(key: string, fault: Fault, fn: () => T): T {
  const file = join(server.root, 'var/fake-cpanel/faults.json');
  mkdirSync(join(server.root, 'var/fake-cpanel'), { recursive: true });
  writeFileSync(file, JSON.stringify({ [key]: fault }));
  const off = (): void => rmSync(file, { force: true });
  let result: T;
  try {
    result = fn();
  } catch (err) {
    off();
    throw err;
  }
  if (result instanceof Promise) return result.finally(off) as T;
  off();
  return result;
}
/** Puts the audit log back after a break-state fault made it a directory. */
function repairAudit(): boolean {
  try {
    if (!statSync(auditLog()).isDirectory()) return false;
  } catch {
    return false;
  }
  rmSync(auditLog(), { recursive: true, force: true });
  return true;
}
const lastEntry = (subject: string, action: string): Record<string, string> | undefined =>
  auditLines(server)
    .filter((l) => l['subject'] === subject && l['action'] === action)
    .at(-1);
const mailTo = (user: string, words: string): boolean =>
  mails(server).some((m) => m.includes(`To: ${user}@example.com`) && m.includes(words));
const status = async (user: string): Promise<Record<string, unknown>> =>
  (await api(server, user, { action: 'status' })).json().data ?? {};

// An account's key is saved with the one-key UAPI call (docs/decisions/one-key-writes.md).
const SET = 'uapi:set_user_configuration';
const REMOVE = 'whmapi1:twofactorauth_remove_user_config';

describe.each(FAULTS.map((fault, i) => [fault, i] as const))('cPanel saves, then the tool fails: %s', (fault, i) => {
  const n = String(i);
  it('enable: on, said to be on, audited and mailed as on', async () => {
    const user = `en${n}`;
    const start = await api(server, user, { action: 'enroll.start' });
    const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
    const r = await withFault(SET, fault, () =>
      api(server, user, { action: 'enroll.confirm', code: codeForStep(secret, stepNow()) }),
    );
    expect(cpanelSecrets(server)[user]).toEqual({ secret });
    expect(r.json()).toMatchObject({ ok: true, data: { enabled: true } });
    const broken = repairAudit();
    expect(broken).toBe(fault === 'break-state');
    if (broken) expect(r.json().data?.['warning']).toMatch(/could not update its own records/);
    else expect(lastEntry(user, 'enable')?.['result']).toMatch(/^ok/);
    expect(await status(user)).toMatchObject({ enabled: true, pending: false });
    expect(mailTo(user, 'turned on')).toBe(true);
  });

  it('replace: the new key, said to be saved, audited and mailed as replaced', async () => {
    const user = `rp${n}`;
    const start = await api(server, user, { action: 'enroll.start' });
    const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
    const step = stepNow();
    const r = await withFault(SET, fault, () =>
      api(server, user, {
        action: 'enroll.confirm',
        code: codeForStep(secret, step),
        currentCode: codeForStep(OLD, step),
      }),
    );
    expect(cpanelSecrets(server)[user]).toEqual({ secret });
    expect(r.json()).toMatchObject({ ok: true, data: { enabled: true } });
    const broken = repairAudit();
    expect(broken).toBe(fault === 'break-state');
    if (broken) expect(r.json().data?.['warning']).toMatch(/could not update its own records/);
    else expect(lastEntry(user, 'replace')?.['result']).toMatch(/^ok/);
    expect(mailTo(user, 'was replaced')).toBe(true);
  });

  it('remove (own): off, said to be off, audited and mailed as off', async () => {
    const user = `rm${n}`;
    const r = await withFault(REMOVE, fault, () =>
      api(server, user, { action: 'remove', code: codeForStep(OLD, stepNow()) }),
    );
    expect(cpanelSecrets(server)[user]).toBeUndefined();
    expect(r.json()).toMatchObject({ ok: true, data: { enabled: false } });
    const broken = repairAudit();
    expect(broken).toBe(fault === 'break-state');
    if (broken) expect(r.json().data?.['warning']).toMatch(/is off\. whm2fa could not update its own records/);
    else expect(lastEntry(user, 'remove')?.['result']).toMatch(/^ok/);
    expect(await status(user)).toMatchObject({ enabled: false });
    expect(mailTo(user, 'turned off')).toBe(true);
  });

  it('removal by root in Manage Users: reported removed, audited and mailed', async () => {
    const user = `ad${n}`;
    const r = await withFault(REMOVE, fault, () =>
      api(server, 'root', { action: 'users.remove', users: [user], reason: 'lost phone' }),
    );
    expect(cpanelSecrets(server)[user]).toBeUndefined();
    expect(r.json()).toMatchObject({ ok: true, data: { removed: [user], failed: {} } });
    const broken = repairAudit();
    expect(broken).toBe(fault === 'break-state');
    if (broken) expect(r.json().data?.['warning']).toMatch(/could not update its own records/);
    else expect(lastEntry(user, 'admin.remove')?.['result']).toBe('ok: identity not confirmed (no recovery code)');
    expect(mailTo(user, 'removed from your account by an administrator')).toBe(true);
  });

  it('removal by root with whm2fa remove: exit 0 and the same records', () => {
    const user = `cl${n}`;
    const r = withFault(REMOVE, fault, () => whm2fa(server, 'remove', user, '--reason', 'lost phone', '--json'));
    expect(cpanelSecrets(server)[user]).toBeUndefined();
    expect(r.status).toBe(0);
    const answer = JSON.parse(r.out) as { data?: { warning?: string } };
    expect(answer).toMatchObject({ ok: true, data: { removed: [user] } });
    const broken = repairAudit();
    expect(broken).toBe(fault === 'break-state');
    if (broken) expect(answer.data?.warning).toMatch(/could not update its own records/);
    else expect(lastEntry(user, 'admin.remove')?.['result']).toBe('ok: identity not confirmed (no recovery code)');
    expect(mailTo(user, 'removed from your account by an administrator')).toBe(true);
  });

  it('the account hook’s cleanup of a stale entry: the audit says what the store shows', () => {
    const user = `stale${n}`;
    const created = withFault(REMOVE, fault, () =>
      cpanelTool(server, 'whmapi1', ['--output=json', 'createacct', `username=${user}`, `domain=${user}.example.com`]),
    );
    expect(created.status).toBe(0);
    expect(cpanelSecrets(server)[user]).toBeUndefined();
    if (!repairAudit()) expect(lastEntry(user, 'account.create')?.['result']).toMatch(/stale 2FA entry .* removed$/);
  });
});

describe('a tool that refuses before doing anything', () => {
  it('enable: not saved, said so, the setup still pending, and the retry works', async () => {
    const user = 'en0';
    // Remove first, to set up again with a tool that refuses.
    await api(server, 'root', { action: 'users.remove', users: [user], reason: 'test' });
    const start = await api(server, user, { action: 'enroll.start' });
    const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
    // Both save calls refuse: the one-key call, and the whole-set call whm2fa may fall back to.
    const restoreUapi = replaceTool(
      server,
      'uapi',
      '#!/bin/sh\necho \'{"apiversion":3,"result":{"status":0,"errors":["Access denied"]}}\'\n',
    );
    const restoreWhmapi1 = replaceTool(
      server,
      'whmapi1',
      '#!/bin/sh\necho \'{"metadata":{"result":0,"reason":"Access denied"}}\'\n',
    );
    const restore = (): void => {
      restoreUapi();
      restoreWhmapi1();
    };
    const step = stepNow();
    let r;
    try {
      r = await api(server, user, { action: 'enroll.confirm', code: codeForStep(secret, step) });
    } finally {
      restore();
    }
    expect(r.json().error).toMatchObject({
      code: 'CPANEL_FAILED',
      message: expect.stringMatching(
        /cPanel did not save the new key \(cPanel said: Access denied\)\. Two-factor authentication is still off\./,
      ) as unknown,
    });
    expect(lastEntry(user, 'enable')?.['result']).toMatch(/^failed: cPanel did not save the key/);
    expect(await status(user)).toMatchObject({ enabled: false, pending: true });
    const retry = await api(server, user, { action: 'enroll.confirm', code: codeForStep(secret, step + 1) });
    expect(retry.json()).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
  });
});
