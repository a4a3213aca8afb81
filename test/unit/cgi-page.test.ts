// The CGI layer, index.cgi's page and api.cgi's entry in-process: cpsrvd's environment is
// set on process.env, and stdin and stdout/stderr (descriptors 0, 1 and 2, which the CGI
// reads and writes directly) are played by a stand-in for node:fs's readSync and writeSync
// on those three descriptors only. WHM's header and footer come from files in a
// temporary tree.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const io = vi.hoisted(() => ({
  stdin: [] as Array<Buffer | Error>,
  out: [] as Buffer[],
  err: [] as Buffer[],
  eagain: 0,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    readSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number | null): number => {
      if (fd !== 0) return fs.readSync(fd, buffer, offset, length, position);
      const next = io.stdin.shift();
      if (next === undefined) return 0;
      if (next instanceof Error) throw next;
      if (offset + length > buffer.length) throw new RangeError('past the end of the buffer');
      const n = Math.min(length, next.length);
      next.copy(buffer, offset, 0, n);
      if (n < next.length) io.stdin.unshift(next.subarray(n));
      return n;
    },
    writeSync: (fd: number, buffer: Buffer, offset?: number, length?: number): number => {
      if (fd !== 1 && fd !== 2) return fs.writeSync(fd, buffer, offset, length);
      // As node:fs does: a range past the buffer's end is a programming error.
      if ((offset ?? 0) + (length ?? 0) > buffer.length) throw new RangeError('past the end of the buffer');
      if (io.eagain > 0) {
        io.eagain -= 1;
        throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
      }
      // A pipe takes at most 5 bytes at a time, so partial writes are exercised.
      const n = Math.min(length ?? buffer.length, 5);
      (fd === 1 ? io.out : io.err).push(Buffer.from(buffer.subarray(offset ?? 0, (offset ?? 0) + n)));
      return n;
    },
  };
});

const { cgiRequest, formatHead, logError, readStdin, respond } = await import('../../plugin/src/cgi');
const { pause, writeAll } = await import('../../plugin/src/descriptor');
const { contentSecurityPolicy, servePage, servePageRequest } = await import('../../plugin/src/page');
const { english } = await import('../../plugin/src/messages');
// The page's title in English, from the catalog (locales/en/api.json).
const PAGE_TITLE = english('page.title');
const { whmChrome } = await import('../../plugin/src/chrome');
const { serveApi } = await import('../../plugin/src/api/serve');
const { serverPaths } = await import('../../plugin/src/paths');
const { statusText } = await import('../../plugin/src/errors');

const TOKEN = '/cpsess1234567890';
const ENV = [
  'REQUEST_METHOD',
  'CONTENT_TYPE',
  'CONTENT_LENGTH',
  'REMOTE_USER',
  'cp_security_token',
  'REQUEST_URI',
  'REMOTE_ADDR',
];

let root: string;
let paths: ReturnType<typeof serverPaths>;

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function setEnv(env: Record<string, string | undefined>): void {
  for (const name of ENV) delete process.env[name];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value;
}

const stdout = (): string => Buffer.concat(io.out).toString('utf8');
const stderr = (): string => Buffer.concat(io.err).toString('utf8');

function parsed(): { head: string[]; body: string } {
  const text = stdout();
  const split = text.indexOf('\r\n\r\n');
  return { head: text.slice(0, split).split('\r\n'), body: text.slice(split + 4) };
}

const request = (over: Record<string, string | undefined> = {}): Parameters<typeof servePage>[1] => ({
  method: 'GET',
  contentType: undefined,
  contentLength: undefined,
  remoteUser: 'root',
  securityToken: TOKEN,
  requestUri: `${TOKEN}/cgi/whm2fa/index.cgi`,
  remoteAddr: '192.0.2.1',
  ...over,
});

function writeChrome(user: string, key = 'abc_123'): void {
  put(join(paths.headerDir, 'cache_keys.json'), JSON.stringify({ [user]: key }));
  put(
    join(paths.headerDir, `${key}_0_0.html`),
    '<html><head><title>Results of Your Request</title><script nonce="00000000000">x</script></head><body><a href="/cpsess0000000000/x">cpuser00000000000</a>',
  );
  put(paths.footerFile, '<footer nonce="00000000000">/cpsess0000000000 cpuser00000000000</footer></body></html>');
}

beforeEach(() => {
  io.stdin = [];
  io.out = [];
  io.err = [];
  io.eagain = 0;
  root = mkdtempSync(join(tmpdir(), 'whm2fa-cgi-'));
  paths = serverPaths(root);
  put(paths.resellers, 'res1:list-accts\n');
});
afterEach(() => {
  setEnv({});
  rmSync(root, { recursive: true, force: true });
});

describe('cgiRequest', () => {
  it("reads cpsrvd's environment", () => {
    setEnv({
      REQUEST_METHOD: 'POST',
      CONTENT_TYPE: 'application/json',
      CONTENT_LENGTH: '12',
      REMOTE_USER: 'res1',
      cp_security_token: TOKEN,
      REQUEST_URI: `${TOKEN}/cgi/whm2fa/api.cgi`,
      REMOTE_ADDR: '192.0.2.4',
    });
    expect(cgiRequest()).toEqual({
      method: 'POST',
      contentType: 'application/json',
      contentLength: '12',
      remoteUser: 'res1',
      securityToken: TOKEN,
      requestUri: `${TOKEN}/cgi/whm2fa/api.cgi`,
      remoteAddr: '192.0.2.4',
    });
    setEnv({});
    expect(Object.values(cgiRequest()).every((v) => v === undefined)).toBe(true);
  });
});

describe('readStdin', () => {
  it('reads exactly the bytes asked for, in as many reads as it takes', () => {
    io.stdin = [Buffer.from('{"act'), Buffer.from('ion":1}tail')];
    expect(readStdin(12).toString()).toBe('{"action":1}');
    expect(readStdin(0).length).toBe(0);
  });

  it('waits out a pipe that is not ready yet', () => {
    io.stdin = [Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' }), Buffer.from('ok')];
    expect(readStdin(2).toString()).toBe('ok');
  });

  it('fails when stdin ends early or breaks', () => {
    io.stdin = [Buffer.from('abc')];
    expect(() => readStdin(5)).toThrow('body shorter than CONTENT_LENGTH');
    io.stdin = [Object.assign(new Error('EIO'), { code: 'EIO' })];
    expect(() => readStdin(5)).toThrow('EIO');
  });
});

describe('writing', () => {
  it('formats the CGI head: Status first, the headers, a blank line', () => {
    expect(formatHead({ status: 404, headers: { A: '1', 'B-C': 'x y' }, body: '' })).toBe(
      'Status: 404 Error\r\nA: 1\r\nB-C: x y\r\n\r\n',
    );
    expect(formatHead({ status: 200, headers: {}, body: '' })).toBe('Status: 200 OK\r\n\r\n');
    expect(statusText(429)).toBe('Too Many Requests');
  });

  it('writes all of a response, however little the pipe takes at once and when it is full', () => {
    io.eagain = 2;
    respond({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'héllo wörld' });
    expect(stdout()).toBe('Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nhéllo wörld');
  });

  it('passes other write errors on', () => {
    const file = join(root, 'out');
    const fd = openSync(file, 'w');
    writeAll(fd, Buffer.from('bytes'));
    writeAll(fd, ' and text');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('bytes and text');
    expect(() => writeAll(fd, 'closed')).toThrow();
  });

  it('pauses for the time asked', () => {
    const started = performance.now();
    pause(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('logs errors with secrets removed', () => {
    const err = new TypeError('bad key JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    logError('api', err);
    const text = stderr();
    expect(text.startsWith('whm2fa api: TypeError: bad key [redacted]\n')).toBe(true);
    expect(text).not.toContain('JBSWY3DPEHPK3PXP');
    expect(text.endsWith('\n')).toBe(true);
    io.err = [];
    logError('page', 'plain JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(stderr()).toBe('whm2fa page: plain [redacted]\n');
    io.err = [];
    const stackless = new Error('x');
    delete stackless.stack;
    logError('hook', stackless);
    expect(stderr()).toBe('whm2fa hook: Error: x\n\n');
  });
});

describe('whmChrome', () => {
  const options = { user: 'res1', token: TOKEN, title: 'My Title', nonce: 'N0nce' };

  it("fills WHM's placeholders in the user's header and the footer", () => {
    writeChrome('res1');
    const chrome = whmChrome(paths, options);
    expect(chrome).toEqual({
      header: `<html><head><title>My Title</title><script nonce="N0nce">x</script></head><body><a href="${TOKEN}/x">res1</a>`,
      footer: `<footer nonce="N0nce">${TOKEN} res1</footer></body></html>`,
    });
  });

  it('is undefined when anything is missing or odd', () => {
    expect(whmChrome(paths, options)).toBeUndefined();
    writeChrome('someone-else');
    expect(whmChrome(paths, options)).toBeUndefined();
    writeChrome('res1', '../evil');
    expect(whmChrome(paths, options)).toBeUndefined();
    writeChrome('res1');
    put(join(paths.headerDir, 'cache_keys.json'), '{"res1":');
    expect(whmChrome(paths, options)).toBeUndefined();
    put(join(paths.headerDir, 'cache_keys.json'), '{"res1":5}');
    put(join(paths.headerDir, '5_0_0.html'), '<header>');
    expect(whmChrome(paths, options)).toBeUndefined();
    writeChrome('res1');
    rmSync(paths.footerFile);
    expect(whmChrome(paths, options)).toBeUndefined();
    writeChrome('res1');
    rmSync(join(paths.headerDir, 'abc_123_0_0.html'));
    expect(whmChrome(paths, options)).toBeUndefined();
  });
});

describe('servePage', () => {
  it("serves the page inside WHM's chrome, under a nonce-based policy", () => {
    writeChrome('root');
    const answer = servePage(paths, request());
    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['Cache-Control']).toBe('no-store');
    const csp = answer.headers['Content-Security-Policy'] ?? '';
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1] ?? '';
    expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
    expect(csp).toBe(contentSecurityPolicy(nonce));
    expect(answer.body).toContain(`<title>${PAGE_TITLE}</title>`);
    expect(answer.body).toContain(`<script nonce="${nonce}">x</script>`);
    expect(answer.body).toContain('data-chrome="whm"');
    expect(answer.body).toContain(`<a href="${TOKEN}/x">root</a>`);
    expect(answer.body).toContain('<link rel="stylesheet" href="app.css?v=dev">');
    expect(answer.body).toContain(`<script type="module" src="app.js?v=dev" nonce="${nonce}"></script>`);
    expect(answer.body).toContain(
      '<div id="whm2fa" class="whm2fa" lang="en" dir="ltr" data-locale="en" data-version="dev" data-chrome="whm">',
    );
    expect(answer.body).toContain('<noscript>');
    expect(answer.body.endsWith('</footer></body></html>')).toBe(true);
    // A new nonce for every answer.
    expect(servePage(paths, request()).headers['Content-Security-Policy']).not.toBe(csp);
  });

  it('uses a plain layout without chrome', () => {
    const answer = servePage(paths, request({ remoteUser: 'res1' }));
    expect(answer.status).toBe(200);
    expect(
      answer.body.startsWith(
        [
          '<!DOCTYPE html>',
          '<html lang="en" dir="ltr">',
          '<head>',
          '<meta charset="utf-8">',
          '<meta name="viewport" content="width=device-width, initial-scale=1">',
          `<title>${PAGE_TITLE}</title>`,
          '</head>',
          '<body class="whm2fa-plain">',
        ].join('\n'),
      ),
    ).toBe(true);
    expect(PAGE_TITLE.length).toBeGreaterThan(0);
    expect(answer.body).toContain('<body class="whm2fa-plain">');
    expect(answer.body).toContain('data-chrome="plain"');
    expect(
      answer.body.endsWith(
        '</div>\n<script type="module" src="app.js?v=dev" nonce="' +
          /nonce-([^']+)/.exec(answer.headers['Content-Security-Policy'] ?? '')?.[1] +
          '"></script>\n</body>\n</html>\n',
      ),
    ).toBe(true);
  });

  it('answers HEAD without a body', () => {
    const answer = servePage(paths, request({ method: 'HEAD' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
  });

  it('refuses other methods with 405 and Allow: GET', () => {
    const answer = servePage(paths, request({ method: 'POST' }));
    expect(answer.status).toBe(405);
    expect(answer.headers['Allow']).toBe('GET');
    expect(answer.headers['Content-Security-Policy']).toContain("default-src 'none'");
    expect(answer.body).toContain('<p>This page only answers GET requests.</p></body></html>\n');
  });

  it('refuses a request outside the session with a readable, escaped page', () => {
    const answer = servePage(paths, request({ securityToken: undefined }));
    expect(answer.status).toBe(403);
    expect(answer.body).toContain(`<h1>${PAGE_TITLE}</h1><p role="alert">`);
    expect(answer.body).toContain('This request did not come from your WHM session.');
    const other = servePage(paths, request({ remoteUser: 'shop1' }));
    expect(other.status).toBe(403);
    expect(other.body).not.toContain('app.js');
  });

  it('answers an unreadable account file with a page that tells nothing, its words escaped', () => {
    rmSync(paths.resellers);
    mkdirSync(paths.resellers);
    const answer = servePage(paths, request({ remoteUser: 'res1' }));
    expect(answer.status).toBe(500);
    expect(answer.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('whm2fa&#39;s saved data on this server could not be read');
    expect(answer.body).not.toContain(root);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows only this server and the nonce', () => {
    expect(contentSecurityPolicy('abc')).toBe(
      [
        "default-src 'none'",
        "script-src 'self' 'nonce-abc'",
        "style-src 'self' 'nonce-abc'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
      ].join('; '),
    );
  });
});

describe('servePageRequest (index.cgi)', () => {
  it("prints the page for cpsrvd's request", () => {
    setEnv({ REQUEST_METHOD: 'GET', REMOTE_USER: 'root', cp_security_token: TOKEN, REQUEST_URI: `${TOKEN}/x` });
    servePageRequest({ root });
    const { head, body } = parsed();
    expect(head[0]).toBe('Status: 200 OK');
    expect(head).toContain('Content-Type: text/html; charset=utf-8');
    expect(body).toContain('id="whm2fa"');
  });

  it('answers 500 in plain text and logs when the page cannot be made', () => {
    setEnv({ REQUEST_METHOD: 'GET', REMOTE_USER: 'res1', cp_security_token: TOKEN, REQUEST_URI: `${TOKEN}/x` });
    // No server root at all: nothing of the page can be made.
    servePageRequest({ root: undefined as unknown as string });
    const { head, body } = parsed();
    expect(head).toEqual([
      'Status: 500 Internal Server Error',
      'Content-Type: text/plain; charset=utf-8',
      'Cache-Control: no-store',
    ]);
    expect(body).toBe(
      'Two-Factor Authentication could not be shown. Please try again, or ask your host to check the server error log.\n',
    );
    expect(stderr()).toMatch(/^whm2fa page: /);
  });
});

describe('serveApi (api.cgi)', () => {
  const apiEnv = (body: string, over: Record<string, string | undefined> = {}): void =>
    setEnv({
      REQUEST_METHOD: 'POST',
      CONTENT_TYPE: 'application/json',
      CONTENT_LENGTH: String(Buffer.byteLength(body)),
      REMOTE_USER: 'res1',
      cp_security_token: TOKEN,
      REQUEST_URI: `${TOKEN}/cgi/whm2fa/api.cgi`,
      REMOTE_ADDR: '192.0.2.5',
      ...over,
    });

  it('reads the body from stdin and prints the answer', async () => {
    const body = '{"action":"settings.get"}';
    apiEnv(body);
    io.stdin = [Buffer.from(body)];
    await serveApi({ root });
    const { head, body: out } = parsed();
    expect(head[0]).toBe('Status: 200 OK');
    expect(head).toContain('Content-Type: application/json; charset=utf-8');
    expect(JSON.parse(out)).toMatchObject({ ok: true, data: { policyEnabled: false } });
    expect(stderr()).toBe('');
  });

  it('acts at the time of the request', async () => {
    const body = '{"action":"settings.set","issuer":"Res Host"}';
    apiEnv(body);
    io.stdin = [Buffer.from(body)];
    const before = Date.now();
    await serveApi({ root });
    expect(parsed().head[0]).toBe('Status: 200 OK');
    const line = JSON.parse(readFileSync(paths.auditFile, 'utf8').trim().split('\n')[0] ?? '{}') as { at: string };
    const at = Date.parse(line.at);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('refuses before reading a body it will not take', async () => {
    apiEnv('{}', { REQUEST_METHOD: 'GET' });
    io.stdin = [Buffer.from('{}')];
    await serveApi({ root });
    expect(parsed().head[0]).toBe('Status: 405 Method Not Allowed');
    expect(io.stdin).toHaveLength(1);
  });

  it('refuses an incomplete body', async () => {
    apiEnv('{"action":"status"}');
    io.stdin = [Buffer.from('{"act')];
    await serveApi({ root });
    const { head, body } = parsed();
    expect(head[0]).toBe('Status: 400 Bad Request');
    expect(JSON.parse(body)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'The request body was incomplete.' },
    });
  });

  it('logs an unexpected failure, and only that', async () => {
    const body = '{"action":"settings.get"}';
    apiEnv(body);
    io.stdin = [Buffer.from(body)];
    put(paths.settingsFile, '[]');
    await serveApi({ root });
    expect(parsed().head[0]).toBe('Status: 500 Internal Server Error');
    expect(stderr()).toMatch(/^whm2fa api: StateError: /);
  });
});
