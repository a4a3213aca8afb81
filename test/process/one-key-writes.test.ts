// Each kind of save changes only the key it means to, even when cPanel changes other keys
// at the same moment (docs/decisions/one-key-writes.md). The fake tool, once started and
// before its own work, lets "another cPanel writer" change a mailbox's key, a team user's
// key and another account's key in a locked transaction of its own; after whm2fa's save all
// three must be as that writer left them, with a true answer and a true audit entry.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, auditLines, cpanelSecrets, cpanelTool, makeServer, type Server } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';

const RACED = {
  mailbox: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
  team: 'MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK',
  other: 'ONSWG4TFOQYTEMZUONSWG4TFOQYTEMZU',
};

let server: Server;
beforeAll(() => {
  // shop1 is a reseller here (it logs in to WHM) with a mailbox and a team user of its own.
  server = makeServer({ resellers: { reseller1: ['list-accts'], reseller2: [], shop1: [] } });
});
afterAll(() => server.cleanup());

/** The next run of cPanel's `tool:function` lets another writer change these keys first. */
function raceAt(call: string, team: string): Record<string, string> {
  const changes = { 'info@shop1.example.com': RACED.mailbox, [team]: RACED.team, blog2: RACED.other };
  mkdirSync(join(server.root, 'var/fake-cpanel'), { recursive: true });
  writeFileSync(join(server.root, 'var/fake-cpanel/faults.json'), JSON.stringify({ [`race:${call}`]: changes }));
  return changes;
}

function expectAsRaced(changes: Record<string, string>): void {
  const store = cpanelSecrets(server);
  // Only the racing writer sets these values, so finding them also shows the race was run.
  for (const [key, secret] of Object.entries(changes)) expect(store[key]).toEqual({ secret });
}

const lastAudit = (subject: string, action: string): Record<string, string> | undefined =>
  auditLines(server)
    .filter((l) => l['subject'] === subject && l['action'] === action)
    .at(-1);

async function enroll(user: string, current?: string): Promise<{ secret: string; answer: unknown }> {
  const start = await api(server, user, { action: 'enroll.start' });
  const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
  const step = stepNow();
  const r = await api(server, user, {
    action: 'enroll.confirm',
    code: codeForStep(secret, step),
    // The next step's code: the enable a moment ago used this step's code for that key.
    ...(current === undefined ? {} : { currentCode: codeForStep(current, step + 1) }),
  });
  return { secret, answer: r.json() };
}

describe('a save while cPanel changes other keys', () => {
  let shop1Key = '';

  it('enable (an account’s key): only that key changes', async () => {
    const changes = raceAt('uapi:set_user_configuration', 'dev@shop1');
    const { secret, answer } = await enroll('shop1');
    expect(answer).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(cpanelSecrets(server)['shop1']).toEqual({ secret });
    expectAsRaced(changes);
    expect(lastAudit('shop1', 'enable')?.['result']).toBe('ok');
    shop1Key = secret;
  });

  it('replace: only that key changes', async () => {
    const changes = raceAt('uapi:set_user_configuration', 'dev@shop1');
    const { secret, answer } = await enroll('shop1', shop1Key);
    expect(answer).toMatchObject({ ok: true, data: { enabled: true, replaced: { account: 'shop1' } } });
    expect(cpanelSecrets(server)['shop1']).toEqual({ secret });
    expectAsRaced(changes);
    expect(lastAudit('shop1', 'replace')?.['result']).toBe('ok');
    shop1Key = secret;
  });

  it('enable (root’s own key): only that key changes', async () => {
    const changes = raceAt('whmapi1:twofactorauth_set_tfa_config', 'dev@shop1');
    const { secret, answer } = await enroll('root');
    expect(answer).toEqual({ ok: true, data: { enabled: true, recoveryCodes: expect.any(Array) } });
    expect(cpanelSecrets(server)['root']).toEqual({ secret });
    expectAsRaced(changes);
  });

  it('remove (own, with a code): only that key goes', async () => {
    const changes = raceAt('whmapi1:twofactorauth_remove_user_config', 'dev@shop1');
    const r = await api(server, 'shop1', { action: 'remove', code: codeForStep(shop1Key, stepNow() + 1) });
    expect(r.json()).toMatchObject({ ok: true, data: { enabled: false } });
    expect(cpanelSecrets(server)['shop1']).toBeUndefined();
    expectAsRaced(changes);
    expect(lastAudit('shop1', 'remove')?.['result']).toBe('ok');
  });

  it('an administrator’s removal: only that key goes', async () => {
    const { secret } = await enroll('shop1');
    expect(cpanelSecrets(server)['shop1']).toEqual({ secret });
    const changes = raceAt('whmapi1:twofactorauth_remove_user_config', 'dev@shop1');
    const r = await api(server, 'reseller1', { action: 'users.remove', users: ['shop1'], reason: 'lost phone' });
    expect(r.json()).toMatchObject({ ok: true, data: { removed: ['shop1'] } });
    expect(cpanelSecrets(server)['shop1']).toBeUndefined();
    expectAsRaced(changes);
    expect(lastAudit('shop1', 'admin.remove')?.['result']).toBe('ok: identity not confirmed (no recovery code)');
  });

  it('the carry-over on a rename: only the renamed account’s keys move', async () => {
    const { secret } = await enroll('shop1');
    // The hook saves shop9's key with the account's one-key call; the race comes at its start.
    const changes = raceAt('uapi:set_user_configuration', 'dev@shop9');
    const r = cpanelTool(server, 'whmapi1', ['--output=json', 'modifyacct', 'user=shop1', 'newuser=shop9']);
    expect((r.json()['metadata'] as Record<string, unknown>)['result']).toBe(1);
    const store = cpanelSecrets(server);
    expect(store['shop9']).toEqual({ secret });
    expectAsRaced(changes);
    expect(lastAudit('shop9', 'account.rename')?.['result']).toMatch(
      /^shop1 renamed to shop9: 2FA carried over \(ok\)/,
    );
  });
});
