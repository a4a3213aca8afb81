// `npm run package`: builds, then packs dist/whm2fa-<version>.tar.gz, the release a host
// downloads. A server needs Node, not npm.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies, runStep, TOP } from './ensure.mjs';

ensureDependencies();
runStep('build', process.execPath, ['scripts/build.mjs']);
const { packRelease } = await import('./release.mjs');
const tarball = packRelease(join(TOP, 'dist'));
console.log(`${tarball} (${(statSync(tarball).size / 1024).toFixed(0)} KB)`);
