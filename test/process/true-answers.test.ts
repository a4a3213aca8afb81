// Issue 20 through the installed CGI: each refusal says what really happened. A rate
// limit is RATE_LIMITED with the time to retry (never the verification lock's LOCKED); a
// refusal by cPanel is CPANEL_FAILED with cPanel's reason and the state read back; a
// refused issuer names the characters cPanel does not take.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  auditLines,
  HOST,
  makeServer,
  readJson,
  replaceTool,
  type CgiResult,
  type Server,
} from '../support/server';
import { BURST } from '../../plugin/src/rateLimit';

let server: Server;
beforeAll(() => {
  server = makeServer();
});
afterAll(() => server.cleanup());

interface Refusal {
  code: string;
  message: string;
  lockedUntil?: string;
  retryAfter?: string;
}
const refusal = (r: CgiResult): Refusal => r.json().error as Refusal;

/** What a rate limit must answer: its own code, 429, the time to retry as a field and a header. */
function expectRateLimited(r: CgiResult, what: RegExp): void {
  expect(r.status).toBe(429);
  const error = refusal(r);
  expect(error.code).toBe('RATE_LIMITED');
  expect(error.lockedUntil).toBeUndefined();
  expect(error.message).toMatch(what);
  expect(error.message).toMatch(/Try again after \d\d:\d\d UTC\.$/);
  expect(error.message).not.toMatch(/security code|locked/i);
  const retryAfter = Date.parse(error.retryAfter ?? '');
  // One more is allowed each minute after the burst.
  expect(retryAfter).toBeGreaterThan(Date.now());
  expect(retryAfter).toBeLessThanOrEqual(Date.now() + 61_000);
  expect(r.headers['retry-after']).toBe(new Date(retryAfter).toUTCString());
  // The time in the message is never before the time to retry.
  const [hh, mm] = (/after (\d\d):(\d\d) UTC/.exec(error.message) ?? []).slice(1).map(Number);
  const said = new Date(retryAfter);
  said.setUTCHours(hh ?? 0, mm ?? 0, 0, 0);
  if (said.getTime() < retryAfter - 12 * 3_600_000) said.setUTCDate(said.getUTCDate() + 1);
  expect(said.getTime()).toBeGreaterThanOrEqual(retryAfter);
}

describe('rate limits answer RATE_LIMITED, not LOCKED', () => {
  it(`the setup start after ${String(BURST)} in a row is RATE_LIMITED (429) with retryAfter and Retry-After`, async () => {
    for (let n = 1; n <= BURST; n += 1) {
      const r = await api(server, 'reseller1', { action: 'enroll.start' });
      expect(r.status, `start ${String(n)}`).toBe(200);
    }
    expectRateLimited(await api(server, 'reseller1', { action: 'enroll.start' }), /^Too many new setups /);
    // Verification itself is not locked: codes can still be entered.
    const status = await api(server, 'reseller1', { action: 'status' });
    expect(status.json().data?.['lockedUntil']).toBeNull();
    expect(status.json().data?.['attemptsLeft']).toBe(5);
  });

  it(`the issuer save after ${String(BURST)} in a row is RATE_LIMITED (429) with retryAfter and Retry-After`, async () => {
    for (let n = 1; n <= BURST; n += 1) {
      const r = await api(server, 'reseller2', { action: 'settings.set', issuer: `Hosting ${String(n % 3)}` });
      expect(r.status, `save ${String(n)}`).toBe(200);
    }
    expectRateLimited(
      await api(server, 'reseller2', { action: 'settings.set', issuer: 'Hosting' }),
      /^Too many issuer changes /,
    );
  });
});

describe('cPanel refusing a settings change', () => {
  const REFUSE =
    '#!/bin/sh\necho \'{"metadata":{"result":0,"reason":"Changes to this setting are disabled on this server."},"data":null}\'\n';
  const issuers = (): Record<string, string> =>
    readJson(join(server.root, 'var/cpanel/authn/twofactor_auth/issuer_userdata.json')) as Record<string, string>;

  it('policy.set: CPANEL_FAILED (502) with cPanel’s reason and the policy as it still is', async () => {
    const restore = replaceTool(server, 'whmapi1', REFUSE);
    let r: CgiResult;
    try {
      r = await api(server, 'root', { action: 'policy.set', enabled: false });
    } finally {
      restore();
    }
    expect(r.status).toBe(502);
    expect(refusal(r).code).toBe('CPANEL_FAILED');
    expect(refusal(r).message).toBe(
      'cPanel did not turn the two-factor login policy off (cPanel said: Changes to this setting are disabled on this server.). It is still on: logins of accounts with two-factor authentication ask for a security code.',
    );
    expect(r.stderr).toBe('');
    const settings = await api(server, 'root', { action: 'settings.get' });
    expect(settings.json().data?.['policyEnabled']).toBe(true);
    expect(auditLines(server).at(-1)).toMatchObject({
      action: 'policy.set',
      result: 'failed: still on (cPanel said: Changes to this setting are disabled on this server.)',
    });
  });

  it('policy.set: a tool that switched the policy and then died is a success', async () => {
    mkdirSync(join(server.root, 'var/fake-cpanel'), { recursive: true });
    const faults = join(server.root, 'var/fake-cpanel/faults.json');
    writeFileSync(faults, JSON.stringify({ 'whmapi1:twofactorauth_disable_policy': 'exit' }));
    let r: CgiResult;
    try {
      r = await api(server, 'root', { action: 'policy.set', enabled: false });
    } finally {
      rmSync(faults, { force: true });
    }
    expect(r.status).toBe(200);
    expect(r.json().data).toEqual({ policyEnabled: false });
    expect(auditLines(server).at(-1)?.['result']).toMatch(/^off \(cPanel said: its tool exited with status 255/);
    expect((await api(server, 'root', { action: 'policy.set', enabled: true })).json().data).toEqual({
      policyEnabled: true,
    });
  });

  it('settings.set as root: CPANEL_FAILED (502) with cPanel’s reason and the issuer cPanel holds', async () => {
    expect((await api(server, 'root', { action: 'settings.set', issuer: 'Old Name' })).status).toBe(200);
    const restore = replaceTool(server, 'whmapi1', REFUSE);
    let r: CgiResult;
    try {
      r = await api(server, 'root', { action: 'settings.set', issuer: 'New Name' });
    } finally {
      restore();
    }
    expect(r.status).toBe(502);
    expect(refusal(r).code).toBe('CPANEL_FAILED');
    expect(refusal(r).message).toBe(
      'cPanel did not save the issuer (cPanel said: Changes to this setting are disabled on this server.). The server-wide issuer is “Old Name”: authenticator apps show that for new setups.',
    );
    expect(issuers()['system_wide_issuer']).toBe('Old Name');
    expect(auditLines(server).at(-1)).toMatchObject({
      action: 'issuer.set',
      result:
        'failed: system-wide not set to "New Name" (cPanel said: Changes to this setting are disabled on this server.)',
    });
    // With no issuer of root's own, the message names the hostname it falls back to.
    expect((await api(server, 'root', { action: 'settings.set', issuer: '' })).status).toBe(200);
    const again = replaceTool(server, 'whmapi1', REFUSE);
    try {
      r = await api(server, 'root', { action: 'settings.set', issuer: 'New Name' });
    } finally {
      again();
    }
    expect(refusal(r).message).toContain(`The server-wide issuer is the server hostname (${HOST})`);
  });
});

describe('an issuer outside cPanel’s rule', () => {
  it('BAD_REQUEST names each refused character and the rule: é is a letter, but not one cPanel takes', async () => {
    const r = await api(server, 'reseller1', { action: 'settings.set', issuer: 'Hébergement Zoë' });
    expect(r.status).toBe(400);
    expect(refusal(r)).toEqual({
      code: 'BAD_REQUEST',
      message:
        '“é” and “ë” cannot be used in the issuer. Use 1 to 32 characters: the letters A–Z and a–z (no accents), digits, spaces, dots (.), underscores (_) and hyphens (-).',
    });
    const long = await api(server, 'reseller1', { action: 'settings.set', issuer: 'Hosting'.repeat(5) });
    expect(refusal(long).message).toMatch(/^The issuer has 35 characters, more than 32\. Use 1 to 32 characters:/);
  });
});
