// The JSON API's request handler in-process, against a fake cPanel tree (the fake tools of
// scripts/fake-cpanel, run by the real bridge): the checks made before the body is read
// (token, caller, method, type, size), the body's, the envelope of answers and failures,
// and actions run end to end (status, settings, policy, users, audit, enrollment with a
// code the test computes itself).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module of the local WHM
import { createServerTree } from '../../scripts/fake-cpanel/tree.mjs';
import {
  MAX_BODY_BYTES,
  checkApiRequest,
  errorResponse,
  jsonResponse,
  runApiRequest,
  type ApiOutcome,
} from '../../plugin/src/api/handler';
import { ACTIONS } from '../../plugin/src/api/actions';
import { checkSession } from '../../plugin/src/session';
import { StateError, Whm2faError } from '../../plugin/src/errors';
import { refusal } from '../support/refusal';
import { loadTotp } from '../../plugin/src/totp';
import { MAX_REASON_LENGTH } from '../../plugin/src/rules';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import type { CgiRequest } from '../../plugin/src/cgiTypes';
import { totp } from '../support/rfc6238';

const TOKEN = '/cpsess1234567890';
const T0 = 1_800_000_000;

let root: string;
let paths: ServerPaths;

function request(over: Partial<CgiRequest> = {}): CgiRequest {
  return {
    method: 'POST',
    contentType: 'application/json',
    contentLength: '2',
    remoteUser: 'root',
    securityToken: TOKEN,
    requestUri: `${TOKEN}/cgi/whm2fa/api.cgi`,
    remoteAddr: '192.0.2.9',
    ...over,
  };
}

interface Answer {
  status: number;
  headers: Readonly<Record<string, string>>;
  json: { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } };
  logged: unknown;
}

function answerOf(outcome: ApiOutcome): Answer {
  return {
    status: outcome.response.status,
    headers: outcome.response.headers,
    json: JSON.parse(outcome.response.body) as Answer['json'],
    logged: outcome.logged,
  };
}

async function call(user: string, body: unknown, epochSeconds = T0): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const r = request({ remoteUser: user, contentLength: String(Buffer.byteLength(text)) });
  const checked = checkApiRequest(paths, r);
  expect(checked.bytes).toBe(Buffer.byteLength(text));
  return answerOf(await runApiRequest(paths, { ...r, caller: checked.caller }, Buffer.from(text), epochSeconds));
}

beforeAll(loadTotp);
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-api-'));
  (createServerTree as (root: string, options: object) => void)(root, {
    issuers: { system_wide_issuer: 'Sandbox Host' },
  });
  paths = serverPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('checkSession', () => {
  it("accepts this WHM session's token and names the caller", () => {
    expect(checkSession(paths, request())).toEqual({ user: 'root', isRoot: true, isReseller: false });
    expect(checkSession(paths, request({ remoteUser: 'reseller1' }))).toEqual({
      user: 'reseller1',
      isRoot: false,
      isReseller: true,
    });
  });

  it('refuses a request without the token in its address', () => {
    const cases: Array<Partial<CgiRequest>> = [
      { securityToken: undefined },
      { securityToken: '/cpsess123456789' },
      { securityToken: '/cpsess12345678901' },
      { securityToken: 'cpsess1234567890' },
      { securityToken: '/cpsess123456789a' },
      { securityToken: `x${TOKEN}` },
      { requestUri: undefined },
      { requestUri: '/cgi/whm2fa/api.cgi' },
      { requestUri: `/cpsess0000000000/cgi/whm2fa/api.cgi` },
      { requestUri: TOKEN },
      { requestUri: `${TOKEN}x/cgi` },
    ];
    // Each malformed token also with an address that starts with it.
    for (const token of [
      '/cpsess123456789',
      '/cpsess12345678901',
      'cpsess1234567890',
      '/cpsess123456789a',
      `x${TOKEN}`,
    ])
      cases.push({ securityToken: token, requestUri: `${token}/cgi/whm2fa/api.cgi` });
    for (const over of cases) {
      const err = refusal(() => checkSession(paths, request(over)));
      expect(err.code, JSON.stringify(over)).toBe('FORBIDDEN');
      expect(err.message).toBe('This request did not come from your WHM session. Reload the page and try again.');
    }
  });

  it('refuses a caller who is neither root nor a reseller', () => {
    expect(refusal(() => checkSession(paths, request({ remoteUser: 'shop1' }))).code).toBe('FORBIDDEN');
    expect(refusal(() => checkSession(paths, request({ remoteUser: undefined }))).code).toBe('FORBIDDEN');
  });
});

describe('checkApiRequest', () => {
  it('takes a POST with a JSON body of a stated length', () => {
    expect(checkApiRequest(paths, request({ contentLength: '17' }))).toEqual({
      caller: { user: 'root', isRoot: true, isReseller: false },
      bytes: 17,
    });
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', ' application/json ;x=y']) {
      expect(checkApiRequest(paths, request({ contentType: type })).bytes, type).toBe(2);
    }
  });

  it('checks the session first', () => {
    expect(refusal(() => checkApiRequest(paths, request({ securityToken: undefined, method: 'GET' }))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('refuses another method with 405', () => {
    for (const method of ['GET', 'PUT', 'post', undefined]) {
      const err = refusal(() => checkApiRequest(paths, request({ method })));
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.status, String(method)).toBe(405);
      expect(err.message).toBe('The API takes POST requests only.');
    }
  });

  it('refuses another type with 415', () => {
    for (const type of [undefined, '', 'text/plain', 'application/jsonx', 'application/json-patch+json', 'json']) {
      const err = refusal(() => checkApiRequest(paths, request({ contentType: type })));
      expect(err.status, String(type)).toBe(415);
      expect(err.message).toBe('The API takes a JSON body (Content-Type: application/json).');
    }
  });

  it('refuses a missing or malformed length with 411', () => {
    for (const length of [undefined, '', '-1', '1e3', ' 2', '2 ', '0x10', '1234567890123']) {
      const err = refusal(() => checkApiRequest(paths, request({ contentLength: length })));
      expect(err.status, String(length)).toBe(411);
      expect(err.message).toBe('The request has no valid Content-Length.');
    }
    expect(checkApiRequest(paths, request({ contentLength: '000000000012' })).bytes).toBe(12);
    expect(checkApiRequest(paths, request({ contentLength: '0' })).bytes).toBe(0);
  });

  it('refuses a body over 64 KiB with 413', () => {
    expect(MAX_BODY_BYTES).toBe(65_536);
    expect(checkApiRequest(paths, request({ contentLength: '65536' })).bytes).toBe(65_536);
    const err = refusal(() => checkApiRequest(paths, request({ contentLength: '65537' })));
    expect(err.code).toBe('PAYLOAD_TOO_LARGE');
    expect(err.status).toBe(413);
    expect(err.message).toBe('The request is too large (at most 64 KiB).');
  });
});

describe('envelopes', () => {
  it('answers JSON that is never cached', () => {
    expect(jsonResponse(201, { a: 1 })).toEqual({
      status: 201,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
      body: '{"a":1}',
    });
  });

  it('gives a coded failure its status and code, and says when to retry', () => {
    const plain = errorResponse(new Whm2faError('NOT_ENABLED', 'Not on.'));
    expect(plain.logged).toBeUndefined();
    expect(plain.response.status).toBe(409);
    expect(plain.response.headers).toEqual({
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    expect(JSON.parse(plain.response.body)).toEqual({ ok: false, error: { code: 'NOT_ENABLED', message: 'Not on.' } });

    const limited = errorResponse(
      new Whm2faError('RATE_LIMITED', 'Later.', { retryAfter: new Date(T0 * 1000).toISOString() }),
    );
    expect(limited.response.status).toBe(429);
    expect(limited.response.headers['Retry-After']).toBe(new Date(T0 * 1000).toUTCString());
    expect(limited.response.headers['Content-Type']).toBe('application/json; charset=utf-8');
  });

  it('hides an unexpected failure from the caller and marks it for the log', () => {
    const boom = new Error(`secret path /var/x`);
    const outcome = errorResponse(boom);
    expect(outcome.logged).toBe(boom);
    expect(outcome.response.status).toBe(500);
    expect(outcome.response.body).not.toContain('/var/x');
    expect(JSON.parse(outcome.response.body).error.code).toBe('INTERNAL');
    expect(errorResponse(new StateError('damaged')).logged).toBeInstanceOf(StateError);
  });
});

describe('the body', () => {
  it('must be a JSON object naming a known action', async () => {
    const cases: Array<[string, string]> = [
      ['{', 'The request body is not valid JSON.'],
      ['[]', 'The request body must be a JSON object.'],
      ['null', 'The request body must be a JSON object.'],
      ['"status"', 'The request body must be a JSON object.'],
      ['{}', 'The request names no "action".'],
      ['{"action":5}', 'The request names no "action".'],
      ['{"action":"nope"}', 'Unknown action "nope".'],
      ['{"action":"toString"}', 'Unknown action "toString".'],
      [`{"action":"${'x'.repeat(50)}"}`, `Unknown action "${'x'.repeat(40)}".`],
    ];
    for (const [body, message] of cases) {
      const answer = await call('root', body);
      expect(answer.status, body).toBe(400);
      expect(answer.json).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message } });
      expect(answer.logged).toBeUndefined();
    }
  });

  it('answers every action of the API, and no other', () => {
    expect(Object.keys(ACTIONS).sort()).toEqual(
      [
        'audit.list',
        'enroll.cancel',
        'enroll.confirm',
        'enroll.start',
        'policy.set',
        'recovery.regenerate',
        'remove',
        'settings.get',
        'settings.set',
        'status',
        'users.list',
        'users.remind',
        'users.remove',
      ].sort(),
    );
  });
});

describe('actions end to end', () => {
  it("status: the caller's own state", async () => {
    const answer = await call('reseller1', { action: 'status' });
    expect(answer.status).toBe(200);
    expect(answer.headers['Cache-Control']).toBe('no-store');
    expect(answer.json).toEqual({
      ok: true,
      data: {
        user: 'reseller1',
        isRoot: false,
        enabled: false,
        policyEnabled: true,
        issuer: 'Sandbox Host',
        pending: false,
        lockedUntil: null,
        attemptsLeft: 5,
        pendingKeyId: null,
        removedByAdmin: null,
        keyLabel: null,
        recoveryCodesLeft: null,
      },
    });
    expect((await call('root', { action: 'status' })).json.data).toMatchObject({ user: 'root', isRoot: true });
  });

  it('enrollment: start, confirm with a current code, then status says on', async () => {
    const now = Math.floor(Date.now() / 1000);
    const start = await call('reseller1', { action: 'enroll.start' }, now);
    expect(start.status).toBe(200);
    const data = start.json.data as { secret: string; keyId: string };
    const secret = data.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const confirm = await call(
      'reseller1',
      { action: 'enroll.confirm', code: totp(secret, now), keyId: data.keyId },
      now,
    );
    expect(confirm.json.ok).toBe(true);
    expect(confirm.json.data).toMatchObject({ enabled: true });
    const tfa = JSON.parse(readFileSync(paths.tfaUserdata, 'utf8')) as Record<string, { secret: string }>;
    expect(tfa['reseller1']?.secret).toBe(secret);
    expect((await call('reseller1', { action: 'status' }, now)).json.data).toMatchObject({ enabled: true });

    // A new device: a code for a key another start replaced is refused by its id.
    const first = (await call('reseller1', { action: 'enroll.start' }, now)).json.data as {
      secret: string;
      keyId: string;
    };
    const second = (await call('reseller1', { action: 'enroll.start' }, now)).json.data as {
      secret: string;
      keyId: string;
    };
    const stale = await call(
      'reseller1',
      { action: 'enroll.confirm', code: totp(second.secret, now), currentCode: totp(secret, now), keyId: first.keyId },
      now,
    );
    expect(stale.json.ok).toBe(false);
    // Replacing a key needs a code of the current one too.
    const later = now + 60;
    const withoutCurrent = await call(
      'reseller1',
      { action: 'enroll.confirm', code: totp(second.secret, later), keyId: second.keyId },
      later,
    );
    expect(withoutCurrent.json.ok).toBe(false);
    const replaced = await call(
      'reseller1',
      {
        action: 'enroll.confirm',
        code: totp(second.secret, later),
        currentCode: totp(secret, later),
        keyId: second.keyId,
      },
      later,
    );
    expect(replaced.json).toMatchObject({ ok: true, data: { enabled: true } });
    // Turned off with a code of the device.
    const off = now + 120;
    const removed = await call('reseller1', { action: 'remove', code: totp(second.secret, off) }, off);
    expect(removed.json).toMatchObject({ ok: true, data: { enabled: false } });
    expect((await call('reseller1', { action: 'status' }, off)).json.data).toMatchObject({ enabled: false });
  });

  it('enroll.cancel says nothing is pending', async () => {
    await call('reseller1', { action: 'enroll.start' });
    expect((await call('reseller1', { action: 'enroll.cancel' })).json).toEqual({ ok: true, data: { pending: false } });
    expect((await call('reseller1', { action: 'status' })).json.data).toMatchObject({ pending: false });
  });

  it('enroll.confirm and remove check the code parameter', async () => {
    for (const body of [{ action: 'enroll.confirm' }, { action: 'remove' }, { action: 'recovery.regenerate' }]) {
      expect((await call('reseller1', body)).json.error?.code, body.action).toBe('BAD_REQUEST');
    }
    expect((await call('reseller1', { action: 'remove', code: '123456' })).json.error?.code).toBe('NOT_ENABLED');
    expect((await call('reseller1', { action: 'recovery.regenerate', code: '123456' })).json.error?.code).toBe(
      'NOT_ENABLED',
    );
  });

  it('settings: root sets the system-wide issuer in cPanel, a reseller its own', async () => {
    expect((await call('root', { action: 'settings.get' })).json.data).toMatchObject({
      issuer: 'Sandbox Host',
      systemWideIssuer: 'Sandbox Host',
      policyEnabled: true,
    });
    const root1 = await call('root', { action: 'settings.set', issuer: 'Root Host' });
    expect(root1.json.data).toMatchObject({ issuer: 'Root Host', systemWideIssuer: 'Root Host' });
    expect(JSON.parse(readFileSync(paths.issuerUserdata, 'utf8'))).toMatchObject({ system_wide_issuer: 'Root Host' });
    const res = await call('reseller1', { action: 'settings.set', issuer: 'Res Host' });
    expect(res.json.data).toMatchObject({
      issuer: 'Res Host',
      systemWideIssuer: 'Root Host',
      defaultIssuer: 'Root Host',
    });
    expect((await call('reseller1', { action: 'settings.set' })).json.error?.code).toBe('BAD_REQUEST');
  });

  it('policy: root switches it and reads it back; a reseller may not', async () => {
    expect((await call('root', { action: 'policy.set', enabled: false })).json).toEqual({
      ok: true,
      data: { policyEnabled: false },
    });
    expect(readFileSync(paths.cpanelConfig, 'utf8')).toContain('SecurityPolicy::TwoFactorAuth=0');
    expect((await call('root', { action: 'policy.set', enabled: true })).json.data).toEqual({ policyEnabled: true });
    expect((await call('root', { action: 'policy.set', enabled: 'yes' })).json.error?.code).toBe('BAD_REQUEST');
    expect((await call('reseller1', { action: 'policy.set', enabled: false })).json.error?.code).toBe('FORBIDDEN');
  });

  it('users.list: the accounts the caller manages and the coverage', async () => {
    const answer = await call('reseller1', { action: 'users.list' });
    expect(answer.status).toBe(200);
    const data = answer.json.data as { users: Array<{ user: string }>; coverage: unknown };
    expect(data.users.map((u) => u.user)).toEqual(['shop1']);
    expect(data.coverage).toBeDefined();
  });

  it("records the client's address with what it changed", async () => {
    await call('reseller1', { action: 'settings.set', issuer: 'Res Host' });
    const entries = (await call('root', { action: 'audit.list' })).json.data as { entries: Array<{ ip: string }> };
    expect(entries.entries.map((e) => e.ip)).toEqual(['192.0.2.9']);
  });

  it("users.list keeps the day's coverage snapshot", async () => {
    expect(existsSync(paths.coverageFile)).toBe(false);
    await call('root', { action: 'users.list' });
    expect(existsSync(paths.coverageFile)).toBe(true);
  });

  it("users.list shows a reseller its accounts when others' accounts were reminded", async () => {
    expect((await call('root', { action: 'users.remind', users: ['blog2'] })).json.ok).toBe(true);
    const answer = await call('reseller1', { action: 'users.list' });
    expect((answer.json.data as { users: Array<{ user: string }> }).users.map((u) => u.user)).toEqual(['shop1']);
  });

  it('users.remind reminds the accounts named', async () => {
    const answer = await call('reseller1', { action: 'users.remind', users: ['shop1'] });
    expect(answer.json.ok).toBe(true);
  });

  it('users.remove takes a reason of up to its limit', async () => {
    const reason = 'r'.repeat(MAX_REASON_LENGTH);
    const answer = await call('reseller1', { action: 'users.remove', users: ['shop1'], reason });
    expect(answer.json.error?.code).not.toBe('BAD_REQUEST');
    const tooLong = await call('reseller1', {
      action: 'users.remove',
      users: ['shop1'],
      reason: 'r'.repeat(MAX_REASON_LENGTH * 2 + 1),
    });
    expect(tooLong.json.error?.code).toBe('BAD_REQUEST');
  });

  it('enroll.start is rate-limited as new setups', async () => {
    for (let i = 0; i < 60; i += 1) expect((await call('reseller1', { action: 'enroll.start' })).json.ok).toBe(true);
    const limited = await call('reseller1', { action: 'enroll.start' });
    expect(limited.status).toBe(429);
    expect(limited.json.error?.message).toMatch(/^Too many new setups in a short time/);
  });

  it('users.remind and users.remove check their users', async () => {
    for (const action of ['users.remind', 'users.remove']) {
      expect((await call('reseller1', { action, users: 'shop1' })).json.error?.code, action).toBe('BAD_REQUEST');
    }
    expect((await call('reseller1', { action: 'users.remove', users: ['blog2'], reason: 'x' })).json.error?.code).toBe(
      'FORBIDDEN',
    );
  });

  it('audit.list: entries the caller may see, filtered and paged by its parameters', async () => {
    await call('root', { action: 'settings.set', issuer: 'Root Host' });
    await call('reseller1', { action: 'settings.set', issuer: 'Res Host' }, T0 + 1);
    const all = await call('root', { action: 'audit.list' });
    const entries = (all.json.data as { entries: Array<{ actor: string; action: string }> }).entries;
    expect(entries.map((e) => e.actor)).toEqual(['reseller1', 'root']);
    const mine = await call('reseller1', { action: 'audit.list' });
    expect((mine.json.data as { entries: unknown[] }).entries).toHaveLength(1);
    const limited = await call('root', { action: 'audit.list', limit: 1 });
    expect((limited.json.data as { entries: unknown[] }).entries).toHaveLength(1);
    const byUser = await call('root', { action: 'audit.list', user: 'root' });
    expect((byUser.json.data as { entries: Array<{ actor: string }> }).entries.map((e) => e.actor)).toEqual(['root']);
    const byAction = await call('root', { action: 'audit.list', auditAction: 'policy.set' });
    expect((byAction.json.data as { entries: unknown[] }).entries).toEqual([]);
    const before = await call('root', { action: 'audit.list', before: new Date((T0 + 1) * 1000).toISOString() });
    expect((before.json.data as { entries: Array<{ actor: string }> }).entries.map((e) => e.actor)).toEqual(['root']);
    const skipped = await call('root', {
      action: 'audit.list',
      before: new Date((T0 + 1) * 1000).toISOString(),
      skip: 1,
    });
    // `skip` counts the entries at exactly `before` the page already shows.
    expect((skipped.json.data as { entries: Array<{ actor: string }> }).entries.map((e) => e.actor)).toEqual(['root']);
    const none = await call('root', { action: 'audit.list', before: new Date((T0 + 1) * 1000).toISOString(), skip: 0 });
    expect((none.json.data as { entries: Array<{ actor: string }> }).entries.map((e) => e.actor)).toEqual([
      'reseller1',
      'root',
    ]);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ before: 'yesterday' }, '"before" must be a time like 2026-01-31T12:00:00.000Z.'],
      [{ user: 'Not A User' }, '"user" must be an account name.'],
      [{ auditAction: 'status' }, '"auditAction" is not an action of the audit trail.'],
    ];
    for (const [params, message] of cases) {
      expect((await call('root', { action: 'audit.list', ...params })).json.error).toEqual({
        code: 'BAD_REQUEST',
        message,
      });
    }
    expect((await call('root', { action: 'audit.list', limit: 0 })).json.error?.code).toBe('BAD_REQUEST');
    expect((await call('root', { action: 'audit.list', limit: 501 })).json.error?.code).toBe('BAD_REQUEST');
    expect((await call('root', { action: 'audit.list', limit: 500 })).json.ok).toBe(true);
  });

  it('audit.list records changes made in cPanel first', async () => {
    await call('root', { action: 'audit.list' });
    const tfa = JSON.parse(readFileSync(paths.tfaUserdata, 'utf8')) as Record<string, unknown>;
    tfa['shop1'] = { secret: 'JBSWY3DPEHPK3PXP' };
    writeFileSync(paths.tfaUserdata, JSON.stringify(tfa));
    const answer = await call('root', { action: 'audit.list' }, T0 + 5);
    const entries = (answer.json.data as { entries: Array<{ subject: string; action: string }> }).entries;
    expect(entries.map((e) => [e.subject, e.action])).toEqual([['shop1', 'cpanel.change']]);
  });

  it('an unexpected failure is INTERNAL, logged, and tells nothing', async () => {
    mkdirSync(dirname(paths.settingsFile), { recursive: true });
    writeFileSync(paths.settingsFile, '{"issuers": [1]}');
    const answer = await call('reseller1', { action: 'settings.get' });
    expect(answer.status).toBe(500);
    expect(answer.json.error?.code).toBe('INTERNAL');
    expect(answer.logged).toBeInstanceOf(StateError);
  });
});
