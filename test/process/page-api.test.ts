// What the page's finished states need from api.cgi: named pending keys (a code for a
// replaced key is not a wrong guess), attempts left, the fields a refusal names, an
// administrator's removal on the account's own status, Activity filters under the
// visibility rule, and the issuer an empty field gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, makeServer, type Server, HOST } from '../support/server';
import { codeForStep, stepNow, wrongCodeNow } from '../support/rfc6238';

const RESELLER2 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

let server: Server;
beforeAll(() => {
  server = makeServer({ secrets: { reseller2: RESELLER2 } });
});
afterAll(() => server.cleanup());

type Data = Record<string, unknown>;
const data = async (user: string, body: Data): Promise<Data> => (await api(server, user, body)).json().data ?? {};
const status = (user: string) => data(user, { action: 'status' });
const start = async (user: string) => (await data(user, { action: 'enroll.start' })) as Record<string, string>;

describe('pending keys are named, and a code for a replaced key is not a wrong guess', () => {
  it('enroll.start names its key; status names the live one; the name is not the secret', async () => {
    const first = await start('reseller1');
    expect(first['keyId']).toMatch(/^[0-9a-f]{16}$/);
    expect(first['secret']).not.toContain(first['keyId']);
    expect(await status('reseller1')).toMatchObject({ pending: true, pendingKeyId: first['keyId'], attemptsLeft: 5 });
  });

  it('after a second start, a right code for the first key is refused as replaced and not counted', async () => {
    const first = await start('reseller1');
    const second = await start('reseller1');
    expect(second['keyId']).not.toBe(first['keyId']);
    const r = await api(server, 'reseller1', {
      action: 'enroll.confirm',
      keyId: first['keyId'],
      code: codeForStep(first['secret'] ?? '', stepNow()),
    });
    expect(r.status).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'NO_PENDING', message: expect.stringMatching(/replaced/) });
    expect(await status('reseller1')).toMatchObject({ attemptsLeft: 5, pendingKeyId: second['keyId'] });
  });

  it('a wrong code for the live key counts and names its field; a malformed one does not count', async () => {
    const key = await start('reseller1');
    const secret = key['secret'] ?? '';
    const wrong = await api(server, 'reseller1', {
      action: 'enroll.confirm',
      keyId: key['keyId'],
      code: wrongCodeNow(secret),
    });
    expect(wrong.json().error).toMatchObject({ code: 'CODE_INVALID', fields: ['code'] });
    expect(await status('reseller1')).toMatchObject({ attemptsLeft: 4 });
    const typo = await api(server, 'reseller1', { action: 'enroll.confirm', keyId: key['keyId'], code: '12a456' });
    expect(typo.json().error).toMatchObject({ code: 'CODE_INVALID', fields: ['code'] });
    expect(typo.json().error?.message).toMatch(/6-digit/);
    expect(typo.json().error?.message).not.toMatch(/time automatically/);
    expect(await status('reseller1')).toMatchObject({ attemptsLeft: 4 });
    const ok = await api(server, 'reseller1', {
      action: 'enroll.confirm',
      keyId: key['keyId'],
      code: codeForStep(secret, stepNow()),
    });
    expect(ok.json()).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(await status('reseller1')).toMatchObject({ attemptsLeft: 5, pendingKeyId: null });
  });

  it('reconfiguring names the wrong code’s field, and two wrong codes count once', async () => {
    const key = await start('reseller2');
    const next = key['secret'] ?? '';
    const current = await api(server, 'reseller2', {
      action: 'enroll.confirm',
      keyId: key['keyId'],
      code: codeForStep(next, stepNow()),
      currentCode: wrongCodeNow(RESELLER2),
    });
    expect(current.json().error).toMatchObject({ code: 'CODE_INVALID', fields: ['currentCode'] });
    const both = await api(server, 'reseller2', {
      action: 'enroll.confirm',
      keyId: key['keyId'],
      code: wrongCodeNow(next),
      currentCode: wrongCodeNow(RESELLER2),
    });
    expect(both.json().error).toMatchObject({ code: 'CODE_INVALID', fields: ['code', 'currentCode'] });
    expect(await status('reseller2')).toMatchObject({ attemptsLeft: 3 });
  });

  it('no secret reaches the audit trail', async () => {
    const log = readFileSync(join(server.root, 'var/cpanel/whm2fa/audit.log'), 'utf8');
    expect(log).not.toContain(RESELLER2);
    expect(log).not.toMatch(/"[A-Z2-7]{32}"/);
  });
});

describe('an administrator’s removal shows on the account’s own status', () => {
  it('who, when and why, until the account changes its 2FA again', async () => {
    expect(await status('reseller1')).toMatchObject({ enabled: true, removedByAdmin: null });
    const before = new Date().toISOString();
    const r = await data('root', { action: 'users.remove', users: ['reseller1'], reason: 'Lost phone, ticket 4411' });
    expect(r).toEqual({ removed: ['reseller1'], failed: {}, mailed: ['reseller1'], notMailed: {} });
    const removed = (await status('reseller1'))['removedByAdmin'] as Record<string, string>;
    expect(removed).toMatchObject({ by: 'root', reason: 'Lost phone, ticket 4411' });
    expect(removed['at']! >= before.slice(0, 19)).toBe(true);
    const key = await start('reseller1');
    await api(server, 'reseller1', {
      action: 'enroll.confirm',
      keyId: key['keyId'],
      code: codeForStep(key['secret'] ?? '', stepNow() + 1),
    });
    expect(await status('reseller1')).toMatchObject({ enabled: true, removedByAdmin: null });
  });
});

describe('Activity filters', () => {
  it('filter by account and action on the server', async () => {
    const entries = (
      await data('root', { action: 'audit.list', limit: 50, user: 'reseller1', auditAction: 'admin.remove' })
    )['entries'] as Array<Record<string, string>>;
    expect(entries.length).toBe(1);
    expect(entries[0]).toMatchObject({
      subject: 'reseller1',
      action: 'admin.remove',
      reason: 'Lost phone, ticket 4411',
    });
    const verifies = (await data('root', { action: 'audit.list', limit: 50, auditAction: 'verify' }))[
      'entries'
    ] as Array<Record<string, string>>;
    expect(verifies.length).toBeGreaterThan(0);
    expect(verifies.every((e) => e['action'] === 'verify')).toBe(true);
  });

  it('never widen what a reseller may see', async () => {
    const own = (await data('reseller2', { action: 'audit.list', limit: 50, user: 'reseller2' }))[
      'entries'
    ] as unknown[];
    expect(own.length).toBeGreaterThan(0);
    const other = (await data('reseller2', { action: 'audit.list', limit: 50, user: 'reseller1' }))['entries'];
    expect(other).toEqual([]);
  });

  it('refuse an unknown action or a malformed account name', async () => {
    for (const body of [{ auditAction: 'drop.tables' }, { user: '../etc' }, { auditAction: 5 }]) {
      const r = await api(server, 'root', { action: 'audit.list', limit: 5, ...body });
      expect(r.json().error?.code, JSON.stringify(body)).toBe('BAD_REQUEST');
    }
  });
});

describe('settings.get says what an empty issuer gives', () => {
  it('the hostname for root, the system-wide issuer for a reseller', async () => {
    await api(server, 'root', { action: 'settings.set', issuer: 'Example Hosting' });
    expect(await data('root', { action: 'settings.get' })).toMatchObject({ defaultIssuer: HOST });
    expect(await data('reseller1', { action: 'settings.get' })).toMatchObject({ defaultIssuer: 'Example Hosting' });
  });
});
