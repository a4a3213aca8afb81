// Something unexpected: a 500 INTERNAL whose body holds no stack, path or secret; the
// details go to stderr, without secrets; the damaged file is left for inspection.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeServer, type Server } from '../support/server';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let server: Server;
beforeAll(() => {
  server = makeServer({ secrets: { reseller1: SECRET } });
});
afterAll(() => server.cleanup());

describe('a damaged whm2fa state file', () => {
  it('gives 500 INTERNAL with a plain message, logs details without secrets, and resets nothing', async () => {
    const dir = join(server.root, 'var/cpanel/whm2fa/users');
    mkdirSync(dir, { recursive: true });
    const damaged = `{"failures": 1, "lockCount": 0, "pending": {"secret": "${SECRET}", "createdAt": 1, "expires`;
    writeFileSync(join(dir, 'reseller1.json'), damaged, { mode: 0o600 });
    const r = await api(server, 'reseller1', { action: 'status' });
    expect(r.status).toBe(500);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.json()).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: expect.stringMatching(/could not be read, so nothing was changed/) as unknown,
      },
    });
    expect(r.body).not.toMatch(/\/var\/cpanel|at .*\.js|StateError/);
    expect(r.stderr).toContain('reseller1.json');
    expect(r.stderr).not.toContain(SECRET);
    expect(readFileSync(join(dir, 'reseller1.json'), 'utf8')).toBe(damaged);
    // Other users are not affected.
    expect((await api(server, 'reseller2', { action: 'status' })).json().ok).toBe(true);
  });
});
