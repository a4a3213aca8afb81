import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, auditSegments, listAudit } from '../../plugin/src/audit';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-audit-'));
  paths = serverPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const entry = (n: number, subject = 'shop1') => ({
  epochSeconds: 1_800_000_000 + n,
  actor: 'root',
  subject,
  action: 'admin.remove' as const,
  ip: '203.0.113.1',
  result: 'ok',
  reason: `entry ${String(n)}`,
});

describe('the audit log', () => {
  it('appends 0600 lines and lists newest first, filtered and paged', () => {
    for (let n = 0; n < 10; n += 1) appendAudit(paths, entry(n, n % 2 === 0 ? 'shop1' : 'blog2'));
    expect(statSync(paths.auditFile).mode & 0o777).toBe(0o600);
    const all = listAudit(paths, { limit: 100, visible: () => true });
    expect(all.map((e) => e.reason)).toEqual(Array.from({ length: 10 }, (_, i) => `entry ${String(9 - i)}`));
    const shop = listAudit(paths, { limit: 2, visible: (e) => e.subject === 'shop1' });
    expect(shop.map((e) => e.reason)).toEqual(['entry 8', 'entry 6']);
    const older = listAudit(paths, { limit: 100, beforeIso: shop[1]?.at, visible: (e) => e.subject === 'shop1' });
    expect(older.map((e) => e.reason)).toEqual(['entry 4', 'entry 2', 'entry 0']);
  });

  it('rotates past 1 MiB and keeps reading across the rotated files', () => {
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    const old = `${JSON.stringify({ ...entry(0), at: '2026-01-01T00:00:00.000Z', epochSeconds: undefined })}\n`;
    writeFileSync(paths.auditFile, old.repeat(Math.ceil((1024 * 1024) / old.length)), { mode: 0o600 });
    appendAudit(paths, entry(99));
    expect(auditSegments(paths)).toHaveLength(1);
    expect(readFileSync(paths.auditFile, 'utf8').trim().split('\n')).toHaveLength(1);
    const listed = listAudit(paths, { limit: 3, visible: () => true });
    expect(listed.map((e) => e.reason)).toEqual(['entry 99', 'entry 0', 'entry 0']);
  });

  it('skips a line cut by a crash, and the next entry still lands whole', () => {
    appendAudit(paths, entry(1));
    writeFileSync(paths.auditFile, `${readFileSync(paths.auditFile, 'utf8')}{"at":"2026-`, { flag: 'w' });
    appendAudit(paths, entry(2));
    expect(listAudit(paths, { limit: 10, visible: () => true }).map((e) => e.reason)).toEqual(['entry 2', 'entry 1']);
  });

  it('stores a typed reason with a pasted key or recovery code removed (the syslog copy is the same line)', () => {
    appendAudit(paths, { ...entry(1), reason: 'old key JBSWY3DPEHPK3PXP, code ABCD-EFGH-JK23' });
    const stored = readFileSync(paths.auditFile, 'utf8');
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP');
    expect(stored).not.toContain('ABCD-EFGH-JK23');
    expect(listAudit(paths, { limit: 1, visible: () => true })[0]?.reason).toBe('old key [redacted], code [redacted]');
  });
});
