// Failure counting and locks hold across concurrent CGI processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { api, auditLines, makeServer, readJson, type Server } from '../support/server';
import { wrongCodeNow } from '../support/rfc6238';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let server: Server;
beforeAll(() => {
  server = makeServer({ secrets: { reseller1: SECRET } });
});
afterAll(() => server.cleanup());

describe('20 parallel wrong codes', () => {
  it('lock the user exactly once, after exactly 5 counted failures', async () => {
    const wrong = wrongCodeNow(SECRET);
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api(server, 'reseller1', { action: 'remove', code: wrong })),
    );
    const codes = results.map((r) => r.json().error?.code);
    expect(codes.filter((c) => c === 'CODE_INVALID')).toHaveLength(5);
    expect(codes.filter((c) => c === 'LOCKED')).toHaveLength(15);
    const withLock = results.filter((r) => r.json().error?.lockedUntil !== undefined);
    expect(withLock).toHaveLength(16); // the 5th failure and the 15 refusals all say until when
    const state = readJson(join(server.root, 'var/cpanel/whm2fa/users/reseller1.json')) as Record<string, number>;
    expect(state['lockCount']).toBe(1);
    expect(state['failures']).toBe(0);
    const lockedUntil = state['lockedUntil'] ?? 0;
    expect(lockedUntil * 1000 - started).toBeGreaterThan(299_000);
    expect(lockedUntil * 1000 - Date.now()).toBeLessThanOrEqual(300_000);
    const audit = auditLines(server);
    expect(audit.filter((l) => l['action'] === 'verify' && l['result']?.startsWith('failed'))).toHaveLength(5);
    expect(audit.filter((l) => l['action'] === 'lock')).toHaveLength(1);
    // The 15 refusals all answer LOCKED, but only the first of the lock period is recorded.
    expect(audit.filter((l) => l['result'] === 'refused: locked')).toHaveLength(1);
    const status = await api(server, 'reseller1', { action: 'status' });
    expect(status.json().data?.['lockedUntil']).toBe(new Date(lockedUntil * 1000).toISOString());
  });
});
