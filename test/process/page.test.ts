// index.cgi: WHM's header and footer around the page (docs/cpanel.md, "WHM's header and footer"), a plain page
// of its own when they are missing, and the same session checks as the API.
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callCgi, makeServer, TOKEN, type Server } from '../support/server';

let server: Server;
beforeAll(() => {
  server = makeServer();
});
afterAll(() => server.cleanup());

const page = (user: string | undefined, extra: Record<string, unknown> = {}) =>
  callCgi(server, { script: 'index.cgi', method: 'GET', user, ...extra });

describe('index.cgi', () => {
  it('wraps the page in the user’s WHM header and footer, with placeholders filled in', async () => {
    const r = await page('reseller1');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('id="whm-topbar"');
    expect(r.body).toContain(`href="${TOKEN}/cgi/whm2fa/index.cgi"`);
    expect(r.body).toContain('<b id="whm-user">reseller1</b>');
    expect(r.body).toContain('<h1 class="page-header">Two-Factor Authentication</h1>');
    expect(r.body).not.toMatch(/cpsess0000000000|cpuser00000000000|Results of Your Request|nonce="00000000000"/);
    const nonce = /<style nonce="([^"]+)">/.exec(r.body)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(r.body).toContain(`<script type="module" src="app.js?v=1.0.0" nonce="${nonce ?? ''}"></script>`);
    expect(r.body).toContain('<link rel="stylesheet" href="app.css?v=1.0.0">');
    expect(r.body).toContain('data-chrome="whm"');
    expect(r.body.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('serves a plain page of its own when WHM’s chrome files are missing', async () => {
    const keys = join(server.root, 'var/cpanel/caches/_generated_header_files/cache_keys.json');
    renameSync(keys, `${keys}.away`);
    try {
      const r = await page('reseller1');
      expect(r.status).toBe(200);
      expect(r.body).toMatch(/^<!DOCTYPE html>\n<html lang="en" dir="ltr">/);
      expect(r.body).toContain('<title>Two-Factor Authentication</title>');
      expect(r.body).toContain('data-chrome="plain"');
      expect(r.body).toContain('<script type="module" src="app.js?v=1.0.0"');
      const nonce = /<script type="module" src="app\.js\?v=1\.0\.0" nonce="([^"]+)"/.exec(r.body)?.[1] ?? 'none';
      expect(r.headers['content-security-policy']).toContain(`script-src 'self' 'nonce-${nonce}'`);
    } finally {
      renameSync(`${keys}.away`, keys);
    }
    expect(readFileSync(keys, 'utf8')).toContain('reseller1');
  });

  it('sends a Content-Security-Policy: scripts and styles from the server or with this answer’s nonce', async () => {
    const r = await page('reseller1');
    const csp = r.headers['content-security-policy'] ?? '';
    const nonce = /<style nonce="([^"]+)">/.exec(r.body)?.[1] ?? 'none';
    const directives = Object.fromEntries(
      csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')] as const),
    );
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': `'self' 'nonce-${nonce}'`,
      'style-src': `'self' 'nonce-${nonce}'`,
      'style-src-attr': "'unsafe-inline'",
      'img-src': "'self' data:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'base-uri': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'self'",
    });
    // A new nonce for every answer, and the page's own markup has no inline script or style.
    const again = await page('reseller1');
    expect(again.headers['content-security-policy']).not.toContain(nonce);
    const app = r.body.slice(r.body.indexOf('<div id="whm2fa"'), r.body.indexOf('</script>', r.body.indexOf('app.js')));
    expect(app).not.toMatch(/style=|<style|<script>|<script nonce="[^"]*">/);
    // Refusals and the plain page carry it too.
    expect((await page('shop1')).headers['content-security-policy']).toMatch(/^default-src 'none'; script-src/);
    const post = await callCgi(server, { script: 'index.cgi', method: 'POST', user: 'root', body: 'x' });
    expect(post.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src/);
    expect(post.body).not.toContain('nonce');
  });

  it('refuses non-resellers and requests without the session token, in plain words', async () => {
    const shop = await page('shop1');
    expect(shop.status).toBe(403);
    expect(shop.body).toContain('Only root and resellers can use Two-Factor Authentication in WHM.');
    const noToken = await page('root', { requestUri: '/cgi/whm2fa/index.cgi' });
    expect(noToken.status).toBe(403);
    expect(noToken.body).not.toContain('app.js');
  });

  it('answers GET only', async () => {
    const r = await callCgi(server, { script: 'index.cgi', method: 'POST', user: 'root', body: 'x' });
    expect(r.status).toBe(405);
  });
});
