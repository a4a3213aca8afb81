/**
 * Writes V8's code cache beside the
 * bundles a request runs (api.js, index.js and the vendor files they load). V8 keeps in a
 * cache only the functions compiled so far, so each bundle first serves a few requests
 * against an empty scratch server (its `warmUp`), then its cache is written. A cache is
 * an optimisation: without one, or with a stale one, the wrappers compile as before
 * (docs/decisions/code-cache.md).
 */
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLoader, cacheFileOf } from './launcher';

/** The bundles warmed up, in order: each exports `warmUp(scratchRoot)`. */
const WARMED = ['api', 'index'] as const;

/** Writes the caches for the bundles in `dir`; returns the files written. */
export async function writeCodeCaches(dir: string, nodeRequire: (id: string) => unknown): Promise<string[]> {
  const loader = bundleLoader(dir, nodeRequire, false);
  const scratch = mkdtempSync(join(tmpdir(), 'whm2fa-warm-up-'));
  try {
    mkdirSync(join(scratch, 'var/cpanel/whm2fa'), { recursive: true, mode: 0o700 });
    for (const name of WARMED) {
      const bundle = loader.load(name) as { warmUp: (root: string) => Promise<void> };
      await bundle.warmUp(scratch);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const written: string[] = [];
  for (const bundle of loader.loaded) {
    const file = cacheFileOf(bundle.file);
    const tmp = `${file}.writing.${String(process.pid)}`;
    writeFileSync(
      tmp,
      Buffer.concat([Buffer.from(`${bundle.buildLine}\n`, 'latin1'), bundle.script.createCachedData()]),
    );
    chmodSync(tmp, 0o644);
    renameSync(tmp, file);
    written.push(file);
  }
  return written;
}
