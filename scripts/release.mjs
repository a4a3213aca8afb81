// Packs the release tarball from an already built dist/: install.sh, the bundles and
// page, README and licence — everything a server needs, nothing it does not.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
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

/**
 * Writes SHA256SUMS beside `files` (all in one folder) in sha256sum's format, so
 * `sha256sum -c SHA256SUMS` in that folder checks them. Returns its path.
 */
export function writeChecksums(files) {
  const dir = dirname(files[0]);
  const lines = files.map((file) => {
    if (dirname(file) !== dir) throw new Error(`${file} is not in ${dir}`);
    return `${createHash('sha256').update(readFileSync(file)).digest('hex')}  ${basename(file)}\n`;
  });
  const target = join(dir, 'SHA256SUMS');
  writeFileSync(target, lines.join(''));
  return target;
}
