// Accounts named like Object.prototype's members work like any other, through the built
// api.cgi as a process and through the installed `whm2fa` command.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cpanelSecrets, makeServer, type Server, HOST } from '../support/server';

const SECRETS = {
  valueof: 'JBSWY3DPEHPK3PXP',
  hasownproperty: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF',
  tostring: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
};

let server: Server;
beforeAll(() => {
  server = makeServer({
    secrets: SECRETS,
    resellers: { constructor: ['create-acct', 'list-accts', 'kill-acct'] },
    accounts: [
      { user: 'constructor', owner: 'root', domain: 'ctor.example.com', email: 'ctor@example.com' },
      { user: 'tostring', owner: 'constructor', domain: 'tostring.example.com', email: 'ts@example.com' },
      { user: 'valueof', owner: 'constructor', domain: 'valueof.example.com', email: 'vo@example.com' },
      { user: 'hasownproperty', owner: 'constructor', domain: 'hop.example.com', email: 'hop@example.com' },
    ],
  });
});
afterAll(() => server.cleanup());

function cli(...args: string[]): { status: number | null; json: () => Record<string, unknown> } {
  const r = spawnSync(join(server.root, 'usr/local/sbin/whm2fa'), args, { encoding: 'utf8' });
  return { status: r.status, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
}

describe('prototype-named accounts through the command line', () => {
  it('status, list, remove and audit work for them (before any issuer is saved)', () => {
    expect(cli('status', 'constructor', '--json').json()).toMatchObject({
      ok: true,
      data: { user: 'constructor', enabled: false, issuer: HOST },
    });
    expect(cli('status', 'valueof', '--json').json()).toMatchObject({
      data: { user: 'valueof', enabled: true, issuer: HOST },
    });
    const list = cli('list', '--json').json() as { data: { users: Array<{ user: string }> } };
    expect(list.data.users.map((u) => u.user)).toEqual([
      'root',
      'constructor',
      'hasownproperty',
      'tostring',
      'valueof',
    ]);
    const none = cli('remove', 'constructor', '--reason', 'nothing to remove', '--json');
    expect(none.status).toBe(1);
    expect(none.json()).toMatchObject({ ok: false, error: { code: 'NOT_ENABLED' } });
    const audit = cli('audit', '--user', 'constructor', '--json');
    expect(audit.status).toBe(0);
    expect(audit.json()).toEqual({ ok: true, data: { entries: [] } });
  });
});

describe('prototype-named accounts through the API', () => {
  it('a reseller named "constructor" gets the default issuer, not a function', async () => {
    const status = await api(server, 'constructor', { action: 'status' });
    expect(status.json()).toMatchObject({
      ok: true,
      data: { user: 'constructor', enabled: false, issuer: HOST },
    });
    const settings = await api(server, 'constructor', { action: 'settings.get' });
    expect(settings.json().data).toMatchObject({ issuer: HOST });
    const start = await api(server, 'constructor', { action: 'enroll.start' });
    expect(start.json().data?.['otpauthUri']).toMatch(
      new RegExp(
        `^otpauth://totp/${encodeURIComponent(HOST)}:constructor\\?secret=[A-Z2-7]+&issuer=${encodeURIComponent(HOST)}$`,
      ),
    );
    expect(start.json().data?.['issuer']).toBe(HOST);
  });

  it('lists, removes and audits the accounts it owns', async () => {
    const list = await api(server, 'constructor', { action: 'users.list' });
    const users = (list.json().data?.['users'] as Array<{ user: string; enabled: boolean }>).map(
      (u) => `${u.user}:${String(u.enabled)}`,
    );
    expect(users).toEqual(['hasownproperty:true', 'tostring:true', 'valueof:true']);
    const removed = await api(server, 'constructor', {
      action: 'users.remove',
      users: ['valueof', 'tostring'],
      reason: 'lost phones',
    });
    expect(removed.json()).toEqual({
      ok: true,
      data: { removed: ['valueof', 'tostring'], failed: {}, mailed: ['valueof', 'tostring'], notMailed: {} },
    });
    const again = await api(server, 'constructor', { action: 'users.remove', users: ['valueof'], reason: 'again' });
    expect(again.json().data).toEqual({
      removed: [],
      failed: { valueof: 'Two-factor authentication is not turned on for this account.' },
      mailed: [],
      notMailed: {},
    });
    const audit = await api(server, 'constructor', { action: 'audit.list' });
    const entries = audit.json().data?.['entries'] as Array<Record<string, string>>;
    expect(entries.map((e) => `${e['subject'] ?? ''}:${e['owner'] ?? ''}`)).toEqual([
      'tostring:constructor',
      'valueof:constructor',
    ]);
  });

  it('saves and reads back its own issuer', async () => {
    const set = await api(server, 'constructor', { action: 'settings.set', issuer: 'Ctor Hosting' });
    expect(set.json().data).toMatchObject({ issuer: 'Ctor Hosting' });
    expect((await api(server, 'constructor', { action: 'status' })).json().data).toMatchObject({
      issuer: 'Ctor Hosting',
    });
  });

  it('root removes from "constructor" and "hasownproperty" like any other account', async () => {
    const r = await api(server, 'root', {
      action: 'users.remove',
      users: ['constructor', 'hasownproperty'],
      reason: 'audit',
    });
    expect(r.json().data).toEqual({
      removed: ['hasownproperty'],
      failed: { constructor: 'Two-factor authentication is not turned on for this account.' },
      mailed: ['hasownproperty'],
      notMailed: {},
    });
    expect(cpanelSecrets(server)['hasownproperty']).toBeUndefined();
  });

  it('an action named like a prototype member is unknown', async () => {
    for (const action of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const r = await api(server, 'root', { action });
      expect(r.json().error?.code, action).toBe('BAD_REQUEST');
    }
  });
});
