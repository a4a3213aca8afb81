// At least 30 malformed requests: each gets its coded 4xx, and no file in the tree changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callCgi, makeServer, snapshot, TOKEN, type CgiCall, type Server } from '../support/server';

let server: Server;
beforeAll(() => {
  server = makeServer({ secrets: { reseller1: 'JBSWY3DPEHPK3PXP' } });
});
afterAll(() => server.cleanup());

const json = (value: unknown): string => JSON.stringify(value);

interface Case {
  name: string;
  call: CgiCall;
  status: number;
  code: string;
}

const CASES: Case[] = [
  { name: 'GET instead of POST', call: { method: 'GET', body: '' }, status: 405, code: 'BAD_REQUEST' },
  { name: 'PUT', call: { method: 'PUT', body: json({ action: 'status' }) }, status: 405, code: 'BAD_REQUEST' },
  { name: 'DELETE', call: { method: 'DELETE', body: '' }, status: 405, code: 'BAD_REQUEST' },
  {
    name: 'form-encoded body',
    call: { contentType: 'application/x-www-form-urlencoded', body: 'action=status' },
    status: 415,
    code: 'BAD_REQUEST',
  },
  {
    name: 'text/plain body',
    call: { contentType: 'text/plain', body: json({ action: 'status' }) },
    status: 415,
    code: 'BAD_REQUEST',
  },
  {
    name: 'no content type',
    call: { contentType: undefined, body: json({ action: 'status' }) },
    status: 415,
    code: 'BAD_REQUEST',
  },
  {
    name: 'multipart',
    call: { contentType: 'multipart/form-data; boundary=x', body: '--x--' },
    status: 415,
    code: 'BAD_REQUEST',
  },
  {
    name: 'no content length',
    call: { contentLength: undefined, body: json({ action: 'status' }) },
    status: 411,
    code: 'BAD_REQUEST',
  },
  { name: 'negative content length', call: { contentLength: '-5', body: '' }, status: 411, code: 'BAD_REQUEST' },
  { name: 'non-numeric content length', call: { contentLength: '12abc', body: '' }, status: 411, code: 'BAD_REQUEST' },
  {
    name: 'content length larger than the body',
    call: { contentLength: '500', body: json({ action: 'status' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'content length over 64 KiB',
    call: { contentLength: String(64 * 1024 + 1), body: 'x'.repeat(1000) },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'huge content length',
    call: { contentLength: '99999999999', body: '' },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'empty body', call: { body: '' }, status: 400, code: 'BAD_REQUEST' },
  { name: 'not JSON', call: { body: 'action=status' }, status: 400, code: 'BAD_REQUEST' },
  { name: 'truncated JSON', call: { body: '{"action":"sta' }, status: 400, code: 'BAD_REQUEST' },
  { name: 'JSON array', call: { body: json(['status']) }, status: 400, code: 'BAD_REQUEST' },
  { name: 'JSON string', call: { body: json('status') }, status: 400, code: 'BAD_REQUEST' },
  { name: 'JSON null', call: { body: 'null' }, status: 400, code: 'BAD_REQUEST' },
  {
    name: 'deeply nested JSON',
    call: { body: `${'['.repeat(20000)}${']'.repeat(20000)}` },
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'no action', call: { body: json({ code: '123456' }) }, status: 400, code: 'BAD_REQUEST' },
  {
    name: 'unknown action',
    call: { body: json({ action: 'users.delete_everything' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'prototype action name', call: { body: json({ action: 'toString' }) }, status: 400, code: 'BAD_REQUEST' },
  { name: '__proto__ action', call: { body: json({ action: '__proto__' }) }, status: 400, code: 'BAD_REQUEST' },
  { name: 'action of the wrong type', call: { body: json({ action: 42 }) }, status: 400, code: 'BAD_REQUEST' },
  {
    name: 'code of the wrong type',
    call: { body: json({ action: 'remove', code: { x: 1 } }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'code as an array',
    call: { body: json({ action: 'remove', code: ['123456'] }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'oversized code',
    call: { body: json({ action: 'remove', code: '1'.repeat(5000) }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'missing code', call: { body: json({ action: 'remove' }) }, status: 400, code: 'BAD_REQUEST' },
  {
    name: 'users not a list',
    call: { body: json({ action: 'users.remove', users: 'shop1', reason: 'x' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'empty users list',
    call: { body: json({ action: 'users.remove', users: [], reason: 'x' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'username ../root',
    call: { body: json({ action: 'users.remove', users: ['../root'], reason: 'x' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'username a;b',
    call: { body: json({ action: 'users.remove', users: ['a;b'], reason: 'x' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'username with a space',
    call: { body: json({ action: 'users.remove', users: ['shop1 blog2'], reason: 'x' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'username as a number',
    call: { body: json({ action: 'users.remove', users: [7], reason: 'x' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'oversized reason',
    call: { body: json({ action: 'users.remove', users: ['shop1'], reason: 'r'.repeat(2000) }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'reason of the wrong type',
    call: { body: json({ action: 'users.remove', users: ['shop1'], reason: true }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'policy enabled as a string',
    call: { body: json({ action: 'policy.set', enabled: 'yes' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'issuer of the wrong type',
    call: { body: json({ action: 'settings.set', issuer: 5 }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'issuer with a colon',
    call: { body: json({ action: 'settings.set', issuer: 'a:b' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'oversized issuer',
    call: { body: json({ action: 'settings.set', issuer: 'i'.repeat(100) }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'audit limit out of range',
    call: { body: json({ action: 'audit.list', limit: 100000 }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'audit skip not a whole number from 0 to 500',
    call: { body: json({ action: 'audit.list', before: '2026-01-01T00:00:00.000Z', skip: 1.5 }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'audit skip over 500',
    call: { body: json({ action: 'audit.list', before: '2026-01-01T00:00:00.000Z', skip: 501 }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'audit before not a time',
    call: { body: json({ action: 'audit.list', before: 'yesterday' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'REMOTE_USER ../root',
    call: { user: '../root', body: json({ action: 'status' }) },
    status: 403,
    code: 'FORBIDDEN',
  },
  { name: 'REMOTE_USER a;b', call: { user: 'a;b', body: json({ action: 'status' }) }, status: 403, code: 'FORBIDDEN' },
  {
    name: 'REMOTE_USER missing',
    call: { user: undefined, body: json({ action: 'status' }) },
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'REMOTE_USER not a reseller',
    call: { user: 'shop1', body: json({ action: 'status' }) },
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'no security token',
    call: { token: undefined, requestUri: '/cgi/whm2fa/api.cgi', body: json({ action: 'status' }) },
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'URI without the token',
    call: { requestUri: '/cgi/whm2fa/api.cgi', body: json({ action: 'status' }) },
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'URI with another token',
    call: { requestUri: '/cpsess9999999999/cgi/whm2fa/api.cgi', body: json({ action: 'status' }) },
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'malformed token',
    call: { token: '/cpsess12', requestUri: '/cpsess12/cgi/whm2fa/api.cgi', body: json({ action: 'status' }) },
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    name: 'token as a prefix only',
    call: { requestUri: `${TOKEN}0/cgi/whm2fa/api.cgi`, body: json({ action: 'status' }) },
    status: 403,
    code: 'FORBIDDEN',
  },
  // NUL bytes, sent as they are: a raw one in the body, and escaped ones that JSON.parse
  // turns into real NULs inside parameters. (An environment variable cannot carry a NUL
  // byte at all: execve ends the string there, so REMOTE_USER never holds one.)
  {
    name: 'a raw NUL byte inside the JSON body',
    call: { body: '{"action":"status","x":"\u0000"}' },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a user name with a NUL byte',
    call: { body: json({ action: 'users.remove', users: ['shop1\u0000'], reason: 'lost phone' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'an issuer with a NUL byte',
    call: { body: json({ action: 'settings.set', issuer: 'My\u0000Host' }) },
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a code with a NUL byte',
    call: { body: json({ action: 'remove', code: '123\u0000456' }) },
    status: 422,
    code: 'CODE_INVALID',
  },
];

describe('malformed requests', () => {
  it('sends the NUL bytes it names', () => {
    const nulCases = CASES.filter((c) => c.name.includes('NUL'));
    expect(nulCases).toHaveLength(4);
    expect(nulCases[0]?.call.body).toContain('\u0000');
    for (const c of nulCases.slice(1)) expect(JSON.stringify(JSON.parse(String(c.call.body)))).toContain('\\u0000');
  });

  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$name → $status $code, nothing changed', async ({ call, status, code }) => {
    const before = snapshot(server.root);
    const r = await callCgi(server, { user: 'reseller1', ...call });
    expect(r.status).toBe(status);
    expect(r.headers['cache-control']).toBe('no-store');
    const body = r.json();
    expect(body.ok).toBe(false);
    expect(body.error?.code).toBe(code);
    expect(body.error?.message.length).toBeGreaterThan(10);
    expect(r.body).not.toMatch(/at .*\.js:\d+|\/usr\/local|node:internal/);
    expect(snapshot(server.root)).toEqual(before);
  });
});
