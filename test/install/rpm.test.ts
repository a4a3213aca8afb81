// The RPM that `npm run package` builds: its file list, and install, upgrade (rpm -U) and
// erase into a temporary server tree leaving that tree exactly as install.sh (install,
// install again, --uninstall) leaves a twin tree, state kept. rpm runs with its own
// database folder and the package relocated under the tree (docs/decisions/rpm.md).
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module of the local WHM
import { createServerTree } from '../../scripts/fake-cpanel/tree.mjs';
// @ts-expect-error: plain JavaScript module
import { packRelease, writeChecksums } from '../../scripts/release.mjs';
// @ts-expect-error: plain JavaScript module
import { buildRpm, PAYLOAD_DIR } from '../../scripts/rpm.mjs';
import { ensureRpmbuild } from '../../scripts/ensure.mjs';

// rpmbuild is installed (Debian's rpm package) when missing; only if that is impossible
// are these tests skipped, with the reason.
const missing = ensureRpmbuild();
if (missing !== undefined) console.warn(`RPM tests skipped: ${missing}`);

let work: string;
let release: string;
let rpm1: string;
let rpm2: string;
let tarFiles: string[];
let tarball: string;

beforeAll(() => {
  if (missing !== undefined) return;
  work = mkdtempSync(join(tmpdir(), 'whm2fa-rpm-test-'));
  tarball = (packRelease as (dir: string) => string)(work);
  tarFiles = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((f) => f !== '' && !f.endsWith('/'));
  expect(spawnSync('tar', ['-xzf', tarball, '-C', work]).status).toBe(0);
  release = join(work, 'whm2fa-1.0.0');
  const build = buildRpm as (tarball: string, out: string, options?: { release?: string }) => string;
  rpm1 = build(tarball, work);
  rpm2 = build(tarball, work, { release: '2' });
}, 120_000);
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

function run(command: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A server tree with a Node.js where install.sh looks last ($ROOT/usr/bin/node). */
function newTree(name: string): string {
  const root = join(work, name);
  mkdirSync(root);
  (createServerTree as (root: string, options: Record<string, unknown>) => void)(root, {
    secrets: { root: 'JBSWY3DPEHPK3PXP' },
  });
  symlinkSync(process.execPath, join(root, 'usr/bin/node'));
  // As on a server, /usr/share is there before the package.
  mkdirSync(join(root, 'usr/share'), { mode: 0o755 });
  return root;
}

/** Every path under `root` but the package's own files: type, mode and content, the root's name replaced. */
function state(root: string): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name);
      const rel = file.slice(root.length);
      if (rel === PAYLOAD_DIR) continue;
      const st = lstatSync(file);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) seen.set(rel, `link ${readlinkSync(file)}`);
      else if (st.isDirectory()) {
        seen.set(rel, `dir ${mode}`);
        walk(file);
      } else {
        // V8's code caches differ from one making to the next: their presence and mode count.
        const content = name.endsWith('.cache') ? 'cache' : readFileSync(file, 'utf8').split(root).join('ROOT');
        seen.set(rel, `file ${mode} ${content}`);
      }
    }
  };
  walk(root);
  return seen;
}

const rpmArgs = (db: string): string[] => ['--dbpath', db, '--nodeps'];

describe.skipIf(missing !== undefined)('the RPM', () => {
  it('lists the release’s files under /usr/share/whm2fa, and scriptlets that run install.sh', () => {
    const listed = run('rpm', ['-qlp', rpm1])
      .out.split('\n')
      .filter((l) => l.startsWith('/'));
    const expected = tarFiles.map((f) => `${PAYLOAD_DIR}/${f.replace(/^whm2fa-1\.0\.0\//, '')}`);
    for (const file of expected) expect(listed).toContain(file);
    for (const file of [
      'install.sh',
      'dist/plugin/api.js',
      'dist/plugin/cli.js',
      'dist/plugin/hook.js',
      'dist/frontend/app.js',
    ])
      expect(listed).toContain(`${PAYLOAD_DIR}/${file}`);
    expect(listed.filter((f) => !f.startsWith(PAYLOAD_DIR))).toEqual([]);
    const scripts = run('rpm', ['-qp', '--scripts', rpm1]).out;
    expect(scripts).toContain('"$prefix/install.sh" --root "$root" --yes');
    expect(scripts).toContain('"$prefix/install.sh" --root "$root" --uninstall --yes');
    expect(run('rpm', ['-qp', '--queryformat', '%{NAME} %{VERSION} %{RELEASE} %{ARCH}', rpm1]).out).toContain(
      'whm2fa 1.0.0 1 noarch',
    );
  });

  it('has SHA256SUMS beside the tarball that sha256sum -c accepts, and that catches a changed byte', () => {
    const sums = (writeChecksums as (files: string[]) => string)([tarball, rpm1]);
    expect(readFileSync(sums, 'utf8')).toMatch(
      /^[0-9a-f]{64} {2}whm2fa-1\.0\.0\.tar\.gz\n[0-9a-f]{64} {2}whm2fa-1\.0\.0-1\.noarch\.rpm\n$/,
    );
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: work }).status).toBe(0);
    const copy = join(work, 'copy');
    mkdirSync(copy);
    writeFileSync(join(copy, 'SHA256SUMS'), readFileSync(sums));
    const bytes = readFileSync(rpm1);
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 1, bytes.length - 1);
    writeFileSync(join(copy, 'whm2fa-1.0.0-1.noarch.rpm'), bytes);
    writeFileSync(join(copy, 'whm2fa-1.0.0.tar.gz'), readFileSync(tarball));
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: copy }).status).toBe(1);
  });

  it('installs, upgrades and erases into a tree exactly as install.sh does, keeping the state', () => {
    const viaRpm = newTree('via-rpm');
    const viaScript = newTree('via-script');
    const db = join(work, 'rpmdb');
    mkdirSync(db);
    expect(run('rpm', ['--initdb', '--dbpath', db]).status).toBe(0);
    const installSh = (root: string, ...args: string[]): void => {
      const r = run('bash', [join(release, 'install.sh'), '--root', root, '--yes', ...args]);
      expect(r.status, r.out).toBe(0);
    };
    const prefix = ['--prefix', join(viaRpm, PAYLOAD_DIR)];

    // Install.
    const installed = run('rpm', ['-i', ...rpmArgs(db), ...prefix, rpm1]);
    expect(installed.status, installed.out).toBe(0);
    expect(installed.out).toContain(`whm2fa 1.0.0 installed under ${viaRpm}`);
    installSh(viaScript);
    expect(state(viaRpm)).toEqual(state(viaScript));
    expect(lstatSync(join(viaRpm, PAYLOAD_DIR, 'install.sh')).mode & 0o777).toBe(0o755);

    // State a server gathers: settings, a user's record, the audit trail.
    const stateFiles: Record<string, string> = {
      'var/cpanel/whm2fa/settings.conf': 'syslog=off\naudit_days=400\naudit_mib=64\ntool_timeout=30\n',
      'var/cpanel/whm2fa/users/reseller1.json': '{"failures":2,"lockCount":0}',
      'var/cpanel/whm2fa/audit.log': '{"at":"2026-01-01T00:00:00.000Z","actor":"root"}\n',
    };
    for (const root of [viaRpm, viaScript])
      for (const [file, text] of Object.entries(stateFiles)) {
        mkdirSync(join(root, file, '..'), { recursive: true, mode: 0o700 });
        writeFileSync(join(root, file), text, { mode: 0o600 });
      }

    // Upgrade: the new package's install.sh runs; the old one's erase step does not.
    const upgraded = run('rpm', ['-U', ...rpmArgs(db), ...prefix, rpm2]);
    expect(upgraded.status, upgraded.out).toBe(0);
    expect(upgraded.out).not.toContain('whm2fa removed');
    installSh(viaScript);
    expect(state(viaRpm)).toEqual(state(viaScript));
    for (const [file, text] of Object.entries(stateFiles)) expect(readFileSync(join(viaRpm, file), 'utf8')).toBe(text);
    expect(run('rpm', ['-q', '--dbpath', db, 'whm2fa']).out.trim()).toBe('whm2fa-1.0.0-2.noarch');
    expect(readFileSync(join(viaRpm, 'var/cpanel/apps/whm2fa.conf'), 'utf8')).toContain('whm2fa');

    // Erase: install.sh --uninstall; the state and audit trail stay.
    const erased = run('rpm', ['-e', ...rpmArgs(db), 'whm2fa']);
    expect(erased.status, erased.out).toBe(0);
    installSh(viaScript, '--uninstall');
    expect(state(viaRpm)).toEqual(state(viaScript));
    for (const [file, text] of Object.entries(stateFiles)) expect(readFileSync(join(viaRpm, file), 'utf8')).toBe(text);
    expect(() => lstatSync(join(viaRpm, PAYLOAD_DIR))).toThrow();
    expect(() => lstatSync(join(viaRpm, 'usr/local/cpanel/3rdparty/whm2fa'))).toThrow();
    expect(run('rpm', ['-q', '--dbpath', db, 'whm2fa']).status).not.toBe(0);
  });
});
