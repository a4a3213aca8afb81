// The code cache install.sh writes beside the bundles (docs/decisions/code-cache.md): made
// for each bundle a request runs, used only with the bundle it was made from, and never
// needed: a missing, stale or damaged cache changes no answer, and an installer that
// cannot write one goes on without it.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_LINE_PREFIX, bundleLoader, cacheFileOf } from '../../plugin/launch/launcher';
import { api, makeServer, snapshot, TOP, type Server } from '../support/server';
// @ts-expect-error: plain JavaScript module of the local WHM
import { createServerTree } from '../../scripts/fake-cpanel/tree.mjs';

const nodeRequire = createRequire(__filename);
const CACHED = ['api', 'index', 'vendor-qrcode', 'vendor-otplib', 'vendor-otplib-crypto'];
const firstLine = (file: string): string => readFileSync(file, 'latin1').split('\n')[0] ?? '';

let server: Server;
let program: string;
beforeAll(() => {
  server = makeServer({ secrets: { blog2: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } });
  program = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa');
});
afterAll(() => server.cleanup());

/** The answers a page load and Manage Users give, with the secrets and times they hold. */
async function answers(): Promise<string[]> {
  const status = await api(server, 'reseller1', { action: 'status' });
  const list = await api(server, 'root', { action: 'users.list' });
  const start = await api(server, 'reseller2', { action: 'enroll.start' });
  const started = start.json().data as Record<string, unknown> | undefined;
  return [
    status.body,
    list.body,
    // A new secret each time: its shape is what must not change.
    JSON.stringify(Object.keys(started ?? {}).sort()),
    String(typeof started?.['qrSvg'] === 'string' && (started['qrSvg'] as string).startsWith('<svg')),
  ];
}

describe('the code cache', () => {
  it('is written for every bundle a request runs, 0644 and root’s, headed by its bundle’s build line', () => {
    for (const name of CACHED) {
      const bundle = join(program, `${name}.js`);
      const cache = cacheFileOf(bundle);
      expect(statSync(cache).mode & 0o777, name).toBe(0o644);
      expect(statSync(cache).uid, name).toBe(0);
      expect(firstLine(bundle), name).toMatch(/^\/\/ whm2fa build [0-9a-f]{32}$/);
      expect(firstLine(cache), name).toBe(firstLine(bundle));
    }
    // Only what was made and checked is left: no temporary files.
    expect(readdirSync(program).filter((f) => f.includes('.writing.'))).toEqual([]);
  });

  it('is taken by V8 for the bundles it was made from', () => {
    const loader = bundleLoader(program, nodeRequire);
    loader.load('api');
    loader.load('vendor-qrcode');
    expect(loader.loaded.map((b) => [b.file.split('/').pop(), b.fromCache])).toEqual([
      ['api.js', true],
      ['vendor-qrcode.js', true],
    ]);
  });

  it('changes no answer: present, missing, from another bundle, or damaged', async () => {
    const expected = await answers();
    expect(expected[0]).toContain('"ok":true');
    expect(expected[1]).toContain('"user":"blog2"');
    expect(expected[3]).toBe('true');
    const saved = join(server.root, 'saved-caches');
    mkdirSync(saved);
    for (const name of CACHED) copyFileSync(cacheFileOf(join(program, `${name}.js`)), join(saved, name));
    try {
      // Missing.
      for (const name of CACHED) rmSync(cacheFileOf(join(program, `${name}.js`)));
      expect(await answers()).toEqual(expected);
      // Made from another bundle: its build line does not match.
      copyFileSync(join(saved, 'index'), cacheFileOf(join(program, 'api.js')));
      copyFileSync(join(saved, 'vendor-otplib'), cacheFileOf(join(program, 'vendor-qrcode.js')));
      expect(await answers()).toEqual(expected);
      // The right build line, then V8's data cut short, or with its header broken: V8
      // refuses both. (V8 does not check the bytes after a sound header: a cache is
      // trusted as the bundle is, written only by root and on disk before its rename.)
      const api = readFileSync(join(saved, 'api'));
      writeFileSync(cacheFileOf(join(program, 'api.js')), api.subarray(0, api.length / 2));
      const qr = readFileSync(join(saved, 'vendor-qrcode'));
      const line = qr.indexOf(10) + 1;
      writeFileSync(
        cacheFileOf(join(program, 'vendor-qrcode.js')),
        Buffer.concat([qr.subarray(0, line), Buffer.alloc(qr.length - line, 0x5a)]),
      );
      const loader = bundleLoader(program, nodeRequire);
      loader.load('api');
      loader.load('vendor-qrcode');
      expect(loader.loaded.map((b) => b.fromCache)).toEqual([false, false]);
      expect(await answers()).toEqual(expected);
    } finally {
      for (const name of CACHED) copyFileSync(join(saved, name), cacheFileOf(join(program, `${name}.js`)));
    }
  });

  it('is made without touching the server: the warm-up stays in its scratch folder', () => {
    const before = snapshot(server.root);
    const r = spawnSync(process.execPath, [join(program, 'code-cache.js'), program], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('code cache: 5 files written\n');
    const after = snapshot(server.root);
    // Only the caches' bytes differ: no state, audit line, mail or scratch folder is left.
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const changed = [...after].filter(([file, seen]) => before.get(file) !== seen).map(([file]) => file);
    expect(changed.every((file) => file.endsWith('.js.cache'))).toBe(true);
    expect(changed.length).toBeGreaterThan(0);
  });

  it('is made under its own flags: a NODE_OPTIONS in root’s shell at install does not spoil it', () => {
    const r = spawnSync('bash', [join(TOP, 'install.sh'), '--root', server.root, '--node', process.execPath], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=3000', TMPDIR: join(server.root, 'no-such-folder') },
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('code cache');
    const loader = bundleLoader(program, nodeRequire);
    loader.load('api');
    expect(loader.loaded[0]?.fromCache).toBe(true);
  });

  it('is written again by every install, over a cache left by an older version', () => {
    const cache = cacheFileOf(join(program, 'api.js'));
    writeFileSync(cache, 'left by an older version\n');
    const r = spawnSync('bash', [join(TOP, 'install.sh'), '--root', server.root, '--node', process.execPath], {
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(firstLine(cache)).toBe(firstLine(join(program, 'api.js')));
    expect(bundleLoader(program, nodeRequire).load('api')).toHaveProperty('main');
  });
});

describe('the loader', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'whm2fa-loader-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const writeBundle = (name: string, digest: string, code: string): void =>
    writeFileSync(join(dir, `${name}.js`), `${BUILD_LINE_PREFIX}${digest}\n${code}\n`);

  /** A cache for `name` as the cache writer makes one: the build line, then V8's data. */
  function writeCache(name: string): void {
    const loader = bundleLoader(dir, nodeRequire, false);
    loader.load(name);
    for (const b of loader.loaded)
      writeFileSync(
        cacheFileOf(b.file),
        Buffer.concat([Buffer.from(`${b.buildLine}\n`, 'latin1'), b.script.createCachedData()]),
      );
  }

  it('runs a bundle as Node would: exports, its siblings once, Node’s modules, its own file names', () => {
    writeBundle(
      'main',
      'a1',
      [
        'const path = require("node:path");',
        'const first = require("./part.js");',
        'const again = require("./part.js");',
        'module.exports = { same: first === again, count: first.count, file: path.basename(__filename), dir: __dirname, self: this === exports };',
      ].join('\n'),
    );
    writeBundle(
      'part',
      'b2',
      'globalThis.__whm2faLoads = (globalThis.__whm2faLoads ?? 0) + 1; exports.count = globalThis.__whm2faLoads;',
    );
    const out = bundleLoader(dir, nodeRequire).load('main');
    expect(out).toEqual({ same: true, count: 1, file: 'main.js', dir, self: true });
  });

  it('refuses a relative name that is not a file beside the bundle, and keeps no bundle that failed', () => {
    writeBundle('outside', 'e5', 'require("../elsewhere.js");');
    expect(() => bundleLoader(dir, nodeRequire).load('outside')).toThrow(
      /requires \.\.\/elsewhere\.js, which is not a file beside it/,
    );
    writeBundle(
      'flaky',
      'f6',
      'globalThis.__whm2faTries = (globalThis.__whm2faTries ?? 0) + 1; if (globalThis.__whm2faTries === 1) throw new Error("first load fails"); exports.tries = globalThis.__whm2faTries;',
    );
    const loader = bundleLoader(dir, nodeRequire);
    expect(() => loader.load('flaky')).toThrow('first load fails');
    expect(loader.loaded.map((b) => b.file)).toEqual([]);
    expect(loader.load('flaky')).toEqual({ tries: 2 });
    expect(loader.loaded.map((b) => b.file)).toEqual([join(dir, 'flaky.js')]);
  });

  it('takes a cache only with the bundle it was made from, even when the new bundle has the same length', () => {
    writeBundle('value', 'c3c3', 'module.exports = { value: 1 };');
    writeCache('value');
    const loaded = bundleLoader(dir, nodeRequire);
    expect(loaded.load('value')).toEqual({ value: 1 });
    expect(loaded.loaded[0]?.fromCache).toBe(true);
    // An upgrade: another bundle of exactly the same length, under the old cache.
    writeBundle('value', 'd4d4', 'module.exports = { value: 2 };');
    const upgraded = bundleLoader(dir, nodeRequire);
    expect(upgraded.load('value')).toEqual({ value: 2 });
    expect(upgraded.loaded[0]?.fromCache).toBe(false);
  });

  it('takes no cache for a bundle without a build line, though V8 would take it', () => {
    writeFileSync(join(dir, 'plain.js'), 'module.exports = 3;\n');
    // A cache V8 would accept for this very source, headed by the bundle's first line.
    const maker = bundleLoader(dir, nodeRequire, false);
    maker.load('plain');
    const made = maker.loaded[0];
    if (made === undefined) throw new Error('not loaded');
    expect(made.buildLine).toBe('module.exports = 3;');
    const data = made.script.createCachedData();
    writeFileSync(cacheFileOf(made.file), Buffer.concat([Buffer.from(`${made.buildLine}\n`), data]));
    const taken = new Script(
      `(function (exports, require, module, __filename, __dirname) { ${readFileSync(made.file, 'utf8')}\n});`,
      { filename: made.file, cachedData: data },
    );
    expect(taken.cachedDataRejected).toBe(false);
    const loader = bundleLoader(dir, nodeRequire);
    expect(loader.load('plain')).toBe(3);
    expect(loader.loaded[0]?.fromCache).toBe(false);
  });
});

describe('install.sh without a code cache', () => {
  it('goes on with a note when the cache cannot be made, and the plugin answers as before', async () => {
    const root = mkdtempSync(join(tmpdir(), 'whm2fa-nocache-'));
    try {
      (createServerTree as (root: string, options: Record<string, unknown>) => void)(root, {});
      // A Node.js that runs everything but the cache writer, which fails as it would if
      // (say) the disk were full.
      const node = join(root, 'node');
      writeFileSync(
        node,
        `#!/bin/sh\ncase "$1" in */code-cache.js) echo "no space left" >&2; exit 1;; esac\nexec "${process.execPath}" "$@"\n`,
        { mode: 0o755 },
      );
      const r = spawnSync('bash', [join(TOP, 'install.sh'), '--root', root, '--node', node], { encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('could not write its code cache; it works without it');
      const program = join(root, 'usr/local/cpanel/3rdparty/whm2fa');
      expect(readdirSync(program).filter((f) => f.endsWith('.cache'))).toEqual([]);
      const status = await api(
        { root, cgiDir: join(root, 'usr/local/cpanel/whostmgr/docroot/cgi/whm2fa'), cleanup: () => undefined },
        'reseller1',
        { action: 'status' },
      );
      expect(status.json().ok).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
