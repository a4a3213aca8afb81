// How a key gets into cPanel's store for each kind of WHM user
// (docs/decisions/one-key-writes.md): root's and an account's own through the calls that
// change one key, the body on stdin; the whole-set call only for a key alone; a user no
// call can serve refused plainly, with nothing changed.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, auditLines, cpanelSecrets, makeServer, type Server } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';

let server: Server;
afterEach(() => server.cleanup());
const open = (version?: string): void => {
  // "nodomain" is a reseller without a cPanel account; shop1 is a reseller too here, with
  // an email account and a team user that have 2FA of their own.
  server = makeServer({
    resellers: { reseller1: ['list-accts'], reseller2: [], nodomain: ['list-accts'], shop1: [] },
    ...(version === undefined ? {} : { version }),
  });
};

async function enroll(
  user: string,
): Promise<{ secret: string; result: ReturnType<Awaited<ReturnType<typeof api>>['json']> }> {
  const start = await api(server, user, { action: 'enroll.start' });
  const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
  const r = await api(server, user, { action: 'enroll.confirm', code: codeForStep(secret, stepNow()) });
  return { secret, result: r.json() };
}

describe('saving into cPanel’s store', () => {
  it('a reseller without a cPanel account is saved like any other', async () => {
    open();
    const { secret, result } = await enroll('nodomain');
    expect(result).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(cpanelSecrets(server)['nodomain']).toEqual({ secret });
  });

  it('an account’s email and team-user entries survive its own setup', async () => {
    open();
    const before = cpanelSecrets(server);
    const { secret, result } = await enroll('shop1');
    expect(result).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(cpanelSecrets(server)).toEqual({ ...before, shop1: { secret } });
    expect(before['info@shop1.example.com']).toBeDefined();
    expect(before['dev@shop1']).toBeDefined();
    // cPanel's UAPI call fired its own hook, which compared the store: whm2fa's own save is
    // recorded once, as whm2fa's, not also as a change made in cPanel.
    expect(
      auditLines(server)
        .filter((l) => l['subject'] === 'shop1')
        .map((l) => [l['actor'], l['action']]),
    ).toEqual([['shop1', 'enable']]);
  });

  const withoutFeature = (user: string): void => {
    const file = join(server.root, 'var/cpanel/users', user);
    writeFileSync(file, readFileSync(file, 'utf8').replace('FEATURE-TWOFACTORAUTH=1', 'FEATURE-TWOFACTORAUTH=0'));
  };

  it('an account without the twofactorauth feature and with mailbox keys gets a coded error; nothing changes', async () => {
    open();
    withoutFeature('shop1');
    const before = cpanelSecrets(server);
    const { result } = await enroll('shop1');
    expect(result.error?.code).toBe('CPANEL_FAILED');
    expect(result.error?.message).toBe(
      'cPanel refused to save the key (This feature is not enabled for your account.), and its only other call would also rewrite the two-factor keys of this account’s email accounts and team users, so whm2fa did not use it. Ask your host to turn on the Two-Factor Authentication feature for your account, then try again. Two-factor authentication is still off.',
    );
    expect(cpanelSecrets(server)).toEqual(before);
    expect(auditLines(server).find((l) => l['action'] === 'enable')?.['result']).toMatch(
      /^failed: not saved: cPanel refused/,
    );
  });

  it('an account without the feature and no other keys is saved with its key alone', async () => {
    open();
    withoutFeature('reseller1');
    const before = cpanelSecrets(server);
    const { secret, result } = await enroll('reseller1');
    expect(result).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(cpanelSecrets(server)).toEqual({ ...before, reseller1: { secret } });
  });

  it.each(['root', 'reseller1'])('on cPanel 11.120, %s enrols through its one-key call', async (user) => {
    open('11.120.0.16');
    const before = cpanelSecrets(server);
    const { secret, result } = await enroll(user);
    expect(result).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(cpanelSecrets(server)).toEqual({ ...before, [user]: { secret } });
  });

  it('on cPanel 11.120, a reseller without a cPanel account gets a coded error naming why, and nothing changes', async () => {
    open('11.120.0.16');
    const before = cpanelSecrets(server);
    const { result } = await enroll('nodomain');
    expect(result.error?.code).toBe('CPANEL_FAILED');
    expect(result.error?.message).toBe(
      'This WHM account has no cPanel account, and cPanel 11.120 has no call that saves its key without putting it on a command line every local user can read (twofactorauth_set_tfa_config_for_user needs cPanel 11.122 or newer). Ask your host to update cPanel. Two-factor authentication is still off.',
    );
    expect(cpanelSecrets(server)).toEqual(before);
    expect((await api(server, 'nodomain', { action: 'status' })).json().data).toMatchObject({ enabled: false });
  });
});
