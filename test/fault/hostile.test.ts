// 1,000 generated hostile requests: random methods, content types, lengths that lie,
// truncated and deeply nested JSON, huge strings, unicode, control characters, odd
// REMOTE_USER values and bad tokens. Every answer is well-formed coded JSON (or a correct
// answer to a harmless read), never a stack trace, and refused requests change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STATUS } from '../../plugin/src/errors';
import { callCgi, makeServer, snapshot, TOKEN, type CgiCall, type Server } from '../support/server';

let server: Server;
beforeAll(() => {
  server = makeServer({ secrets: { reseller1: 'JBSWY3DPEHPK3PXP' } });
});
afterAll(() => server.cleanup());

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODES = new Set(Object.keys(HTTP_STATUS));
/** Actions that change nothing when they succeed. */
const READS = ['status', 'users.list', 'settings.get', 'audit.list'];
const ODD = ['\u0000', '\u202e', '💥', 'é', '\r\n', '"', '\\', '<script>', '%00', '../'];

function generate(random: () => number): CgiCall {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const str = (max: number): string =>
    Array.from({ length: Math.floor(random() * max) }, () =>
      random() < 0.3 ? pick(ODD) : String.fromCharCode(32 + Math.floor(random() * 90)),
    ).join('');
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(random() < 0.5 ? depth : depth - 1)}`;
  const action = pick([
    ...READS,
    'enroll.confirm',
    'remove',
    'users.remove',
    'users.remind',
    'policy.set',
    'settings.set',
    'nope',
    '__proto__',
    'constructor',
    '',
  ]);
  // Params that are refused before anything happens: wrong types, malformed codes, odd names, oversize.
  const params: Record<string, unknown> = pick([
    {},
    { code: str(8) + 'x' },
    { code: { $gt: '' } },
    { code: 12.5 },
    { users: [str(40)], reason: str(10) },
    { users: 'root', reason: 'x' },
    { users: [], reason: 'x' },
    { enabled: 'true' },
    { issuer: `${str(20)}:${str(5)}` },
    { issuer: 'x'.repeat(100) },
    { limit: -1 },
    { limit: 1e9 },
    { before: str(10) },
  ]);
  let body = JSON.stringify({ action, ...params });
  const shape = random();
  if (shape < 0.1) body = nested(1000 + Math.floor(random() * 30000));
  else if (shape < 0.2) body = body.slice(0, Math.floor(random() * body.length));
  else if (shape < 0.25) body = `{"action":"status","pad":"${'A'.repeat(70_000)}"}`;
  else if (shape < 0.3) body = str(200);
  else if (shape < 0.35) body = `{"action":"${action}","users":["shop1\u0000"],"code":"12\u00003456"}`;
  const bytes = Buffer.byteLength(body);
  const lengthKind = random();
  const contentLength =
    lengthKind < 0.8
      ? String(bytes)
      : lengthKind < 0.88
        ? String(bytes + 1 + Math.floor(random() * 50))
        : lengthKind < 0.94
          ? String(Math.max(0, bytes - 5))
          : pick(['', '-1', 'abc', '1e3', '99999999999999']);
  const user =
    random() < 0.75
      ? pick(['root', 'reseller1', 'reseller2'])
      : // No NUL byte here: an environment variable cannot carry one (execve ends the string
        // there). NUL bytes travel in the body instead, raw and escaped.
        pick(['', 'nobody', 'shop1', '../root', 'a;b', 'ROOT', ' reseller1', 'x'.repeat(40), '💥']);
  const token =
    random() < 0.85
      ? TOKEN
      : pick(['', '/cpsess', '/cpsess123', '/cpsess12345678901', 'cpsess1234567890', '/CPSESS1234567890']);
  return {
    method: random() < 0.85 ? 'POST' : pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'post', '']),
    contentType:
      random() < 0.8
        ? 'application/json'
        : pick([
            'text/plain',
            'application/json; charset=utf-8',
            'application/jsonx',
            'multipart/form-data',
            'APPLICATION/JSON',
            '',
          ]),
    contentLength,
    body,
    user,
    token: token === '' ? undefined : token,
    requestUri: random() < 0.9 ? `${token}/cgi/whm2fa/api.cgi` : `/cpsess0000000000/cgi/whm2fa/api.cgi`,
  };
}

describe('1,000 hostile requests', () => {
  it('each gets a well-formed coded answer, and nothing changes', async () => {
    const random = prng(20261127);
    const requests = Array.from({ length: 1000 }, () => generate(random));
    const before = snapshot(server.root);
    const seen = new Map<string, number>();
    const parallel = 6;
    for (let i = 0; i < requests.length; i += parallel) {
      const batch = requests.slice(i, i + parallel);
      const results = await Promise.all(batch.map((call) => callCgi(server, call)));
      results.forEach((r, j) => {
        const where = `request ${String(i + j)}: ${JSON.stringify(batch[j]).slice(0, 300)}`;
        expect(r.exitCode, where).toBe(0);
        expect(r.headers['content-type'], where).toMatch(/^application\/json/);
        expect(r.headers['cache-control'], where).toBe('no-store');
        expect(r.body, where).not.toMatch(/\bat .*:\d+:\d+|node:internal|\/usr\/local\/cpanel|Error:/);
        const json = r.json();
        if (json.ok) {
          expect(r.status, where).toBe(200);
        } else {
          expect(CODES.has(json.error?.code ?? ''), where).toBe(true);
          expect(json.error?.code, where).not.toBe('INTERNAL');
          expect(r.status, where).toBeGreaterThanOrEqual(400);
          expect(r.status, where).toBeLessThan(500);
          expect((json.error?.message ?? '').length, where).toBeGreaterThan(10);
        }
        const key = json.ok ? 'ok' : (json.error?.code ?? '');
        seen.set(key, (seen.get(key) ?? 0) + 1);
      });
    }
    // Refused requests and harmless reads leave every file exactly as it was.
    // The first users.list of a day keeps the day's coverage snapshot.
    const state = (m: Map<string, string>): Map<string, string> =>
      new Map([...m].filter(([file]) => file !== 'var/cpanel/whm2fa/coverage.json'));
    expect(state(snapshot(server.root))).toEqual(state(before));
    // The generator really reached the different refusals.
    for (const code of ['BAD_REQUEST', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'CODE_INVALID'])
      expect(seen.get(code) ?? 0, code).toBeGreaterThan(0);
  }, 240_000);
});
