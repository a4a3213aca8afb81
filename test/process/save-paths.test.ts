// How a key gets into cPanel's store for each kind of WHM user (docs/cpanel.md,
// "set_tfa_config_for_user"): one call for everyone, the body on stdin, the account's
// email and team-user entries sent back so they survive; refused, plainly, on a cPanel
// that has no such call.
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
    expect(result).toEqual({ ok: true, data: { enabled: true } });
    expect(cpanelSecrets(server)['nodomain']).toEqual({ secret });
  });

  it('an account’s email and team-user entries survive its own setup', async () => {
    open();
    const before = cpanelSecrets(server);
    const { secret, result } = await enroll('shop1');
    expect(result).toEqual({ ok: true, data: { enabled: true } });
    expect(cpanelSecrets(server)).toEqual({ ...before, shop1: { secret } });
    expect(before['info@shop1.example.com']).toBeDefined();
    expect(before['dev@shop1']).toBeDefined();
  });

  it('an email entry cPanel says the account does not own is left out of the body, and left alone', async () => {
    open();
    const store = join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    writeFileSync(
      store,
      JSON.stringify({ ...cpanelSecrets(server), 'old@shop1.example.com': { secret: 'MFRGGZDFMZTWQ2LK' } }),
    );
    const { secret, result } = await enroll('shop1');
    expect(result).toEqual({ ok: true, data: { enabled: true } });
    const after = cpanelSecrets(server);
    expect(after['shop1']).toEqual({ secret });
    expect(after['info@shop1.example.com']).toBeDefined();
    // cPanel refused the first body for it, and deletes only the mailboxes it knows.
    expect(after['old@shop1.example.com']).toEqual({ secret: 'MFRGGZDFMZTWQ2LK' });
    expect(auditLines(server).find((l) => l['action'] === 'enable')?.['result']).toBe('ok');
  });

  it('a refused entry is matched exactly: a live mailbox whose name ends the same keeps its key', async () => {
    open();
    const pop = join(server.root, 'home/shop1/etc/shop1.example.com/passwd');
    writeFileSync(pop, `${readFileSync(pop, 'utf8')}a:x:30000:30000::/home/shop1/mail/a:/bin/false\n`);
    const store = join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    writeFileSync(
      store,
      JSON.stringify({
        ...cpanelSecrets(server),
        'a@shop1.example.com': { secret: 'GEZDGNBVGY3TQOJQ' },
        'ba@shop1.example.com': { secret: 'MFRGGZDFMZTWQ2LK' },
      }),
    );
    const { result } = await enroll('shop1');
    expect(result).toEqual({ ok: true, data: { enabled: true } });
    expect(cpanelSecrets(server)['a@shop1.example.com']).toEqual({ secret: 'GEZDGNBVGY3TQOJQ' });
    expect(cpanelSecrets(server)['ba@shop1.example.com']).toEqual({ secret: 'MFRGGZDFMZTWQ2LK' });
  });

  it.each(['root', 'reseller1', 'nodomain'])(
    'on cPanel 11.120, %s gets a coded error naming why, and nothing changes',
    async (user) => {
      open('11.120.0.16');
      const before = cpanelSecrets(server);
      const { result } = await enroll(user);
      expect(result.error?.code).toBe('CPANEL_FAILED');
      expect(result.error?.message).toContain('This server runs cPanel 11.120');
      expect(result.error?.message).toContain('Two-factor authentication was not changed');
      expect(cpanelSecrets(server)).toEqual(before);
      expect((await api(server, user, { action: 'status' })).json().data).toMatchObject({ enabled: false });
    },
  );
});
