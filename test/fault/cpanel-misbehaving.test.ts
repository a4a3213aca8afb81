// cPanel's tools failing before they do anything, in every way we can think of, and its
// 2FA files missing or damaged: a clear CPANEL_FAILED that says the state the store is in,
// nothing half-done, and the next request works. (Tools that fail after doing the work:
// saved-then-failed.test.ts.)
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cpanelSecrets, makeServer, replaceTool, type Server } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';

const SECRETS: Record<string, string> = {
  r1: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  r2: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF',
  r3: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  r4: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
  r5: 'ONSWG4TFOQYTEMZUGU3DOOBZGAYTEMZU',
};
const TEAM_KEY = 'KRSXG5CTMVRXEZLU';
const accounts = ['r1', 'r2', 'r3', 'r4', 'r5', 'n1', 'n2', 'n3', 'n4', 'n5'].map((user) => ({
  user,
  owner: 'root',
  domain: `${user}.example.com`,
  email: `${user}@example.com`,
}));

let server: Server;
beforeAll(() => {
  server = makeServer({
    accounts,
    resellers: Object.fromEntries(accounts.map((a) => [a.user, ['list-accts']])),
    // Team keys beside n1–n4: when their one-key save is refused, the whole-set call would
    // touch those, so whm2fa may not fall back to it and the refusal is what the user hears.
    secrets: {
      ...SECRETS,
      'dev@n1': TEAM_KEY,
      'dev@n2': TEAM_KEY,
      'dev@n3': TEAM_KEY,
      'dev@n4': TEAM_KEY,
    },
    // A short limit keeps the hanging-tool test quick; install.sh's default is 20 s.
    installArgs: ['--tool-timeout', '3'],
  });
});
afterAll(() => server.cleanup());

const MISBEHAVIOURS: Array<[string, string, RegExp]> = [
  [
    'exits non-zero with a reason',
    '#!/bin/sh\necho "Cpanel::Exception: database is locked" >&2\nexit 1\n',
    /database is locked/,
  ],
  ['prints garbage', '#!/bin/sh\necho "<html>500 Internal Server Error</html>"\n', /could not be understood/],
  ['prints nothing', '#!/bin/sh\nexit 0\n', /could not be understood/],
  [
    'answers result 0 with its reason',
    '#!/bin/sh\necho \'{"metadata":{"result":0,"reason":"Access denied"},"data":null}\'\n',
    /Access denied/,
  ],
];

function withTool<T>(tool: 'whmapi1' | 'uapi', script: string, fn: () => Promise<T>): Promise<T> {
  const restore = replaceTool(server, tool, script);
  return fn().finally(restore);
}

describe('removal when whmapi1 misbehaves', () => {
  const users = ['r1', 'r2', 'r3', 'r4'];
  MISBEHAVIOURS.forEach(([name, script, reason], index) => {
    it(`${name}: CPANEL_FAILED, 2FA still on (said so), and the retry works`, async () => {
      const user = users[index] ?? '';
      const secret = SECRETS[user] ?? '';
      const step = stepNow();
      const r = await withTool('whmapi1', script, () =>
        api(server, user, { action: 'remove', code: codeForStep(secret, step) }),
      );
      expect(r.status).toBe(502);
      expect(r.json().error?.code).toBe('CPANEL_FAILED');
      expect(r.json().error?.message).toMatch(reason);
      expect(r.json().error?.message).toMatch(/It is still on/);
      expect(r.body).not.toContain(secret);
      expect(cpanelSecrets(server)[user]).toEqual({ secret });
      const retry = await api(server, user, { action: 'remove', code: codeForStep(secret, step + 1) });
      expect(retry.json()).toEqual({ ok: true, data: { enabled: false } });
    });
  });
});

describe('enrollment when uapi (the account’s one-key save) misbehaves before saving', () => {
  const users = ['n1', 'n2', 'n3', 'n4'];
  MISBEHAVIOURS.forEach(([name, script], index) => {
    it(`${name}: CPANEL_FAILED, 2FA still off, the setup still pending, and the retry works`, async () => {
      const user = users[index] ?? '';
      const start = await api(server, user, { action: 'enroll.start' });
      const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
      const step = stepNow();
      // uapi answers with UAPI's envelope: a refusal is `status: 0` with its errors.
      const uapiScript = script.replace(
        '{"metadata":{"result":0,"reason":"Access denied"},"data":null}',
        '{"apiversion":3,"result":{"status":0,"errors":["Access denied"],"data":null}}',
      );
      const r = await withTool('uapi', uapiScript, () =>
        api(server, user, { action: 'enroll.confirm', code: codeForStep(secret, step) }),
      );
      expect(r.json().error?.code).toBe('CPANEL_FAILED');
      expect(r.json().error?.message).toMatch(/Two-factor authentication is still off\.$/);
      expect(cpanelSecrets(server)[user]).toBeUndefined();
      expect((await api(server, user, { action: 'status' })).json().data).toMatchObject({
        enabled: false,
        pending: true,
      });
      const retry = await api(server, user, { action: 'enroll.confirm', code: codeForStep(secret, step + 1) });
      expect(retry.json()).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
      expect(cpanelSecrets(server)[user]).toEqual({ secret });
    });
  });
});

describe('a tool that hangs', () => {
  it('is stopped after the configured limit with CPANEL_FAILED; the store shows nothing changed', async () => {
    const user = 'r5';
    const secret = SECRETS[user] ?? '';
    const started = Date.now();
    const r = await withTool('whmapi1', '#!/bin/sh\nexec sleep 120\n', () =>
      api(server, user, { action: 'remove', code: codeForStep(secret, stepNow()) }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(r.json().error).toMatchObject({ code: 'CPANEL_FAILED' });
    expect(r.json().error?.message).toMatch(/did not answer in time/);
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThan(15);
    expect(cpanelSecrets(server)[user]).toEqual({ secret });
  }, 60_000);
});

describe('cPanel’s 2FA files', () => {
  const file = (): string => join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');

  it('damaged: a clear error, the file left as it was, and nothing else changed', async () => {
    const original = readFileSync(file(), 'utf8');
    writeFileSync(file(), '{"r1": {"secret": "JBSW');
    try {
      const status = await api(server, 'n5', { action: 'status' });
      expect(status.status).toBe(502);
      expect(status.json().error?.code).toBe('CPANEL_FAILED');
      expect(status.json().error?.message).toMatch(/could not be read/);
      const list = await api(server, 'root', { action: 'users.list' });
      expect(list.json().error?.code).toBe('CPANEL_FAILED');
      expect(readFileSync(file(), 'utf8')).toBe('{"r1": {"secret": "JBSW');
    } finally {
      writeFileSync(file(), original);
    }
    expect((await api(server, 'n5', { action: 'status' })).json().ok).toBe(true);
  });

  it('missing: nobody has 2FA, and the store is made again by cPanel on the next save', async () => {
    const original = readFileSync(file(), 'utf8');
    rmSync(file());
    try {
      expect((await api(server, 'n5', { action: 'status' })).json().data).toMatchObject({ enabled: false });
      const start = await api(server, 'n5', { action: 'enroll.start' });
      const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
      const r = await api(server, 'n5', { action: 'enroll.confirm', code: codeForStep(secret, stepNow()) });
      expect(r.json()).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
      expect(cpanelSecrets(server)['n5']).toEqual({ secret });
    } finally {
      const now = JSON.parse(readFileSync(file(), 'utf8')) as Record<string, unknown>;
      writeFileSync(file(), JSON.stringify({ ...(JSON.parse(original) as Record<string, unknown>), ...now }));
    }
  });
});
