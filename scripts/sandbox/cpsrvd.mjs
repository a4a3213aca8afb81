// A stand-in for cpsrvd, WHM's web server, for the local WHM and the browser tests. A
// developer tool only: it is never installed on a server. It follows docs/cpanel.md:
// login (with cPanel's 2FA prompt), /cpsess tokens, the Plugins menu from registered
// AppConfig files and their acls, and CGI execution with cpsrvd's environment.
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { cpanelAcceptsCode, readJsonObject, readResellers, treePaths } from '../fake-cpanel/lib.mjs';
import { pluginMenu, registeredApps, userMayUse } from '../fake-cpanel/chrome.mjs';
import { SANDBOX_PASSWORD } from '../fake-cpanel/tree.mjs';

const MIME = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
/** The request headers cpsrvd passes on to a CGI (docs/cpanel.md, "How cpsrvd runs a CGI"). */
const PASSED_HEADERS = [
  'accept',
  'accept-language',
  'cache-control',
  'cookie',
  'connection',
  'dnt',
  'host',
  'referer',
  'user-agent',
];
const MAX_BODY = 10 * 1024 * 1024;

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:Arial,sans-serif;background:#293a4a;margin:0;color:#333}main{max-width:380px;margin:60px auto;background:#fff;padding:24px;border-radius:6px}
label{display:block;font-weight:600;margin:12px 0 4px}input{width:100%;padding:8px;font-size:16px;box-sizing:border-box}button{margin-top:16px;padding:8px 16px;font-size:16px;background:#1a6fb3;color:#fff;border:0;border-radius:4px}
.error{color:#8a1f1d;background:#f2dede;padding:8px;border-radius:4px}.note{font-size:12px;color:#666}</style></head><body><main>${body}</main></body></html>`;
}

function loginPage(message = '') {
  return page(
    'WHM Login',
    `<h1>WHM</h1>${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
<form method="post" action="/login/"><label for="user">Username</label><input id="user" name="user" autocomplete="username" required>
<label for="pass">Password</label><input id="pass" name="pass" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button></form><p class="note">Local WHM sandbox (developer tool)</p>`,
  );
}

function codePage(message = '') {
  return page(
    'WHM Two-Factor Authentication',
    `<h1>Two-Factor Authentication</h1>${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
<form method="post" action="/login/2fa"><label for="tfa_token">Security code</label><input id="tfa_token" name="tfa_token" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Log in</button></form><p class="note">Enter the code from your authenticator app.</p>`,
  );
}

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Splits a CGI's output into status, headers and body (LF or CRLF line ends). */
export function parseCgiOutput(output) {
  const text = output.toString('latin1');
  const match = /\r?\n\r?\n/.exec(text);
  if (match === null) return undefined;
  const headers = [];
  let status = 200;
  let hasLocation = false;
  let hasStatus = false;
  for (const line of text.slice(0, match.index).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      status = Number.parseInt(value, 10) || 500;
      hasStatus = true;
    } else {
      if (name.toLowerCase() === 'location') hasLocation = true;
      headers.push([name, value]);
    }
  }
  if (hasLocation && !hasStatus) status = 302;
  return {
    status,
    headers,
    body: output.subarray(Buffer.byteLength(text.slice(0, match.index + match[0].length), 'latin1')),
  };
}

/** Sends an HTML answer that is never cached. */
function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const isWhmUser = (stand, user) => user === 'root' || readResellers(stand.paths).has(user);

/** The secret cpsrvd would ask a code for at login (policy on and a key in cPanel's store). */
function needsCode(stand, user) {
  const config = readText(stand.paths.cpanelConfig);
  const policy = /^SecurityPolicy::TwoFactorAuth=1\s*$/m.test(config);
  const store = readJsonObject(stand.paths.tfaUserdata);
  const secret = Object.hasOwn(store, user) ? store[user]?.secret : undefined;
  return policy && typeof secret === 'string' ? secret : undefined;
}

function startSession(stand, res, user) {
  const id = randomBytes(24).toString('hex');
  const token = `/cpsess${String(randomInt(0, 10_000_000_000)).padStart(10, '0')}`;
  stand.sessions.set(id, { user, token });
  res.writeHead(303, {
    Location: `${token}/`,
    'Set-Cookie': `whostmgrsession=${id}; Path=/; HttpOnly; SameSite=Strict`,
    'Cache-Control': 'no-store',
  });
  res.end();
}

function home(stand, session) {
  const menu = pluginMenu(stand.root, session.user, session.token);
  return page(
    'WHM Home',
    `<h1>WHM</h1><p>Logged in as <strong>${esc(session.user)}</strong>. <a href="/logout/">Log out</a></p>
<h2 id="plugins">Plugins</h2><ul aria-labelledby="plugins">${menu || '<li>No plugins</li>'}</ul>`,
  );
}

/** cpsrvd's environment for a CGI request. */
function cgiEnvironment(stand, req, session, cgiPath, body) {
  const url = new URL(req.url, 'http://x');
  const env = {
    REMOTE_USER: session.user,
    cp_security_token: session.token,
    REQUEST_METHOD: req.method,
    QUERY_STRING: url.search.slice(1),
    HTTPS: 'on',
    REMOTE_ADDR: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
    REMOTE_PORT: String(req.socket.remotePort ?? 0),
    SERVER_PORT: String(stand.server.address().port),
    SCRIPT_NAME: cgiPath,
    REQUEST_URI: req.url,
  };
  if (req.headers['content-type'] !== undefined) env.CONTENT_TYPE = req.headers['content-type'];
  if (req.method === 'POST' || body.length > 0) env.CONTENT_LENGTH = String(body.length);
  for (const name of PASSED_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined)
      env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = Array.isArray(value) ? value.join(', ') : value;
  }
  return env;
}

async function runCgi(stand, req, res, session, cgiPath, file) {
  const body = await readBody(req);
  const child = spawn(file, [], { env: cgiEnvironment(stand, req, session, cgiPath, body), cwd: join(file, '..') });
  const out = [];
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => process.stderr.write(`[cgi ${cgiPath}] ${c}`));
  child.stdin.on('error', () => {});
  child.stdin.end(body);
  const code = await new Promise((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('close', resolve);
  });
  const parsed = parseCgiOutput(Buffer.concat(out));
  if (parsed === undefined || (code !== 0 && parsed.headers.length === 0)) {
    send(res, 500, page('Internal Error', '<h1>Internal Error</h1><p>The subprocess reported an error.</p>'));
    return;
  }
  res.statusCode = parsed.status;
  for (const [name, value] of parsed.headers) res.setHeader(name, value);
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(req.method === 'HEAD' ? undefined : parsed.body);
}

/** The login form, and its answer: a session, or the security code prompt. */
async function login(stand, req, res, url, session) {
  if (req.method === 'POST' && url.pathname === '/login/') {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const user = form.get('user') ?? '';
    if (!isWhmUser(stand, user) || form.get('pass') !== SANDBOX_PASSWORD) {
      send(res, 401, loginPage('The login is invalid.'));
      return;
    }
    if (needsCode(stand, user) !== undefined) {
      const id = randomBytes(24).toString('hex');
      stand.pendingLogins.set(id, { user });
      send(res, 200, codePage(), {
        'Set-Cookie': `whm2fa_sandbox_tfa=${id}; Path=/login/; HttpOnly; SameSite=Strict`,
      });
      return;
    }
    startSession(stand, res, user);
    return;
  }
  if (session !== undefined) {
    res.writeHead(303, { Location: `${session.token}/` });
    res.end();
    return;
  }
  send(res, 200, loginPage());
}

/** The security code prompt's answer: cPanel's own check, then a session. */
async function secondFactor(stand, req, res) {
  const id = cookies(req).whm2fa_sandbox_tfa;
  const pending = id === undefined ? undefined : stand.pendingLogins.get(id);
  if (pending === undefined) {
    send(res, 401, loginPage('Your login expired. Log in again.'));
    return;
  }
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  const secret = needsCode(stand, pending.user);
  // cPanel's own check: previous, current and next step, and no memory of used codes.
  if (secret !== undefined && !cpanelAcceptsCode(secret, (form.get('tfa_token') ?? '').trim())) {
    send(res, 401, codePage('The security code is invalid.'));
    return;
  }
  stand.pendingLogins.delete(id);
  startSession(stand, res, pending.user);
}

/** The registered app a `/cgi/…` path belongs to (its own url, or a static file beside it). */
function appFor(root, decoded) {
  return registeredApps(root).find((a) =>
    Object.entries(a).some(
      ([k, v]) =>
        /^url\d*$/.test(k) &&
        (v === decoded ||
          (MIME[extname(decoded)] && v.slice(0, v.lastIndexOf('/')) === decoded.slice(0, decoded.lastIndexOf('/')))),
    ),
  );
}

/** A path under the session's `/cpsess` token: WHM's home, a plugin's static file or its CGI. */
async function inSession(stand, req, res, rest, session) {
  if (rest === '/' || rest === '') {
    send(res, 200, home(stand, session));
    return;
  }
  if (!rest.startsWith('/cgi/')) {
    send(res, 404, page('Not Found', '<h1>Not Found</h1>'));
    return;
  }
  const decoded = decodeURIComponent(rest);
  if (decoded.split('/').includes('..') || normalize(decoded) !== decoded) {
    send(res, 400, page('Bad Request', '<h1>Bad Request</h1><p>Invalid path.</p>'));
    return;
  }
  const app = appFor(stand.root, decoded);
  if (app === undefined) {
    send(res, 403, page('Access Denied', '<h1>Access Denied</h1><p>This application is not registered.</p>'));
    return;
  }
  if (!userMayUse(stand.root, session.user, app)) {
    send(res, 403, page('Access Denied', '<h1>Access Denied</h1><p>You do not have access to this application.</p>'));
    return;
  }
  const file = join(stand.docroot, decoded);
  let st;
  try {
    st = statSync(file);
  } catch {
    send(res, 404, page('Not Found', '<h1>Not Found</h1>'));
    return;
  }
  const mime = MIME[extname(file)];
  if (mime !== undefined) {
    res.writeHead(200, { 'Content-Type': mime, 'Cache-Control': 'max-age=3600', 'X-Content-Type-Options': 'nosniff' });
    res.end(readFileSync(file));
    return;
  }
  if (!st.isFile() || (st.mode & 0o111) === 0) {
    send(res, 403, page('Access Denied', '<h1>Access Denied</h1><p>Not executable.</p>'));
    return;
  }
  await runCgi(stand, req, res, session, decoded, file);
}

/** Whether the raw request path (before URL parsing quietly resolves it) climbs with "..". */
function climbs(rawUrl) {
  const rawPath = (rawUrl ?? '/').split('?')[0];
  try {
    return decodeURIComponent(rawPath).split('/').includes('..');
  } catch {
    return true;
  }
}

async function handle(stand, req, res) {
  if (climbs(req.url)) {
    send(res, 400, page('Bad Request', '<h1>Bad Request</h1><p>Invalid path.</p>'));
    return;
  }
  const url = new URL(req.url, 'http://x');
  const cookieId = cookies(req).whostmgrsession;
  const session = cookieId === undefined ? undefined : stand.sessions.get(cookieId);
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204);
    res.end();
    return;
  }
  if (url.pathname === '/' || url.pathname === '/login/') return login(stand, req, res, url, session);
  if (url.pathname === '/login/2fa' && req.method === 'POST') return secondFactor(stand, req, res);
  // WHM's language switch, in short: /set_locale?locale=de sets the session_locale cookie
  // (checked by whm2fa, not here) and goes back to the page it came from.
  if (url.pathname === '/set_locale') {
    const locale = url.searchParams.get('locale') ?? '';
    const back = req.headers.referer?.startsWith(`http://${req.headers.host ?? ''}/`) ? req.headers.referer : '/';
    res.writeHead(303, {
      Location: back,
      'Set-Cookie': `session_locale=${encodeURIComponent(locale)}; Path=/; SameSite=Strict`,
    });
    res.end();
    return;
  }
  if (url.pathname === '/logout/') {
    if (cookieId !== undefined) stand.sessions.delete(cookieId);
    res.writeHead(303, { Location: '/', 'Set-Cookie': 'whostmgrsession=; Path=/; Max-Age=0' });
    res.end();
    return;
  }
  const tokenMatch = /^(\/cpsess\d{10})(\/.*)?$/.exec(url.pathname);
  if (session === undefined) {
    send(res, 401, loginPage('Log in to continue.'));
    return;
  }
  if (tokenMatch === null || tokenMatch[1] !== session.token) {
    send(
      res,
      401,
      page(
        'Token Denied',
        '<h1>Token Denied</h1><p>The security token is missing or wrong. <a href="/">Log in again</a>.</p>',
      ),
    );
    return;
  }
  await inSession(stand, req, res, tokenMatch[2] ?? '/', session);
}

/** Starts the stand-in on `host:port` (0 = any free port) for the tree at `root`. */
export function startCpsrvd({ root, port = 2087, host = '127.0.0.1' }) {
  const stand = {
    root,
    paths: treePaths(root),
    docroot: join(root, 'usr/local/cpanel/whostmgr/docroot'),
    sessions: new Map(), // cookie value -> { user, token }
    pendingLogins: new Map(), // cookie value -> { user }
    server: undefined,
  };
  stand.server = createServer((req, res) => {
    handle(stand, req, res).catch((err) => {
      process.stderr.write(`cpsrvd stand-in: ${err.stack ?? err}\n`);
      if (!res.headersSent) send(res, 500, page('Internal Error', '<h1>Internal Error</h1>'));
      else res.end();
    });
  });
  return new Promise((resolve, reject) => {
    stand.server.once('error', reject);
    stand.server.listen(port, host, () => {
      const address = stand.server.address();
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        close: () => new Promise((r) => stand.server.close(() => r())),
      });
    });
  });
}
