// Rotation as the installed product does it: a full audit log rotated under the settings
// file's retention leaves gzip segments (entries past audit_days gone, the archive within
// audit_mib), and `whm2fa audit` and Activity (audit.list, paging with before) read across
// the active log and every segment, newest first.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeServer, whm2fa, type Server } from '../support/server';

let server: Server;
let state: string;
beforeAll(() => {
  server = makeServer({ secrets: { root: 'JBSWY3DPEHPK3PXP' } });
  state = join(server.root, 'var/cpanel/whm2fa');
});
afterAll(() => server.cleanup());

const DAY = 86_400_000;
/** `count` entries by `actor` about shop1, `ageDays` old, about 1 KB each. */
function entries(count: number, actor: string, ageDays: number, tag: string): string {
  const at = new Date(Date.now() - ageDays * DAY);
  return Array.from(
    { length: count },
    (_, n) =>
      `${JSON.stringify({
        at: new Date(at.getTime() + n).toISOString(),
        actor,
        subject: 'shop1',
        owner: 'reseller1',
        action: 'admin.remove',
        ip: '',
        result: 'removed',
        reason: `${tag}${String(n)} ${'x'.repeat(900)}`,
      })}\n`,
  ).join('');
}
const segments = (): string[] =>
  readdirSync(state)
    .filter((f) => /^audit-\d{6}-\d+\.log\.gz$/.test(f))
    .sort();
const reasons = (list: Array<Record<string, unknown>>): string[] =>
  list.map((e) => String(e['reason']).split(' ')[0] ?? '');

describe('rotation by age and size', () => {
  it('drops what is past audit_days, bounds the archive by audit_mib, and reads across the segments', async () => {
    expect(whm2fa(server, 'config', 'set', '--file', writeConf('audit_days=30\naudit_mib=3\n')).status).toBe(0);
    // Older than 30 days, then 2,500 recent entries (about 2.4 MB): more than the 2 MiB archive.
    writeFileSync(join(state, 'audit.log'), entries(300, 'reseller1', 40, 'old') + entries(1200, 'reseller1', 3, 'a'), {
      mode: 0o600,
    });
    // The next entry rotates the full log into a segment.
    expect(whm2fa(server, 'config', 'set', 'syslog', 'off').status).toBe(0);
    writeFileSync(join(state, 'audit.log'), entries(1300, 'reseller2', 2, 'b'), { mode: 0o600 });
    expect(whm2fa(server, 'config', 'set', 'syslog', 'on').status).toBe(0);
    const files = segments();
    expect(files).toHaveLength(2);
    const archived = files.map((f) => gunzipSync(readFileSync(join(state, f))).toString('utf8')).join('');
    const compressed = files.reduce((sum, f) => sum + statSync(join(state, f)).size, 0);
    expect(Buffer.byteLength(archived)).toBeLessThanOrEqual(2 * 1024 * 1024);
    // Compressed: the repeated padding shrinks a hundredfold.
    expect(compressed).toBeLessThan(Buffer.byteLength(archived) / 10);
    expect(archived).not.toContain('"reason":"old');
    // Both actors keep their newest entries: each is cut to the same count, not one evicted.
    const kept = archived.split('\n').filter((l) => l !== '');
    const by = (actor: string): number => kept.filter((l) => l.includes(`"actor":"${actor}"`)).length;
    expect(by('reseller1')).toBeGreaterThan(900);
    expect(by('reseller2')).toBeGreaterThan(900);

    // `whm2fa audit` reads the active log, then the newest segment, then the older one.
    const out = spawnSync(join(server.root, 'usr/local/sbin/whm2fa'), ['audit', '--limit', '5000', '--json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }).stdout;
    const cli = JSON.parse(out) as {
      data: { entries: Array<Record<string, unknown>> };
    };
    const all = cli.data.entries;
    expect(all[0]).toMatchObject({ action: 'config.set', result: 'syslog: off -> on' });
    expect(reasons(all.filter((e) => e['actor'] === 'reseller2')).at(0)).toBe('b1299');
    expect(reasons(all.filter((e) => e['actor'] === 'reseller1')).at(0)).toBe('a1199');
    const times = all.map((e) => String(e['at']));
    expect([...times].sort().reverse()).toEqual(times);

    // Activity pages through the same entries with `before`.
    const seen: Array<Record<string, unknown>> = [];
    for (let guard = 0; guard < 100; guard += 1) {
      const last = seen.at(-1);
      const r = await api(server, 'root', {
        action: 'audit.list',
        limit: 500,
        ...(last === undefined ? {} : { before: last['at'], skip: seen.filter((e) => e['at'] === last['at']).length }),
      });
      const page = r.json().data?.['entries'] as Array<Record<string, unknown>>;
      seen.push(...page);
      if (page.length < 500) break;
    }
    expect(seen.map((e) => `${String(e['at'])} ${String(e['reason'])}`)).toEqual(
      all.map((e) => `${String(e['at'])} ${String(e['reason'])}`),
    );
  });
});

function writeConf(text: string): string {
  const file = join(server.root, 'fleet.conf');
  writeFileSync(file, text);
  return file;
}
