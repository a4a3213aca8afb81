// `npm run package`: builds, then leaves in dist/ the release a host downloads:
// whm2fa-<version>.tar.gz (install.sh and the built files), the RPM whose scriptlets run
// that install.sh (scripts/rpm.mjs; rpmbuild is installed from Debian's `rpm` package
// when missing), and SHA256SUMS for both (`sha256sum -c SHA256SUMS` in dist/). A server
// needs Node, not npm.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies, ensureRpmbuild, runStep, TOP } from './ensure.mjs';

ensureDependencies();
runStep('build', process.execPath, ['scripts/build.mjs']);
const { packRelease, writeChecksums } = await import('./release.mjs');
const { buildRpm } = await import('./rpm.mjs');
const dist = join(TOP, 'dist');
const tarball = packRelease(dist);
const missing = ensureRpmbuild();
if (missing !== undefined) {
  console.error(`npm run package: cannot build the RPM: ${missing}`);
  process.exit(1);
}
const rpm = buildRpm(tarball, dist);
const sums = writeChecksums([tarball, rpm]);
for (const file of [tarball, rpm, sums]) console.log(`${file} (${(statSync(file).size / 1024).toFixed(0)} KB)`);
