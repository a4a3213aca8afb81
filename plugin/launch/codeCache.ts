/**
 * Writes V8's code cache beside the bundles a request runs (api.js, index.js and the
 * vendor files they load). V8 keeps in a cache only the functions compiled so far, so each
 * bundle first serves a few requests to an empty scratch server (its `warmUp`), then its
 * cache is written. A cache is an optimisation: without one, or with a stale one, the
 * wrappers compile as before (docs/decisions/code-cache.md).
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAll } from '../src/descriptor';
import { bundleLoader, cacheFileOf } from './launcher';

/** The bundles warmed up, in order: each exports `warmUp(scratchRoot)`. */
const WARMED = ['api', 'index'] as const;

/** Prefix of the scratch server's folder, made inside the program folder. */
export const SCRATCH_PREFIX = '.warm-up-';

/** `data` into `file`, on disk before it is renamed into place (0644, as the bundles). */
function writeDurably(file: string, data: Buffer): void {
  const tmp = `${file}.writing.${String(process.pid)}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o644);
  renameSync(tmp, file);
}

/**
 * Writes the caches for the bundles in the program folder `dir`; returns the files
 * written. The scratch server is made inside `dir`, which only root can write: nobody
 * can put anything in its place while the warm-up runs (a folder in /tmp could be raced).
 */
export async function writeCodeCaches(dir: string, nodeRequire: (id: string) => unknown): Promise<string[]> {
  const loader = bundleLoader(dir, nodeRequire, false);
  const scratch = mkdtempSync(join(dir, SCRATCH_PREFIX));
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
    // V8 checks a cache's header but not its bytes (release builds skip the checksum), so
    // a cache must never be left half-written: it is on disk before its rename.
    writeDurably(
      file,
      Buffer.concat([Buffer.from(`${bundle.buildLine}\n`, 'latin1'), bundle.script.createCachedData()]),
    );
    written.push(file);
  }
  const folder = openSync(dir, 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
  return written;
}
