// Issue 20 through the installed CGI: each refusal says what really happened. A rate
// limit is RATE_LIMITED with the time to retry (never the verification lock's LOCKED).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeServer, type CgiResult, type Server } from '../support/server';
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
