// Packs the release tarball from an already built dist/: install.sh, the bundles and
// page, README and licence — everything a server needs, nothing it does not.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOP } from './ensure.mjs';

/** Writes whm2fa-<version>.tar.gz into `outDir` and returns its path. */
export function packRelease(outDir) {
  const version = readFileSync(join(TOP, 'dist/VERSION'), 'utf8').trim();
  const name = `whm2fa-${version}`;
  const stage = mkdtempSync(join(tmpdir(), 'whm2fa-package-'));
  try {
    const dir = join(stage, name);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    for (const file of ['install.sh', 'README.md', 'LICENSE']) cpSync(join(TOP, file), join(dir, file));
    for (const part of ['plugin', 'frontend', 'VERSION'])
      cpSync(join(TOP, 'dist', part), join(dir, 'dist', part), { recursive: true });
    const tarball = join(outDir, `${name}.tar.gz`);
    const tar = spawnSync('tar', ['--owner=0', '--group=0', '--numeric-owner', '-czf', tarball, '-C', stage, name], {
      encoding: 'utf8',
    });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    return tarball;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
