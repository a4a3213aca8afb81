// `npm start`: the local WHM. Builds whm2fa, lays out a sandbox cPanel server tree in
// .sandbox/ (kept between runs; --reset starts it over), installs the plugin with the
// real install.sh, and serves WHM's login, menu and the plugin through a cpsrvd stand-in.
import { existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDependencies, runStep, TOP } from './ensure.mjs';

ensureDependencies();
const root = join(TOP, '.sandbox');
const reset = process.argv.includes('--reset');
runStep('build', process.execPath, ['scripts/build.mjs']);
const { createServerTree, SANDBOX_PASSWORD } = await import('./fake-cpanel/tree.mjs');
const { installFakeTools } = await import('./fake-cpanel/tree.mjs');
if (reset) rmSync(root, { recursive: true, force: true });
if (!existsSync(join(root, 'var/cpanel/resellers'))) {
  console.log(`\n▶ creating the sandbox server tree in ${root}`);
  createServerTree(root);
} else {
  installFakeTools(root); // the tools point at this checkout; refresh them in case it moved
}
const install = spawnSync('bash', [join(TOP, 'install.sh'), '--root', root, '--node', process.execPath, '--yes'], {
  stdio: 'inherit',
});
if (install.status !== 0) process.exit(install.status ?? 1);
const { startCpsrvd } = await import('./sandbox/cpsrvd.mjs');
const port = Number(process.env.PORT ?? 2087);
const { url } = await startCpsrvd({ root, port });
console.log(`
Local WHM (a developer tool: a cpsrvd stand-in, never installed on a server)
  URL:       ${url}/
  Accounts:  root, reseller1, reseller2 (resellers); shop1, blog2 (cPanel accounts)
  Password:  ${SANDBOX_PASSWORD} (for every account)
  Mail:      ${join(root, 'var/mail')}/
  Reset:     npm start -- --reset
Press Ctrl+C to stop.`);
