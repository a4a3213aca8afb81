// Per-actor rate limits in-process at given times: a burst of 60, then one a minute; the
// first refusal of an episode recorded and later ones not; each actor and action its own
// bucket; a damaged file read as empty; a lock's refusal recorded once per lock.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BURST,
  REFILL_SECONDS,
  chargeLocked,
  firstRefusalWhileLocked,
  limitRate,
  takeToken,
} from '../../plugin/src/rateLimit';
import { listAudit } from '../../plugin/src/audit';
import { Whm2faError } from '../../plugin/src/errors';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import type { RequestContext } from '../../plugin/src/context';
import type { CpanelBridge } from '../../plugin/src/cpanel';

// A minute boundary, so the "try again after" minute is easy to state.
const T0 = 1_800_000_000 - (1_800_000_000 % 60);
const iso = (t: number): string => new Date(t * 1000).toISOString();

let root: string;
let paths: ServerPaths;

const file = (): string => join(paths.stateDir, 'limits.json');
const saved = (): {
  buckets: Record<string, { tokens: number; at: number; noted: boolean }>;
  lockNotes: Record<string, number>;
} => JSON.parse(readFileSync(file(), 'utf8')) as never;

function ctx(user: string, epochSeconds: number): RequestContext {
  return {
    paths,
    caller: { user, isRoot: false, isReseller: true },
    ip: '192.0.2.7',
    epochSeconds,
    cpanel: {} as CpanelBridge,
  };
}

function burst(actor: string, at: number, n = BURST): void {
  for (let i = 0; i < n; i += 1) expect(takeToken(paths, actor, 'enroll.start', at)).toEqual({ ok: true });
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-limits-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('takeToken', () => {
  it('allows a burst of 60, then refuses until a minute has passed', () => {
    expect(BURST).toBe(60);
    expect(REFILL_SECONDS).toBe(60);
    burst('res1', T0);
    expect(takeToken(paths, 'res1', 'enroll.start', T0)).toEqual({ ok: false, retryAt: T0 + 60, firstRefusal: true });
    expect(takeToken(paths, 'res1', 'enroll.start', T0 + 30)).toEqual({
      ok: false,
      retryAt: T0 + 60,
      firstRefusal: false,
    });
    expect(takeToken(paths, 'res1', 'enroll.start', T0 + 59)).toMatchObject({ ok: false, retryAt: T0 + 60 });
    expect(takeToken(paths, 'res1', 'enroll.start', T0 + 60)).toEqual({ ok: true });
    // The episode is over: the next refusal is a first one again.
    expect(takeToken(paths, 'res1', 'enroll.start', T0 + 60)).toEqual({
      ok: false,
      retryAt: T0 + 120,
      firstRefusal: true,
    });
  });

  it('refills one token a minute, up to the burst', () => {
    burst('res1', T0);
    // Two and a half minutes: two tokens.
    burst('res1', T0 + 150, 2);
    expect(takeToken(paths, 'res1', 'enroll.start', T0 + 150)).toEqual({
      ok: false,
      retryAt: T0 + 180,
      firstRefusal: true,
    });
    // A day later the bucket is full, and no fuller.
    burst('res1', T0 + 86_400);
    expect(takeToken(paths, 'res1', 'enroll.start', T0 + 86_400).ok).toBe(false);
  });

  it('never refills for a time before the last one', () => {
    burst('res1', T0);
    expect(takeToken(paths, 'res1', 'enroll.start', T0 - 3600).ok).toBe(false);
  });

  it('keeps one bucket per actor and action', () => {
    burst('res1', T0);
    expect(takeToken(paths, 'res2', 'enroll.start', T0)).toEqual({ ok: true });
    expect(takeToken(paths, 'res1', 'issuer.set', T0)).toEqual({ ok: true });
    expect(Object.keys(saved().buckets).sort()).toEqual(['enroll.start res1', 'enroll.start res2', 'issuer.set res1']);
  });

  it('writes down what it counts, and drops buckets that are full again', () => {
    takeToken(paths, 'res1', 'issuer.set', T0);
    expect(saved().buckets['issuer.set res1']).toEqual({ tokens: BURST - 1, at: T0, noted: false });
    takeToken(paths, 'res2', 'issuer.set', T0 + 61);
    expect(Object.keys(saved().buckets)).toEqual(['issuer.set res2']);
  });

  it('keeps a refused bucket while its refusal is noted', () => {
    burst('res1', T0);
    takeToken(paths, 'res1', 'enroll.start', T0);
    expect(saved().buckets['enroll.start res1']).toEqual({ tokens: 0, at: T0, noted: true });
    // Long after, the noted bucket is still kept until the actor gets through.
    takeToken(paths, 'res2', 'enroll.start', T0 + 86_400);
    expect(saved().buckets['enroll.start res1']?.noted).toBe(true);
  });

  it('reads a damaged file as empty and rewrites it', () => {
    for (const text of ['{', '[]', 'null', '{"buckets":[],"lockNotes":7}']) {
      writeFileSync(file(), text);
      expect(takeToken(paths, 'res1', 'enroll.start', T0), text).toEqual({ ok: true });
      expect(saved().buckets['enroll.start res1']?.tokens).toBe(BURST - 1);
    }
  });

  it('skips bad buckets and keeps good ones', () => {
    writeFileSync(
      file(),
      JSON.stringify({
        buckets: {
          'enroll.start res1': { tokens: 0, at: T0, noted: 'yes' },
          'enroll.start res2': { tokens: 'x', at: T0 },
          'enroll.start res3': { tokens: 0, at: null },
          'enroll.start res4': null,
        },
        lockNotes: { bob: 'x', carol: T0 + 100 },
      }),
    );
    expect(takeToken(paths, 'res1', 'enroll.start', T0)).toEqual({ ok: false, retryAt: T0 + 60, firstRefusal: true });
    expect(takeToken(paths, 'res2', 'enroll.start', T0)).toEqual({ ok: true });
    expect(takeToken(paths, 'res3', 'enroll.start', T0)).toEqual({ ok: true });
    expect(takeToken(paths, 'res4', 'enroll.start', T0)).toEqual({ ok: true });
    expect(saved().lockNotes).toEqual({ carol: T0 + 100 });
  });
});

describe('chargeLocked and limitRate', () => {
  it('lets the burst through, then refuses with the time to retry, recorded once', () => {
    for (let i = 0; i < BURST; i += 1) limitRate(ctx('res1', T0 + 10), 'issuer.set');
    let refusal: unknown;
    try {
      limitRate(ctx('res1', T0 + 10), 'issuer.set');
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(Whm2faError);
    const err = refusal as Whm2faError;
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(iso(T0 + 70));
    expect(err.message).toBe(
      `Too many issuer changes in a short time (at most 60 in a row, then one a minute). Try again after ${iso(T0 + 120).slice(11, 16)} UTC.`,
    );
    expect(() => chargeLocked(ctx('res1', T0 + 20), 'issuer.set')).toThrow(/Try again after/);
    const audit = listAudit(paths, { limit: 10, visible: () => true });
    expect(audit.map((e) => [e.actor, e.subject, e.action, e.ip, e.result, e.at])).toEqual([
      [
        'res1',
        'res1',
        'issuer.set',
        '192.0.2.7',
        `refused: too many issuer changes, retry after ${iso(T0 + 70)}`,
        iso(T0 + 10),
      ],
    ]);
  });

  it('names new setups in its words', () => {
    burst('res1', T0);
    expect(() => limitRate(ctx('res1', T0), 'enroll.start')).toThrow(/^Too many new setups in a short time/);
    expect(listAudit(paths, { limit: 10, visible: () => true })[0]?.result).toBe(
      `refused: too many new setups, retry after ${iso(T0 + 60)}`,
    );
  });

  it('rounds the minute said up, so that "after" holds', () => {
    burst('res1', T0 + 1);
    expect(() => limitRate(ctx('res1', T0 + 1), 'enroll.start')).toThrow(
      `Try again after ${iso(T0 + 120).slice(11, 16)} UTC.`,
    );
  });
});

describe('firstRefusalWhileLocked', () => {
  it('is true once per lock and user, and forgets locks that are over', () => {
    expect(firstRefusalWhileLocked(paths, 'bob', T0 + 300, T0)).toBe(true);
    expect(firstRefusalWhileLocked(paths, 'bob', T0 + 300, T0 + 10)).toBe(false);
    expect(firstRefusalWhileLocked(paths, 'carol', T0 + 300, T0 + 10)).toBe(true);
    expect(firstRefusalWhileLocked(paths, 'bob', T0 + 900, T0 + 400)).toBe(true);
    expect(saved().lockNotes).toEqual({ bob: T0 + 900 });
    expect(firstRefusalWhileLocked(paths, 'bob', T0 + 900, T0 + 900)).toBe(false);
    // A lock that ends this very second is over: forgotten on the next write.
    expect(firstRefusalWhileLocked(paths, 'carol', T0 + 1000, T0 + 900)).toBe(true);
    expect(saved().lockNotes).toEqual({ carol: T0 + 1000 });
  });
});
