// What a killed whm2fa process leaves behind: its temporary files (which may hold a
// pending secret) and its private lock file. They are swept when the next process takes
// over the dead lock, a failed write leaves no temporary file at all, and the doctor
// reports leftovers and removes them with --fix.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepLeftovers, withLock, writeJsonAtomic } from '../../plugin/src/store';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { runDoctor } from '../../plugin/src/doctor';

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-leftovers-'));
  paths = serverPaths(root);
  mkdirSync(paths.userStateDir, { recursive: true, mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function leaveCrashDebris(pid: number): string[] {
  const files = [
    join(paths.userStateDir, `.reseller1.json.${String(pid)}.tmp`),
    join(paths.stateDir, `.settings.json.${String(pid)}.tmp`),
    `${paths.lockFile}.${String(pid)}`,
  ];
  writeFileSync(files[0] ?? '', '{"failures":0,"lockCount":0,"pending":{"secret":"MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"');
  writeFileSync(files[1] ?? '', '{"issu');
  writeFileSync(files[2] ?? '', String(pid));
  return files;
}

describe('leftovers of killed processes', () => {
  it('are swept when the next process takes over the lock the dead one held', () => {
    const pid = deadPid();
    const debris = leaveCrashDebris(pid);
    writeFileSync(paths.lockFile, String(pid));
    withLock(paths.lockFile, () => undefined);
    for (const file of debris) expect(existsSync(file)).toBe(false);
    expect(existsSync(paths.lockFile)).toBe(false);
  });

  it('of a live process are never touched', () => {
    const mine = join(paths.userStateDir, `.reseller1.json.${String(process.ppid)}.tmp`);
    writeFileSync(mine, '{}');
    expect(sweepLeftovers(paths.stateDir, { remove: true })).toEqual([]);
    expect(existsSync(mine)).toBe(true);
  });

  it('are reported by the doctor, and removed with --fix', () => {
    const debris = leaveCrashDebris(deadPid());
    const report = runDoctor(paths, 1_800_000_000).find((c) => c.name === 'leftovers');
    expect(report).toMatchObject({
      ok: false,
      detail: expect.stringContaining('3 file(s) left by killed processes') as unknown,
    });
    for (const file of debris) expect(existsSync(file)).toBe(true);
    const fixed = runDoctor(paths, 1_800_000_000, { fix: true }).find((c) => c.name === 'leftovers');
    expect(fixed).toMatchObject({ ok: true, detail: 'removed 3 file(s) left by killed processes' });
    for (const file of debris) expect(existsSync(file)).toBe(false);
  });
});

describe('a failed write', () => {
  it('leaves no temporary file behind (it could hold a pending secret)', () => {
    const target = join(paths.userStateDir, 'reseller1.json');
    mkdirSync(target); // renaming a file onto a folder fails
    expect(() =>
      writeJsonAtomic(target, { failures: 0, lockCount: 0, pending: { secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U' } }),
    ).toThrow();
    expect(readdirSync(paths.userStateDir)).toEqual(['reseller1.json']);
  });
});
