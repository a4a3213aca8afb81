// install.sh from the release tarball into a temporary root holding fake cPanel tools:
// files, modes and owners; the AppConfig by cPanel's rules; hooks; idempotent upgrade;
// uninstall and purge; and each refusal with its own exit code.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module of the local WHM
import { createServerTree } from '../../scripts/fake-cpanel/tree.mjs';
// @ts-expect-error: plain JavaScript module
import { packRelease } from '../../scripts/release.mjs';
// @ts-expect-error: plain JavaScript module of the local WHM
import { parseAppConfig, validateAppConfig } from '../../scripts/fake-cpanel/appconfig.mjs';

let work: string;
let release: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'whm2fa-install-'));
  const tarball = (packRelease as (dir: string) => string)(work);
  expect(spawnSync('tar', ['-xzf', tarball, '-C', work]).status).toBe(0);
  release = join(work, 'whm2fa-1.0.0');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function newTree(options: Record<string, unknown> = {}): string {
  const root = mkdtempSync(join(work, 'root-'));
  (createServerTree as (root: string, options: Record<string, unknown>) => void)(root, options);
  return root;
}

function install(root: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('bash', [join(release, 'install.sh'), '--root', root, ...args], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every path under `root` with its type, mode and content hash (no times). */
function tree(root: string): Map<string, string> {
  const r = spawnSync(
    'bash',
    ['-c', `cd "${root}" && find . -printf '%p %y %m %U\\n' | sort && find . -type f -exec md5sum {} + | sort -k2`],
    { encoding: 'utf8' },
  );
  const map = new Map<string, string>();
  for (const line of r.stdout.split('\n')) if (line !== '') map.set(line, line);
  return map;
}

const mode = (file: string): number => statSync(file).mode & 0o777;

describe('the release tarball', () => {
  it('holds install.sh, the built files, README and licence, and no sources or npm files', () => {
    const list = spawnSync('tar', ['-tzf', join(work, 'whm2fa-1.0.0.tar.gz')], { encoding: 'utf8' }).stdout.split('\n');
    for (const f of [
      'install.sh',
      'README.md',
      'LICENSE',
      'dist/VERSION',
      'dist/plugin/api.js',
      'dist/plugin/index.js',
      'dist/plugin/hook.js',
      'dist/plugin/cli.js',
      'dist/frontend/app.js',
      'dist/frontend/app.css',
    ]) {
      expect(list).toContain(`whm2fa-1.0.0/${f}`);
    }
    expect(list.some((f) => f.includes('node_modules') || f.endsWith('.ts') || f.endsWith('package.json'))).toBe(false);
  });
});

describe('install', () => {
  let root: string;
  beforeAll(() => {
    root = newTree({ policy: false });
  });

  it('installs every file with its mode and owner, and registers the app and hooks', () => {
    const r = install(root, '--node', process.execPath);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/policy is OFF/);
    expect(r.out).toContain('whmapi1 twofactorauth_enable_policy');
    const program = join(root, 'usr/local/cpanel/3rdparty/whm2fa');
    const cgi = join(root, 'usr/local/cpanel/whostmgr/docroot/cgi/whm2fa');
    for (const f of [
      'api.js',
      'index.js',
      'hook.js',
      'cli.js',
      'vendor-otplib.js',
      'vendor-otplib-crypto.js',
      'vendor-qrcode.js',
      'whm2fa.conf',
    ])
      expect(mode(join(program, f)), f).toBe(0o644);
    expect(mode(join(program, 'whm2fa-hook'))).toBe(0o755);
    expect(mode(join(cgi, 'api.cgi'))).toBe(0o755);
    expect(mode(join(cgi, 'index.cgi'))).toBe(0o755);
    expect(mode(join(cgi, 'app.js'))).toBe(0o644);
    expect(mode(join(cgi, 'app.css'))).toBe(0o644);
    expect(mode(join(root, 'var/cpanel/whm2fa'))).toBe(0o700);
    expect(mode(join(root, 'usr/local/sbin/whm2fa'))).toBe(0o755);
    for (const f of [program, cgi, join(cgi, 'api.cgi'), join(root, 'var/cpanel/whm2fa')])
      expect(statSync(f).uid).toBe(0);
    // The shebang starts the Node found at install time; the root is recorded beside it.
    const wrapper = readFileSync(join(cgi, 'api.cgi'), 'utf8');
    // Node's own require of the bundle and a call to its main: no loader of whm2fa's own.
    // Only api.cgi gives Node an option: the young generation for Manage Users' pages
    // (docs/decisions/young-generation.md); one option, as Linux passes one after #!.
    expect(wrapper.split('\n')).toEqual([
      `#!${process.execPath} --min-semi-space-size=2`,
      expect.stringMatching(/^\/\/ whm2fa /),
      `require(${JSON.stringify(join(program, 'api.js'))}).main({ root: ${JSON.stringify(root)} });`,
      '',
    ]);
    // The hook's line above all: install.sh reads an earlier install's Node from it.
    const others = [join(cgi, 'index.cgi'), join(root, 'usr/local/sbin/whm2fa'), join(program, 'whm2fa-hook')];
    for (const other of others) expect(readFileSync(other, 'utf8').split('\n')[0]).toBe(`#!${process.execPath}`);
    // A 48x48 PNG icon.
    const icon = readFileSync(join(root, 'usr/local/cpanel/whostmgr/docroot/addon_plugins/whm2fa.png'));
    expect(icon.subarray(1, 4).toString()).toBe('PNG');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([48, 48]);
  });

  it('makes the state folder 0700 itself, even when the first sync cannot read cPanel’s store', () => {
    // The sync at the end writes state (and so fixes a folder's mode); this one fails first.
    const other = newTree();
    writeFileSync(join(other, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json'), '{ not json');
    const r = install(other, '--node', process.execPath);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('whm2fa could not read cPanel');
    expect(mode(join(other, 'var/cpanel/whm2fa'))).toBe(0o700);
  });

  it('installs the page’s on-demand files, each registered as a url of the app, and drops an old release’s', () => {
    const cgi = join(root, 'usr/local/cpanel/whostmgr/docroot/cgi/whm2fa');
    const stale = join(cgi, 'page-OLDRELEASE.js');
    writeFileSync(stale, 'export {};\n');
    expect(install(root, '--node', process.execPath).status).toBe(0);
    expect(existsSync(stale)).toBe(false);
    const chunks = readdirSync(cgi).filter((f) => /^page-[A-Z0-9]+\.js$/.test(f));
    const manifest = JSON.parse(readFileSync(join(release, 'dist/frontend/manifest.json'), 'utf8')) as {
      first: string[];
      later: string[];
    };
    expect(chunks.sort()).toEqual([...manifest.first, ...manifest.later].filter((f) => f.startsWith('page-')).sort());
    expect(manifest.later.length).toBeGreaterThan(0);
    const conf = readFileSync(join(root, 'var/cpanel/apps/whm2fa.conf'), 'utf8');
    for (const f of chunks) {
      expect(mode(join(cgi, f))).toBe(0o644);
      expect(conf).toMatch(new RegExp(`^url\\d+=/cgi/whm2fa/${f.replace('.', '\\.')}$`, 'm'));
    }
  });

  it('registers an AppConfig cPanel accepts: no spaces around =, required keys, Plugins entry, _self', () => {
    const file = join(root, 'var/cpanel/apps/whm2fa.conf');
    expect(mode(file)).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z0-9]+=\S/);
      expect(line).not.toMatch(/ =|= /);
    }
    const keys = (parseAppConfig as (t: string) => Record<string, string>)(text);
    expect((validateAppConfig as (k: Record<string, string>) => string | undefined)(keys)).toBeUndefined();
    expect(keys).toMatchObject({
      name: 'whm2fa',
      service: 'whostmgr',
      url: '/cgi/whm2fa/index.cgi',
      acls: 'any',
      entryurl: 'whm2fa/index.cgi',
      displayname: 'Two-Factor Authentication',
      target: '_self',
      icon: 'whm2fa.png',
    });
    expect(Object.values(keys)).toContain('/cgi/whm2fa/api.cgi');
  });

  it('registers the six account hooks once, in describe mode', () => {
    const registry = JSON.parse(readFileSync(join(root, 'var/cpanel/hooks/registry.json'), 'utf8')) as {
      hooks: Array<Record<string, string>>;
    };
    const hook = join(root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook');
    expect(registry.hooks.map((h) => `${h['category']} ${h['event']} ${h['stage']}`).sort()).toEqual([
      'Cpanel UAPI::TwoFactorAuth::remove_user_configuration post',
      'Cpanel UAPI::TwoFactorAuth::set_user_configuration post',
      'Whostmgr Accounts::Create post',
      'Whostmgr Accounts::Modify post',
      'Whostmgr Accounts::Remove post',
      'Whostmgr Accounts::Remove pre',
    ]);
    for (const h of registry.hooks) expect(h['hook']).toBe(hook);
  });

  it('a second install changes nothing but the files, and keeps all state', () => {
    const stateFile = join(root, 'var/cpanel/whm2fa/users/reseller1.json');
    mkdirSync(join(root, 'var/cpanel/whm2fa/users'), { recursive: true, mode: 0o700 });
    writeFileSync(stateFile, '{"failures":2,"lockCount":0}', { mode: 0o600 });
    writeFileSync(join(root, 'var/cpanel/whm2fa/audit.log'), '{"at":"2026-01-01T00:00:00.000Z"}\n', { mode: 0o600 });
    const before = tree(root);
    // What an earlier release left beside the bundles (V8 code caches and their writer) goes.
    const program = join(root, 'usr/local/cpanel/3rdparty/whm2fa');
    for (const f of ['api.js.cache', 'vendor-qrcode.js.cache', 'code-cache.js']) writeFileSync(join(program, f), 'x');
    mkdirSync(join(program, '.warm-up-abc123'));
    const r = install(root, '--node', process.execPath);
    expect(r.status, r.out).toBe(0);
    expect(tree(root)).toEqual(before);
    expect(readFileSync(stateFile, 'utf8')).toBe('{"failures":2,"lockCount":0}');
  });

  it('--uninstall leaves nothing but the state folder; --purge leaves nothing', () => {
    const fresh = newTree();
    const pristine = tree(fresh);
    expect(install(fresh, '--node', process.execPath).status).toBe(0);
    writeFileSync(join(fresh, 'var/cpanel/whm2fa/audit.log'), 'x\n', { mode: 0o600 });
    const r = install(fresh, '--uninstall');
    expect(r.status, r.out).toBe(0);
    const left = [...tree(fresh).keys()].filter((k) => !pristine.has(k));
    // What remains: the state folder and its file, and cPanel's (now empty) hook registry.
    expect(left.filter((k) => !k.includes('var/cpanel/hooks'))).toEqual(
      expect.arrayContaining([expect.stringContaining('./var/cpanel/whm2fa ')]),
    );
    expect(left.filter((k) => !k.includes('var/cpanel/whm2fa') && !k.includes('var/cpanel/hooks'))).toEqual([]);
    expect(existsSync(join(fresh, 'var/cpanel/apps/whm2fa.conf'))).toBe(false);
    expect(JSON.parse(readFileSync(join(fresh, 'var/cpanel/hooks/registry.json'), 'utf8'))).toEqual({ hooks: [] });
    expect(install(fresh, '--uninstall', '--purge').status).toBe(2); // no TTY, no --yes: refuses to delete the log
    expect(existsSync(join(fresh, 'var/cpanel/whm2fa'))).toBe(true);
    expect(install(fresh, '--uninstall', '--purge', '--yes').status).toBe(0);
    const after = [...tree(fresh).keys()].filter((k) => !pristine.has(k) && !k.includes('var/cpanel/hooks'));
    expect(after).toEqual([]);
  });
});

describe('refusals, each with its own exit code', () => {
  it('usage errors exit 2', () => {
    const root = newTree();
    expect(install(root, '--bogus').status).toBe(2);
    expect(install(join(root, 'missing')).status).toBe(2);
    expect(install(root, '--purge').status).toBe(2);
  });

  it('not root, installing into /, exits 3 before touching anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whm2fa-nonroot-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'install.sh'), readFileSync(join(release, 'install.sh')), { mode: 0o755 });
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', join(dir, 'install.sh')],
      { encoding: 'utf8' },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/run this as root/);
  });

  it('no cPanel under the root exits 4', () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    const r = install(empty, '--node', process.execPath);
    expect(r.status).toBe(4);
    expect(r.out).toMatch(/cPanel & WHM was not found/);
  });

  it('a Node older than 18 exits 5 and says how to install ea-nodejs22', () => {
    const root = newTree();
    const old = join(root, 'old-node');
    writeFileSync(old, '#!/bin/sh\nprintf 16\n');
    chmodSync(old, 0o755);
    const r = install(root, '--node', old);
    expect(r.status).toBe(5);
    expect(r.out).toContain('ea-nodejs22');
    expect(existsSync(join(root, 'usr/local/cpanel/whostmgr/docroot/cgi/whm2fa'))).toBe(false);
  });

  it('a Node of exactly 18 is new enough', () => {
    const root = newTree();
    const node18 = join(root, 'node-18');
    // Says it is 18 when asked its version; runs as the real Node otherwise.
    writeFileSync(
      node18,
      `#!/bin/sh\ncase "$*" in *process.versions.node*) printf 18 ;; *) exec "${process.execPath}" "$@" ;; esac\n`,
    );
    chmodSync(node18, 0o755);
    const r = install(root, '--node', node18);
    expect(r.out).not.toContain('needs 18 or newer');
    expect(r.status).toBe(0);
  });

  it('no Node at all exits 5', () => {
    const root = newTree();
    const r = install(root);
    // The tree has no /usr/bin/node, passenger file or ea-nodejs under its root.
    expect(r.status).toBe(5);
  });
});

describe('finding Node in cPanel’s order', () => {
  it('prefers the passenger setting, then the newest ea-nodejs', () => {
    const root = newTree();
    for (const v of ['18', '22']) {
      mkdirSync(join(root, `opt/cpanel/ea-nodejs${v}/bin`), { recursive: true });
      symlinkSync(process.execPath, join(root, `opt/cpanel/ea-nodejs${v}/bin/node`));
    }
    expect(install(root).status).toBe(0);
    const shebang = (): string =>
      readFileSync(join(root, 'usr/local/cpanel/whostmgr/docroot/cgi/whm2fa/api.cgi'), 'utf8').split('\n')[0] ?? '';
    expect(shebang()).toBe(`#!${join(root, 'opt/cpanel/ea-nodejs22/bin/node')} --min-semi-space-size=2`);
    mkdirSync(join(root, 'etc/cpanel/ea4'), { recursive: true });
    writeFileSync(join(root, 'etc/cpanel/ea4/passenger.nodejs'), '/opt/cpanel/ea-nodejs18/bin/node\n');
    expect(install(root).status).toBe(0);
    expect(shebang()).toBe(`#!${join(root, 'opt/cpanel/ea-nodejs18/bin/node')} --min-semi-space-size=2`);
  });
});
