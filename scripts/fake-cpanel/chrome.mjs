// WHM's pre-rendered header and footer (docs/cpanel.md, "WHM's header and footer"), regenerated like cPanel does
// when an app is registered: one header per WHM user, with the Plugins menu built from
// the registered AppConfig files and the acls rule.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAppConfig } from './appconfig.mjs';
import { readResellers, readText, treePaths } from './lib.mjs';

/** cPanel's menu key: lower-case, drop outside [a-z0-9_ ], trim, runs of spaces/hyphens → "_". */
export function menuKey(displayname) {
  return displayname
    .toLowerCase()
    .replace(/[^a-z0-9_ ]/g, '')
    .trim()
    .replace(/[ -]+/g, '_');
}

export function registeredApps(root) {
  const { appsDir } = treePaths(root);
  let files = [];
  try {
    files = readdirSync(appsDir).filter((f) => f.endsWith('.conf'));
  } catch {
    return [];
  }
  return files.map((f) => parseAppConfig(readText(join(appsDir, f))));
}

/** Whether a WHM user may open an app: root always, else at least one of its acls. */
export function userMayUse(root, user, app) {
  if (user === 'root') return true;
  const acls = readResellers(treePaths(root)).get(user);
  if (acls === undefined) return false;
  if (acls.includes('all')) return true;
  const wanted = (app.acls ?? '').split(',').map((s) => s.trim());
  return wanted.includes('any') || wanted.some((acl) => acls.includes(acl));
}

function esc(text) {
  return String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function pluginMenu(root, user, token) {
  return registeredApps(root)
    .filter((app) => app.entryurl && app.service === 'whostmgr' && userMayUse(root, user, app))
    .map((app) => {
      const target = app.target ?? '_blank';
      const name = app.displayname ?? app.name;
      return `<li id="plugins_${menuKey(name)}"><a href="${token}/cgi/${esc(app.entryurl)}" target="${esc(target)}">${esc(name)}</a></li>`;
    })
    .join('');
}

export function generateChrome(root) {
  const paths = treePaths(root);
  const headerDir = join(root, 'var/cpanel/caches/_generated_header_files');
  const footerDir = join(root, 'var/cpanel/caches/_generated_footer_files');
  mkdirSync(headerDir, { recursive: true });
  mkdirSync(footerDir, { recursive: true });
  const users = ['root', ...readResellers(paths).keys()];
  const keys = {};
  for (const user of users) {
    const key = createHash('sha1').update(`whm-header-${user}`).digest('hex').slice(0, 16);
    keys[user] = key;
    // Files are rendered with placeholders, as cPanel's are; the CGI fills them in.
    const menu = pluginMenu(root, user, '/cpsess0000000000');
    const header = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WHM - Results of Your Request</title>
<style nonce="00000000000">
body{margin:0;font-family:"Open Sans",Arial,sans-serif;font-size:14px;color:#333;background:#f5f5f5}
#whm-topbar{background:#293a4a;color:#fff;display:flex;align-items:center;justify-content:space-between;padding:0 16px;height:48px}
#whm-topbar a{color:#fff}
#whm-layout{display:flex;min-height:calc(100vh - 48px)}
#whm-sidebar{width:220px;background:#1e2a36;color:#cfd8e0;flex:none}
#whm-sidebar h2{font-size:12px;text-transform:uppercase;margin:16px 16px 6px;color:#8fa3b5}
#whm-sidebar ul{list-style:none;margin:0;padding:0}
#whm-sidebar a{display:block;color:#dfe7ee;padding:6px 16px;text-decoration:none}
#whm-sidebar a:hover,#whm-sidebar a:focus{background:#2e4052}
#whm-content{flex:1;min-width:0;padding:16px 24px;background:#fff}
@media (max-width:768px){#whm-layout{display:block}#whm-sidebar{width:auto}}
</style>
</head>
<body class="whm">
<header id="whm-topbar" role="banner"><a href="/cpsess0000000000/" id="whm-home-link"><strong>WHM</strong></a><span>Logged in as <b id="whm-user">cpuser00000000000</b> · <a href="/logout/">Log out</a></span></header>
<div id="whm-layout">
<nav id="whm-sidebar" aria-label="WHM menu"><h2>Plugins</h2><ul id="whm-plugins-menu">${menu}</ul></nav>
<main id="whm-content"><div id="pageHeading"><h1 class="page-header">Results of Your Request</h1></div>
`;
    writeFileSync(join(headerDir, `${key}_0_0.html`), header);
    writeFileSync(join(headerDir, `${key}_1_0.html`), header);
  }
  writeFileSync(join(headerDir, 'cache_keys.json'), JSON.stringify(keys, null, 2));
  writeFileSync(
    join(footerDir, 'footer.html'),
    '</main>\n</div>\n<footer id="whm-footer" style="padding:8px 16px;color:#555;font-size:12px">cPanel &amp; WHM (local sandbox)</footer>\n</body>\n</html>\n',
  );
}
