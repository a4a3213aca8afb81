// Builds the RPM from the release tarball: the release's files (install.sh, the built
// bundles and page, README, licence) under /usr/share/whm2fa, and scriptlets that run
// the same install.sh a host runs by hand, so an RPM install, upgrade or erase leaves a
// server exactly as install.sh does (docs/decisions/rpm.md).
//
// The package is relocatable (Prefix: /usr/share/whm2fa): `rpm -i --prefix
// ROOT/usr/share/whm2fa` installs into a server tree at ROOT, as `install.sh --root ROOT`
// does; the scriptlets take the server root from $RPM_INSTALL_PREFIX. (rpm's own --root
// would chroot the scriptlets, which then need a shell and Node.js inside the tree.)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Where the release's files live once the package is installed (the relocatable prefix). */
export const PAYLOAD_DIR = '/usr/share/whm2fa';

// The server root is the prefix less PAYLOAD_DIR ("/" on a server). install.sh's own
// output goes to the terminal of `rpm`; its exit code is the scriptlet's.
const ROOT_OF_PREFIX = `prefix=\${RPM_INSTALL_PREFIX:-${PAYLOAD_DIR}}
root=\${prefix%${PAYLOAD_DIR}}
[ -n "$root" ] || root=/`;

/** The spec file for `version` and `release` of the payload in `payload`. */
export function specText({ version, release, payload }) {
  return `Name: whm2fa
Version: ${version}
Release: ${release}
Summary: Two-factor authentication for WHM resellers and root, in cPanel's own 2FA store
License: MIT
BuildArch: noarch
Prefix: ${PAYLOAD_DIR}
AutoReqProv: no
%define __os_install_post %{nil}
%define _build_id_links none

%description
whm2fa: a WHM plugin that sets up, replaces and removes two-factor authentication for
resellers and root, writing into cPanel's own 2FA store. The scriptlets run install.sh,
which needs Node.js 18 or newer (ea-nodejs22 on cPanel servers).

%install
mkdir -p %{buildroot}${PAYLOAD_DIR}
cp -a '${payload}/.' %{buildroot}${PAYLOAD_DIR}/

%files
%defattr(-,root,root,-)
${PAYLOAD_DIR}

%post
${ROOT_OF_PREFIX}
# An install ($1 = 1) and an upgrade ($1 = 2) are the same install.sh run, as by hand.
"$prefix/install.sh" --root "$root" --yes

%preun
${ROOT_OF_PREFIX}
# Only on erase ($1 = 0): an upgrade's old package must not unregister the new one. The
# state and audit log stay, as with install.sh --uninstall.
if [ "$1" = 0 ]; then
  "$prefix/install.sh" --root "$root" --uninstall --yes
fi
`;
}

/**
 * Builds whm2fa-<version>-<release>.noarch.rpm from `tarball` (packRelease's) into
 * `outDir` and returns its path. Needs rpmbuild (Debian's `rpm` package).
 */
export function buildRpm(tarball, outDir, { release = '1' } = {}) {
  const top = mkdtempSync(join(tmpdir(), 'whm2fa-rpm-'));
  try {
    const payloadParent = join(top, 'payload');
    mkdirSync(payloadParent, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', tarball, '-C', payloadParent], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
    const [name] = readdirSync(payloadParent);
    const version = /^whm2fa-(.+)$/.exec(name ?? '')?.[1];
    if (version === undefined) throw new Error(`${basename(tarball)} does not hold whm2fa-VERSION/`);
    const spec = join(top, 'whm2fa.spec');
    writeFileSync(spec, specText({ version, release, payload: join(payloadParent, name) }));
    const built = spawnSync(
      'rpmbuild',
      ['-bb', '--quiet', '--define', `_topdir ${join(top, 'build')}`, '--define', '_binary_payload w9.gzdio', spec],
      { encoding: 'utf8' },
    );
    if (built.status !== 0) throw new Error(`rpmbuild failed: ${built.stderr}${built.stdout}`);
    const file = `whm2fa-${version}-${release}.noarch.rpm`;
    const target = join(outDir, file);
    copyFileSync(join(top, 'build/RPMS/noarch', file), target);
    return target;
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}
