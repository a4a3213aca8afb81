// 50 api.cgi processes at once over mixed users and actions: no lost or torn audit line,
// failure counters and locks exactly right, every state file parses.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, auditLines, cpanelSecrets, makeServer, type CgiResult, type Server } from '../support/server';
import { wrongCodeNow } from '../support/rfc6238';

const SECRETS = {
  reseller1: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  reseller2: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF',
  shop1: 'GEZDGNBVGY3TQOJQ',
  blog2: 'MFRGGZDFMZTWQ2LK',
};
let server: Server;
beforeAll(() => {
  server = makeServer({
    secrets: SECRETS,
    resellers: { reseller1: ['list-accts'], reseller2: ['list-accts'], reseller3: [] },
  });
});
afterAll(() => server.cleanup());

describe('50 concurrent requests', () => {
  it('keep every count exact and every file whole', async () => {
    const jobs: Array<{ kind: string; run: () => Promise<CgiResult> }> = [];
    const add = (kind: string, count: number, run: () => Promise<CgiResult>): void => {
      for (let i = 0; i < count; i += 1) jobs.push({ kind, run });
    };
    add('r1-wrong', 15, () => api(server, 'reseller1', { action: 'remove', code: wrongCodeNow(SECRETS.reseller1) }));
    add('r2-wrong', 3, () => api(server, 'reseller2', { action: 'remove', code: wrongCodeNow(SECRETS.reseller2) }));
    add('root-enroll', 8, () => api(server, 'root', { action: 'enroll.start' }));
    add('r3-enroll', 4, () => api(server, 'reseller3', { action: 'enroll.start' }));
    add('root-remove-shop1', 4, () =>
      api(server, 'root', { action: 'users.remove', users: ['shop1'], reason: 'concurrency test' }),
    );
    add('r2-remove-blog2', 4, () =>
      api(server, 'reseller2', { action: 'users.remove', users: ['blog2'], reason: 'concurrency test' }),
    );
    for (const user of ['reseller1', 'reseller2', 'reseller3'])
      add(`issuer-${user}`, 2, () => api(server, user, { action: 'settings.set', issuer: `Issuer ${user}` }));
    add('status', 6, () => api(server, 'reseller3', { action: 'status' }));
    expect(jobs).toHaveLength(50);
    // Shuffle deterministically so kinds interleave.
    jobs.sort(
      (a, b) =>
        ((a.kind.length * 7919 + jobs.indexOf(a) * 104729) % 97) -
        ((b.kind.length * 7919 + jobs.indexOf(b) * 104729) % 97),
    );
    const results = await Promise.all(jobs.map(async (job) => ({ kind: job.kind, result: await job.run() })));
    const codes = (kind: string): string[] =>
      results.filter((r) => r.kind === kind).map((r) => r.result.json().error?.code ?? 'ok');

    // Throttling: exactly 5 counted failures, then the lock, for reseller1; 3 and no lock for reseller2.
    expect(codes('r1-wrong').filter((c) => c === 'CODE_INVALID')).toHaveLength(5);
    expect(codes('r1-wrong').filter((c) => c === 'LOCKED')).toHaveLength(10);
    expect(codes('r2-wrong')).toEqual(['CODE_INVALID', 'CODE_INVALID', 'CODE_INVALID']);
    const userState = (user: string): Record<string, unknown> =>
      JSON.parse(readFileSync(join(server.root, 'var/cpanel/whm2fa/users', `${user}.json`), 'utf8')) as Record<
        string,
        unknown
      >;
    expect(userState('reseller1')).toMatchObject({ failures: 0, lockCount: 1 });
    expect(userState('reseller2')).toMatchObject({ failures: 3, lockCount: 0 });
    expect(userState('reseller2')['lockedUntil']).toBeUndefined();

    // Everything else succeeded, and its effects are all there.
    for (const kind of [
      'root-enroll',
      'r3-enroll',
      'issuer-reseller1',
      'issuer-reseller2',
      'issuer-reseller3',
      'status',
      'root-remove-shop1',
      'r2-remove-blog2',
    ]) {
      expect(
        codes(kind).every((c) => c === 'ok'),
        kind,
      ).toBe(true);
    }
    expect(userState('root')['pending']).toBeDefined();
    expect(userState('reseller3')['pending']).toBeDefined();
    expect(cpanelSecrets(server)['shop1']).toBeUndefined();
    expect(cpanelSecrets(server)['blog2']).toBeUndefined();
    expect(cpanelSecrets(server)['reseller1']).toEqual({ secret: SECRETS.reseller1 });
    const settings = JSON.parse(readFileSync(join(server.root, 'var/cpanel/whm2fa/settings.json'), 'utf8')) as {
      issuers: Record<string, string>;
    };
    expect(settings.issuers).toEqual({
      reseller1: 'Issuer reseller1',
      reseller2: 'Issuer reseller2',
      reseller3: 'Issuer reseller3',
    });

    // The audit trail: every line whole, none lost.
    const raw = readFileSync(join(server.root, 'var/cpanel/whm2fa/audit.log'), 'utf8');
    expect(raw.endsWith('\n')).toBe(true);
    const lines = auditLines(server);
    expect(lines.length).toBe(raw.trim().split('\n').length);
    const count = (pred: (l: Record<string, string>) => boolean): number => lines.filter(pred).length;
    expect(
      count(
        (l) => l['subject'] === 'reseller1' && l['action'] === 'verify' && (l['result'] ?? '').startsWith('failed'),
      ),
    ).toBe(5);
    expect(count((l) => l['subject'] === 'reseller1' && l['action'] === 'lock')).toBe(1);
    // The 10 refusals while locked all answer LOCKED; only the first of the lock period is recorded.
    expect(count((l) => l['subject'] === 'reseller1' && l['result'] === 'refused: locked')).toBe(1);
    expect(count((l) => l['subject'] === 'reseller2' && l['action'] === 'verify')).toBe(3);
    expect(count((l) => l['action'] === 'issuer.set')).toBe(6);
    expect(
      count(
        (l) =>
          l['action'] === 'admin.remove' &&
          l['subject'] === 'shop1' &&
          l['result'] === 'ok: identity not confirmed (no recovery code)',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count(
        (l) =>
          l['action'] === 'admin.remove' &&
          l['subject'] === 'blog2' &&
          l['result'] === 'ok: identity not confirmed (no recovery code)',
      ),
    ).toBeGreaterThanOrEqual(1);

    // Every state file parses; no lock is left behind.
    const dir = join(server.root, 'var/cpanel/whm2fa');
    for (const file of readdirSync(join(dir, 'users')))
      expect(() => JSON.parse(readFileSync(join(dir, 'users', file), 'utf8')), file).not.toThrow();
    expect(readdirSync(dir).filter((f) => f.includes('lock'))).toEqual([]);
  });
});
