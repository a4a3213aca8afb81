// cPanel's save path for each kind of WHM user
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, cpanelSecrets, makeServer, type Server } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';

let server: Server;
beforeAll(() => {
  // "nodomain" is a reseller without a cPanel account (no /var/cpanel/users file).
  server = makeServer({ resellers: { reseller1: ['list-accts'], reseller2: [], nodomain: ['list-accts'] } });
});
afterAll(() => server.cleanup());

async function enroll(
  user: string,
): Promise<{ secret: string; result: ReturnType<Awaited<ReturnType<typeof api>>['json']> }> {
  const start = await api(server, user, { action: 'enroll.start' });
  const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
  const r = await api(server, user, { action: 'enroll.confirm', code: codeForStep(secret, stepNow()) });
  return { secret, result: r.json() };
}

describe('saving into cPanel’s store', () => {
  it('a reseller without a cPanel account is saved through set_tfa_config_for_user', async () => {
    const { secret, result } = await enroll('nodomain');
    expect(result).toEqual({ ok: true, data: { enabled: true } });
    expect(cpanelSecrets(server)['nodomain']).toEqual({ secret });
  });

  it('a reseller whose account lacks the twofactorauth feature gets cPanel’s reason, and nothing changes', async () => {
    const file = join(server.root, 'var/cpanel/users/reseller2');
    writeFileSync(file, readFileSync(file, 'utf8').replace('FEATURE-TWOFACTORAUTH=1', 'FEATURE-TWOFACTORAUTH=0'));
    const { result } = await enroll('reseller2');
    expect(result.error?.code).toBe('CPANEL_FAILED');
    expect(result.error?.message).toContain('This feature is not enabled for your account.');
    expect(cpanelSecrets(server)['reseller2']).toBeUndefined();
  });
});
