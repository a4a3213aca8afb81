// The cpsrvd stand-in over HTTP: login (with cPanel's 2FA prompt), tokens, the Plugins
// menu and its acls, unregistered apps, the CGI environment, header parsing, `..`.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServer, type Server } from '../support/server';
import { Client } from '../support/http';
import { totp } from '../support/rfc6238';
// @ts-expect-error: plain JavaScript module of the local WHM
import { startCpsrvd } from '../../scripts/sandbox/cpsrvd.mjs';

const R2_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let server: Server;
let stand: { url: string; close: () => Promise<void> };

function probe(dir: string, name: string, script: string, acls = 'any'): void {
  const cgi = join(server.root, 'usr/local/cpanel/whostmgr/docroot/cgi', dir);
  mkdirSync(cgi, { recursive: true });
  writeFileSync(join(cgi, name), script);
  chmodSync(join(cgi, name), 0o755);
  const conf = join(server.root, `${dir}.conf`);
  writeFileSync(
    conf,
    `name=${dir}\nservice=whostmgr\nurl=/cgi/${dir}/${name}\nacls=${acls}\nentryurl=${dir}/${name}\ndisplayname=${dir}\n`,
  );
  expect(spawnSync(join(server.root, 'usr/local/cpanel/bin/register_appconfig'), [conf]).status).toBe(0);
}

beforeAll(async () => {
  server = makeServer({ secrets: { reseller2: R2_SECRET } });
  stand = await (startCpsrvd as (o: { root: string; port: number }) => Promise<typeof stand>)({
    root: server.root,
    port: 0,
  });
  probe(
    'envprobe',
    'env.cgi',
    '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\nenv\necho "BODY=$(head -c "${CONTENT_LENGTH:-0}")"\n',
  );
  probe('rootonly', 'x.cgi', '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nsecret area"\n', 'all');
  probe(
    'headers',
    'lf.cgi',
    '#!/bin/sh\nprintf "Status: 404 Not Here\\nX-Custom: yes\\nContent-Type: text/plain\\n\\nmissing"\n',
  );
  probe('redirect', 'go.cgi', '#!/bin/sh\nprintf "Location: /elsewhere\\r\\n\\r\\n"\n');
  probe('dies', 'die.cgi', '#!/bin/sh\necho "oops" >&2\nexit 3\n');
  // An executable that was never registered.
  const stray = join(server.root, 'usr/local/cpanel/whostmgr/docroot/cgi/stray');
  mkdirSync(stray, { recursive: true });
  writeFileSync(join(stray, 'run.cgi'), '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nran"\n');
  chmodSync(join(stray, 'run.cgi'), 0o755);
});
afterAll(async () => {
  await stand.close();
  server.cleanup();
});

describe('login', () => {
  it('shows Username and Password, and refuses a wrong password', async () => {
    const c = new Client(stand.url);
    const page = await c.request('/');
    expect(page.text).toContain('<label for="user">Username</label>');
    expect(page.text).toContain('<label for="pass">Password</label>');
    const bad = await c.login('reseller1', 'nope');
    expect(bad.status).toBe(401);
    expect(bad.text).toContain('The login is invalid.');
    expect((await c.login('shop1')).status).toBe(401); // cPanel-only accounts do not log in to WHM
  });

  it('logs a reseller without 2FA straight in, with a /cpsess token', async () => {
    const c = new Client(stand.url);
    const r = await c.login('reseller1');
    expect(r.status).toBe(303);
    expect(r.token).toMatch(/^\/cpsess\d{10}$/);
  });

  it('asks for the Security code when cPanel holds a secret and the policy is on (±1 step)', async () => {
    const c = new Client(stand.url);
    const r = await c.login('reseller2');
    expect(r.status).toBe(200);
    expect(r.text).toContain('Security code');
    const tfa = { cookie: r.tfaCookie ?? '' };
    const post = (code: string) =>
      fetch(`${stand.url}/login/2fa`, {
        method: 'POST',
        headers: { cookie: tfa.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: `tfa_token=${code}`,
        redirect: 'manual',
      });
    const wrong = await post(totp(R2_SECRET, Date.now() / 1000 + 120));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The security code is invalid.');
    const ok = await post(totp(R2_SECRET, Date.now() / 1000 - 30));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/cpsess\d{10}\/$/);
  });

  it('does not ask for a code while the policy is off', async () => {
    const config = join(server.root, 'var/cpanel/cpanel.config');
    writeFileSync(config, 'SecurityPolicy::TwoFactorAuth=0\n');
    const r = await new Client(stand.url).login('reseller2');
    writeFileSync(config, 'SecurityPolicy::TwoFactorAuth=1\n');
    expect(r.status).toBe(303);
  });

  it('logs out: the old token no longer works', async () => {
    const c = new Client(stand.url);
    const { token } = await c.login('reseller1');
    expect((await c.request(`${token ?? ''}/`)).status).toBe(200);
    await c.request('/logout/');
    expect((await c.request(`${token ?? ''}/`)).status).toBe(401);
  });
});

describe('tokens, menus and access', () => {
  let c: Client;
  let token = '';
  beforeAll(async () => {
    c = new Client(stand.url);
    token = (await c.login('reseller1')).token ?? '';
  });

  it('refuses a wrong or missing token with 401 "Token Denied"', async () => {
    const wrong = await c.request('/cpsess0000000001/cgi/whm2fa/index.cgi');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Token Denied');
    expect((await c.request('/cgi/whm2fa/index.cgi')).status).toBe(401);
  });

  it('lists Two-Factor Authentication in the Plugins group, staying in the window', async () => {
    const home = await c.request(`${token}/`);
    expect(home.text).toContain(
      `<li id="plugins_twofactor_authentication"><a href="${token}/cgi/whm2fa/index.cgi" target="_self">Two-Factor Authentication</a></li>`,
    );
    expect(home.text).not.toContain('rootonly'); // acls=all: not for reseller1
  });

  it('refuses an app whose acls the user lacks, and unregistered executables', async () => {
    expect((await c.request(`${token}/cgi/rootonly/x.cgi`)).status).toBe(403);
    const root = new Client(stand.url);
    const rootToken = (await root.login('root')).token ?? '';
    expect((await root.request(`${rootToken}/cgi/rootonly/x.cgi`)).text).toBe('secret area');
    const stray = await c.request(`${token}/cgi/stray/run.cgi`);
    expect(stray.status).toBe(403);
    expect(stray.text).not.toContain('ran');
  });

  it('refuses ".." in a path', async () => {
    // fetch() would resolve "..", so the raw request line is sent as written.
    const raw = (path: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const { hostname, port } = new URL(stand.url);
        const req = request({ hostname, port, path, headers: { cookie: c.cookie } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await raw(`${token}/cgi/whm2fa/../stray/run.cgi`)).toBe(400);
    expect(await raw(`${token}/cgi/whm2fa/%2e%2e/stray/run.cgi`)).toBe(400);
    expect(await raw(`${token}/cgi/whm2fa/..%2fstray%2frun.cgi`)).toBe(400);
  });

  it('serves static files beside the CGI with their MIME type', async () => {
    const js = await c.request(`${token}/cgi/whm2fa/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await c.request(`${token}/cgi/whm2fa/app.css`)).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('gives the CGI exactly cpsrvd’s environment and CONTENT_LENGTH bytes on stdin', async () => {
    const r = await c.request(`${token}/cgi/envprobe/env.cgi?x=1`, {
      method: 'POST',
      type: 'application/json',
      body: '{"a":1}',
      headers: {
        origin: 'http://evil.example',
        'x-requested-with': 'XMLHttpRequest',
        'x-custom': '1',
        referer: `${stand.url}/`,
      },
    });
    const env = Object.fromEntries(
      r.text
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      REMOTE_USER: 'reseller1',
      cp_security_token: token,
      REQUEST_METHOD: 'POST',
      QUERY_STRING: 'x=1',
      CONTENT_TYPE: 'application/json',
      CONTENT_LENGTH: '7',
      HTTPS: 'on',
      REMOTE_ADDR: '127.0.0.1',
      SCRIPT_NAME: '/cgi/envprobe/env.cgi',
      REQUEST_URI: `${token}/cgi/envprobe/env.cgi?x=1`,
      HTTP_REFERER: `${stand.url}/`,
      BODY: '{"a":1}',
    });
    for (const name of ['REMOTE_PORT', 'SERVER_PORT', 'HTTP_HOST', 'HTTP_COOKIE'])
      expect(env[name], name).toBeDefined();
    expect(Object.keys(env).filter((k) => /ORIGIN|REQUESTED_WITH|X_CUSTOM/.test(k))).toEqual([]);
  });

  it('parses CGI headers (LF or CRLF, Status, Location) and adds its own', async () => {
    const lf = await c.request(`${token}/cgi/headers/lf.cgi`);
    expect(lf.status).toBe(404);
    expect(lf.headers.get('x-custom')).toBe('yes');
    expect(lf.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(lf.headers.get('x-content-type-options')).toBe('nosniff');
    expect(lf.text).toBe('missing');
    const go = await c.request(`${token}/cgi/redirect/go.cgi`);
    expect(go.status).toBe(302);
    expect(go.headers.get('location')).toBe('/elsewhere');
  });

  it('answers 500 "Internal Error" when a script dies before its headers', async () => {
    const r = await c.request(`${token}/cgi/dies/die.cgi`);
    expect(r.status).toBe(500);
    expect(r.text).toContain('Internal Error');
  });

  it('serves whm2fa inside WHM’s header and footer', async () => {
    const r = await c.request(`${token}/cgi/whm2fa/index.cgi`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('id="whm-topbar"');
    expect(r.text).toContain('<b id="whm-user">reseller1</b>');
    expect(r.text).toContain('<h1 class="page-header">Two-Factor Authentication</h1>');
    expect(r.text).toContain('<script type="module" src="app.js?v=');
    expect(r.text).toContain('id="whm-footer"');
    expect(r.text).not.toContain('cpsess0000000000');
    const api = await c.request(`${token}/cgi/whm2fa/api.cgi`, {
      method: 'POST',
      type: 'application/json',
      body: '{"action":"status"}',
    });
    expect(JSON.parse(api.text)).toMatchObject({ ok: true, data: { user: 'reseller1' } });
  });
});
