// Every action of docs/api.md through the installed api.cgi, spawned with cpsrvd's
// environment against a tree with fake whmapi1/uapi/sendmail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  api,
  auditLines,
  cpanelSecrets,
  mails,
  makeServer,
  readJson,
  type Server,
  HOST,
  replaceTool,
} from '../support/server';
import { codeForStep, stepNow, wrongCodeNow } from '../support/rfc6238';

const SEEDED = {
  shop1: 'JBSWY3DPEHPK3PXP', // an 80-bit secret as cPanel's own page makes them
  blog2: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF',
  reseller2: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
};

let server: Server;
beforeAll(() => {
  server = makeServer({
    secrets: SEEDED,
    resellers: { reseller1: ['create-acct', 'list-accts'], reseller2: ['list-accts'], boss: ['all'] },
  });
});
afterAll(() => server.cleanup());

describe('status', () => {
  it('answers for root and runs no cPanel tool', async () => {
    const r = await api(server, 'root', { action: 'status' });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json()).toEqual({
      ok: true,
      data: {
        user: 'root',
        isRoot: true,
        enabled: false,
        policyEnabled: true,
        issuer: HOST,
        pending: false,
        lockedUntil: null,
        attemptsLeft: 5,
        pendingKeyId: null,
        removedByAdmin: null,
        keyLabel: null,
        recoveryCodesLeft: null,
      },
    });
  });

  it('runs no cPanel tool (it reads cPanel’s files)', async () => {
    const bin = join(server.root, 'usr/local/cpanel/bin');
    const marker = join(server.root, 'tool-ran');
    const originals = ['whmapi1', 'uapi'].map((tool) => [tool, readFileSync(join(bin, tool), 'utf8')] as const);
    for (const [tool] of originals) writeFileSync(join(bin, tool), `#!/bin/sh\ntouch ${marker}\nexit 1\n`);
    try {
      const r = await api(server, 'reseller2', { action: 'status' });
      expect(r.json().data).toMatchObject({ enabled: true, policyEnabled: true });
      expect(existsSync(marker)).toBe(false);
    } finally {
      for (const [tool, text] of originals) writeFileSync(join(bin, tool), text);
    }
  });

  it('reports 2FA from cPanel’s store for a reseller', async () => {
    const r = await api(server, 'reseller2', { action: 'status' });
    expect(r.json().data).toMatchObject({ user: 'reseller2', isRoot: false, enabled: true });
  });
});

describe('a reseller sets up, then replaces its device', () => {
  let secret = '';
  let enabledAt = 0;

  it('enroll.start gives a 160-bit secret, key URI, QR SVG, account, issuer and expiry', async () => {
    const before = Date.now();
    const r = await api(server, 'reseller1', { action: 'enroll.start' });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const data = r.json().data as Record<string, string>;
    secret = data['secret'] ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(data['otpauthUri']).toBe(`otpauth://totp/${HOST}:reseller1?secret=${secret}&issuer=${HOST}`);
    expect(data['qrSvg']).toMatch(/^<svg[^>]*viewBox/);
    expect(data['account']).toBe('reseller1');
    expect(data['issuer']).toBe(HOST);
    const expires = Date.parse(data['expiresAt'] ?? '');
    expect(expires - before).toBeGreaterThan(595_000);
    expect(expires - before).toBeLessThan(605_000);
    expect((await api(server, 'reseller1', { action: 'status' })).json().data).toMatchObject({
      pending: true,
      enabled: false,
    });
    // Nothing reached cPanel yet, and the pending secret is in a 0600 file.
    expect(cpanelSecrets(server)['reseller1']).toBeUndefined();
    expect(statSync(join(server.root, 'var/cpanel/whm2fa/users/reseller1.json')).mode & 0o777).toBe(0o600);
  });

  it('a wrong code does not enable 2FA', async () => {
    const r = await api(server, 'reseller1', { action: 'enroll.confirm', code: wrongCodeNow(secret) });
    expect(r.status).toBe(422);
    expect(r.json().error).toMatchObject({ code: 'CODE_INVALID' });
    expect(r.json().error?.message).toMatch(/time automatically/);
    expect(cpanelSecrets(server)['reseller1']).toBeUndefined();
  });

  it('a valid code saves the secret into cPanel through uapi, audits and emails', async () => {
    enabledAt = stepNow();
    const r = await api(server, 'reseller1', { action: 'enroll.confirm', code: codeForStep(secret, enabledAt) });
    expect(r.json()).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(cpanelSecrets(server)['reseller1']).toEqual({ secret });
    expect((await api(server, 'reseller1', { action: 'status' })).json().data).toMatchObject({
      enabled: true,
      pending: false,
    });
    const entry = auditLines(server).find((l) => l['action'] === 'enable');
    expect(entry).toMatchObject({ actor: 'reseller1', subject: 'reseller1', ip: '203.0.113.7', result: 'ok' });
    const mail = mails(server).find((m) => m.includes('To: reseller1@example.com') && m.includes('turned on'));
    expect(mail).toBeDefined();
    expect(mail).toContain('203.0.113.7');
    expect(mail).not.toContain(secret);
  });

  it('a code of an already used step is refused the second time', async () => {
    const start = await api(server, 'reseller1', { action: 'enroll.start' });
    const fresh = (start.json().data as Record<string, string>)['secret'] ?? '';
    const r = await api(server, 'reseller1', {
      action: 'enroll.confirm',
      code: codeForStep(fresh, enabledAt),
      currentCode: codeForStep(secret, enabledAt),
    });
    expect(r.json().error?.code).toBe('CODE_REPLAYED');
  });

  it('replacing needs the current code, and the old device works until both are proven', async () => {
    const start = await api(server, 'reseller1', { action: 'enroll.start' });
    const next = (start.json().data as Record<string, string>)['secret'] ?? '';
    const missing = await api(server, 'reseller1', {
      action: 'enroll.confirm',
      code: codeForStep(next, enabledAt + 1),
    });
    expect(missing.status).toBe(400);
    expect(missing.json().error?.code).toBe('BAD_REQUEST');
    const wrongCurrent = await api(server, 'reseller1', {
      action: 'enroll.confirm',
      code: codeForStep(next, enabledAt + 1),
      currentCode: wrongCodeNow(secret),
    });
    expect(wrongCurrent.json().error?.code).toBe('CODE_INVALID');
    expect(cpanelSecrets(server)['reseller1']).toEqual({ secret });
    const ok = await api(server, 'reseller1', {
      action: 'enroll.confirm',
      code: codeForStep(next, enabledAt + 1),
      currentCode: codeForStep(secret, enabledAt + 1),
    });
    // The answer names the old key as the app shows it, for the page to say which entry to delete.
    expect(ok.json()).toEqual({
      ok: true,
      data: { enabled: true, replaced: { issuer: HOST, account: 'reseller1' }, recoveryCodes: expect.any(Array) },
    });
    expect(cpanelSecrets(server)['reseller1']).toEqual({ secret: next });
    expect(auditLines(server).some((l) => l['action'] === 'replace' && l['result'] === 'ok')).toBe(true);
    expect(mails(server).some((m) => m.includes('To: reseller1@example.com') && m.includes('replaced'))).toBe(true);
  });

  it('enroll.confirm without a setup in progress is NO_PENDING', async () => {
    const r = await api(server, 'reseller1', { action: 'enroll.confirm', code: '123456', currentCode: '123456' });
    expect(r.status).toBe(409);
    expect(r.json().error?.code).toBe('NO_PENDING');
  });

  it('enroll.cancel drops the pending setup', async () => {
    await api(server, 'reseller1', { action: 'enroll.start' });
    const r = await api(server, 'reseller1', { action: 'enroll.cancel' });
    expect(r.json()).toEqual({ ok: true, data: { pending: false } });
    expect((await api(server, 'reseller1', { action: 'status' })).json().data).toMatchObject({
      pending: false,
      enabled: true,
    });
  });
});

describe('a failed email', () => {
  it('is recorded in the audit log and does not block the change', async () => {
    const restore = replaceTool(server, 'sendmail', '#!/bin/sh\ncat >/dev/null\nexit 75\n');
    try {
      const r = await api(server, 'root', { action: 'users.remove', users: ['reseller2'], reason: 'mail test' });
      expect(r.json().data).toEqual({
        removed: ['reseller2'],
        failed: {},
        mailed: [],
        notMailed: { reseller2: 'sendmail exited with status 75' },
      });
      expect(auditLines(server).at(-1)).toMatchObject({
        action: 'mail',
        subject: 'reseller2',
        result: 'not sent: sendmail exited with status 75',
      });
    } finally {
      restore();
    }
    // Put reseller2's 2FA back for the tests below.
    const bin = join(server.root, 'usr/local/cpanel/bin/whmapi1');
    const back = spawnSync(bin, ['--output=json', '--input=json', 'twofactorauth_set_tfa_config_for_user'], {
      input: JSON.stringify({ reseller2: { primary_account: { secret: SEEDED.reseller2 } } }),
      encoding: 'utf8',
    });
    expect(back.status).toBe(0);
  });
});

describe('root sets up its own 2FA through whmapi1', () => {
  it('enables with a code', async () => {
    const start = await api(server, 'root', { action: 'enroll.start' });
    const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
    const r = await api(server, 'root', { action: 'enroll.confirm', code: codeForStep(secret, stepNow()) });
    expect(r.json()).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(cpanelSecrets(server)['root']).toEqual({ secret });
    expect(mails(server).some((m) => m.includes('To: admin@sandbox.test'))).toBe(true);
  });
});

describe('remove (own, with the current code)', () => {
  it('needs a valid code, then removes the secret from cPanel', async () => {
    const secret = SEEDED.reseller2;
    const wrong = await api(server, 'reseller2', { action: 'remove', code: wrongCodeNow(secret) });
    expect(wrong.json().error?.code).toBe('CODE_INVALID');
    expect(cpanelSecrets(server)['reseller2']).toBeDefined();
    const r = await api(server, 'reseller2', { action: 'remove', code: codeForStep(secret, stepNow()) });
    expect(r.json()).toEqual({ ok: true, data: { enabled: false } });
    expect(cpanelSecrets(server)['reseller2']).toBeUndefined();
    expect(mails(server).some((m) => m.includes('To: reseller2@example.com') && m.includes('turned off'))).toBe(true);
    const again = await api(server, 'reseller2', { action: 'remove', code: codeForStep(secret, stepNow()) });
    expect(again.status).toBe(409);
    expect(again.json().error?.code).toBe('NOT_ENABLED');
  });
});

describe('authorization, case by case', () => {
  const listFor = async (user: string): Promise<string[]> =>
    ((await api(server, user, { action: 'users.list' })).json().data?.['users'] as Array<{ user: string }>).map(
      (u) => u.user,
    );

  it('root sees every account (not itself) with domain, owner and state', async () => {
    const r = await api(server, 'root', { action: 'users.list' });
    const users = r.json().data?.['users'] as Array<Record<string, unknown>>;
    expect(users.map((u) => u['user'])).toEqual(['blog2', 'boss', 'reseller1', 'reseller2', 'shop1']);
    expect(users.find((u) => u['user'] === 'shop1')).toEqual({
      user: 'shop1',
      domain: 'shop1.example.com',
      owner: 'reseller1',
      enabled: true,
      lastReminded: null,
    });
  });

  it('a reseller sees only the accounts it owns', async () => {
    expect(await listFor('reseller1')).toEqual(['shop1']);
    expect(await listFor('reseller2')).toEqual(['blog2']);
  });

  it('a reseller holding "all" is root-level', async () => {
    expect((await api(server, 'boss', { action: 'status' })).json().data).toMatchObject({ isRoot: true });
    expect(await listFor('boss')).toEqual(['blog2', 'reseller1', 'reseller2', 'shop1']);
  });

  it('a reseller may not remove 2FA from another reseller’s account, and nothing changes', async () => {
    const r = await api(server, 'reseller1', { action: 'users.remove', users: ['blog2'], reason: 'lost phone' });
    expect(r.status).toBe(403);
    expect(r.json().error?.code).toBe('FORBIDDEN');
    expect(cpanelSecrets(server)['blog2']).toBeDefined();
  });

  it('a reseller may not use Manage Users on itself (its own removal asks for a code)', async () => {
    const r = await api(server, 'reseller1', { action: 'users.remove', users: ['reseller1'], reason: 'x' });
    expect(r.json().error?.code).toBe('FORBIDDEN');
    expect(cpanelSecrets(server)['reseller1']).toBeDefined();
  });

  it('a list naming one forbidden account changes nothing at all', async () => {
    const r = await api(server, 'reseller1', { action: 'users.remove', users: ['shop1', 'root'], reason: 'x' });
    expect(r.json().error?.code).toBe('FORBIDDEN');
    expect(cpanelSecrets(server)['shop1']).toBeDefined();
  });

  it('a reseller removes 2FA from an account it owns, with a reason that is recorded and mailed', async () => {
    const r = await api(server, 'reseller1', {
      action: 'users.remove',
      users: ['shop1'],
      reason: 'Customer lost their phone',
    });
    expect(r.json()).toEqual({ ok: true, data: { removed: ['shop1'], failed: {}, mailed: ['shop1'], notMailed: {} } });
    expect(cpanelSecrets(server)['shop1']).toBeUndefined();
    expect(auditLines(server).find((l) => l['action'] === 'admin.remove' && l['subject'] === 'shop1')).toMatchObject({
      actor: 'reseller1',
      reason: 'Customer lost their phone',
      result: 'ok: identity not confirmed (no recovery code)',
    });
    const mail = mails(server).find((m) => m.includes('To: owner@shop1.example.com'));
    expect(mail).toContain('Customer lost their phone');
    expect(mail).toContain('reseller1');
  });

  it('root removes several; an account without 2FA is reported, not an error', async () => {
    const r = await api(server, 'root', { action: 'users.remove', users: ['blog2', 'shop1'], reason: 'audit' });
    expect(r.json().data).toEqual({
      removed: ['blog2'],
      failed: { shop1: 'Two-factor authentication is not turned on for this account.' },
      mailed: ['blog2'],
      notMailed: {},
    });
  });

  it('users.remove needs a reason', async () => {
    const r = await api(server, 'root', { action: 'users.remove', users: ['blog2'], reason: '   ' });
    expect(r.json().error?.code).toBe('BAD_REQUEST');
  });

  it('an unknown user, a cPanel-only user and a malformed name are refused', async () => {
    for (const user of ['nobody', 'shop1', '../root', 'a;b', 'ROOT', '']) {
      const r = await api(server, user, { action: 'status' });
      expect(r.status, user).toBe(403);
      expect(r.json().error?.code).toBe('FORBIDDEN');
    }
    const none = await api(server, 'root', { action: 'status' }, { user: undefined });
    expect(none.json().error?.code).toBe('FORBIDDEN');
  });

  it('only root-level callers switch the login policy', async () => {
    const denied = await api(server, 'reseller1', { action: 'policy.set', enabled: false });
    expect(denied.json().error?.code).toBe('FORBIDDEN');
    const off = await api(server, 'root', { action: 'policy.set', enabled: false });
    expect(off.json()).toEqual({ ok: true, data: { policyEnabled: false } });
    expect(readFileSync(join(server.root, 'var/cpanel/cpanel.config'), 'utf8')).toContain(
      'SecurityPolicy::TwoFactorAuth=0',
    );
    const on = await api(server, 'boss', { action: 'policy.set', enabled: true });
    expect(on.json()).toEqual({ ok: true, data: { policyEnabled: true } });
  });
});

describe('settings', () => {
  const issuers = (): Record<string, string> =>
    readJson(join(server.root, 'var/cpanel/authn/twofactor_auth/issuer_userdata.json')) as Record<string, string>;

  it('root sets the system-wide issuer through cPanel; empty resets it to the hostname', async () => {
    const r = await api(server, 'root', { action: 'settings.set', issuer: 'Example Hosting' });
    expect(r.json().data).toEqual({
      issuer: 'Example Hosting',
      systemWideIssuer: 'Example Hosting',
      policyEnabled: true,
      defaultIssuer: HOST,
    });
    expect(issuers()['system_wide_issuer']).toBe('Example Hosting');
    expect((await api(server, 'reseller2', { action: 'settings.get' })).json().data).toMatchObject({
      issuer: 'Example Hosting',
    });
    const reset = await api(server, 'root', { action: 'settings.set', issuer: '' });
    expect(reset.json().data).toMatchObject({ issuer: HOST, systemWideIssuer: HOST });
  });

  it('a reseller keeps its own issuer, used in its key URI, without touching root’s', async () => {
    const r = await api(server, 'reseller2', { action: 'settings.set', issuer: 'Reseller Two' });
    expect(r.json().data).toEqual({
      issuer: 'Reseller Two',
      systemWideIssuer: HOST,
      policyEnabled: true,
      defaultIssuer: HOST,
    });
    expect(issuers()['system_wide_issuer']).toBeUndefined();
    const start = await api(server, 'reseller2', { action: 'enroll.start' });
    expect((start.json().data as Record<string, string>)['otpauthUri']).toMatch(
      /^otpauth:\/\/totp\/Reseller%20Two:reseller2\?secret=[A-Z2-7]+&issuer=Reseller%20Two$/,
    );
    const cleared = await api(server, 'reseller2', { action: 'settings.set', issuer: '' });
    expect(cleared.json().data).toMatchObject({ issuer: HOST });
  });

  it('refuses an issuer outside cPanel’s rule and changes nothing', async () => {
    for (const issuer of ['a'.repeat(33), 'Bad:Name', 'x<y>', 'tab\there']) {
      const r = await api(server, 'root', { action: 'settings.set', issuer });
      expect(r.json().error?.code, issuer).toBe('BAD_REQUEST');
    }
    expect(issuers()['system_wide_issuer']).toBeUndefined();
  });
});

describe('audit.list', () => {
  it('root sees every entry, newest first, paged with before', async () => {
    const r = await api(server, 'root', { action: 'audit.list', limit: 3 });
    const entries = r.json().data?.['entries'] as Array<Record<string, string>>;
    expect(entries).toHaveLength(3);
    for (const e of entries)
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['at', 'actor', 'subject', 'action', 'ip', 'result']));
    expect(entries[0]!['at']! >= entries[2]!['at']!).toBe(true);
    const older = await api(server, 'root', { action: 'audit.list', limit: 500, before: entries[2]!['at'] });
    for (const e of older.json().data?.['entries'] as Array<Record<string, string>>)
      expect(e['at']! < entries[2]!['at']!).toBe(true);
  });

  it('a reseller sees entries about itself and the accounts it owns only', async () => {
    const r = await api(server, 'reseller1', { action: 'audit.list', limit: 500 });
    const entries = r.json().data?.['entries'] as Array<Record<string, string>>;
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(['reseller1', 'shop1']).toContain(e['subject']);
  });

  it('never holds a secret', () => {
    const text = readFileSync(join(server.root, 'var/cpanel/whm2fa/audit.log'), 'utf8');
    for (const secret of Object.values(SEEDED)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[A-Z2-7]{32}/);
  });
});

describe('cPanel refusing the change', () => {
  it('leaves 2FA as it was, says so, and keeps the pending setup', async () => {
    // A server of its own: no earlier test has used this key's codes.
    const own = makeServer({ secrets: { reseller1: SEEDED.reseller2 } });
    try {
      const start = await api(own, 'reseller1', { action: 'enroll.start' });
      const next = (start.json().data as Record<string, string>)['secret'] ?? '';
      const before = cpanelSecrets(own)['reseller1'];
      // The account's one-key call refuses, and so does the whole-set call whm2fa may try next.
      const restoreUapi = replaceTool(
        own,
        'uapi',
        '#!/bin/sh\necho \'{"apiversion":3,"result":{"status":0,"errors":["The feature is disabled."]}}\'\n',
      );
      const restoreWhmapi1 = replaceTool(
        own,
        'whmapi1',
        '#!/bin/sh\necho \'{"metadata":{"result":0,"reason":"The feature is disabled."}}\'\n',
      );
      const restore = (): void => {
        restoreUapi();
        restoreWhmapi1();
      };
      let r;
      try {
        const step = stepNow();
        r = await api(own, 'reseller1', {
          action: 'enroll.confirm',
          code: codeForStep(next, step),
          currentCode: codeForStep(before?.secret ?? '', step),
        });
      } finally {
        restore();
      }
      expect(r.status).toBe(502);
      expect(r.json().error).toMatchObject({
        code: 'CPANEL_FAILED',
        message:
          'cPanel did not save the new key (cPanel said: The feature is disabled.). Two-factor authentication is still on with your current device.',
      });
      expect(cpanelSecrets(own)['reseller1']).toEqual(before);
      expect((await api(own, 'reseller1', { action: 'status' })).json().data).toMatchObject({
        pending: true,
        enabled: true,
      });
    } finally {
      own.cleanup();
    }
  });
});
