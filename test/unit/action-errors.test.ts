// The handler holds each action to the error codes it declares (plugin/src/api/actionErrors.ts):
// a declared code is answered as it is; an undeclared one as INTERNAL, with the action and
// the code in the error log. Here policy.set's FORBIDDEN is taken out of its declaration.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runApiRequest } from '../../plugin/src/api/handler';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import type { CgiRequest } from '../../plugin/src/cgiTypes';

vi.mock('../../plugin/src/api/actionErrors', async (original) => {
  const real = await original<typeof import('../../plugin/src/api/actionErrors')>();
  return {
    ...real,
    mayAnswer: (action: string, code: Parameters<typeof real.mayAnswer>[1]) =>
      !(action === 'status' && code === 'CPANEL_FAILED') && real.mayAnswer(action, code),
  };
});

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-declared-'));
  paths = serverPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const request: CgiRequest = {
  method: 'POST',
  contentType: 'application/json',
  contentLength: '0',
  remoteUser: 'reseller1',
  securityToken: '/cpsess1234567890',
  requestUri: '/cpsess1234567890/cgi/whm2fa/api.cgi',
  remoteAddr: '192.0.2.1',
};
const reseller = { user: 'reseller1', isRoot: false, isReseller: true };
const call = (body: object) =>
  runApiRequest(paths, { ...request, caller: reseller }, Buffer.from(JSON.stringify(body)), 1_800_000_000);

describe('the declared error codes', () => {
  it('answers a declared code as it is', async () => {
    const outcome = await call({ action: 'policy.set', enabled: true });
    expect(outcome.response.status).toBe(403);
    expect(JSON.parse(outcome.response.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(outcome.logged).toBeUndefined();
  });

  it('answers an undeclared code as INTERNAL and logs which action answered what', async () => {
    // cPanel's store unreadable: status would answer CPANEL_FAILED, undeclared here.
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(paths.tfaUserdata, '..'), { recursive: true });
    writeFileSync(paths.tfaUserdata, '{not json');
    const outcome = await call({ action: 'status' });
    expect(outcome.response.status).toBe(500);
    expect(JSON.parse(outcome.response.body)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(String(outcome.logged)).toMatch(
      /"status" answered CPANEL_FAILED, which api\/actionErrors\.ts does not declare/,
    );
  });
});
