// The account hook script as cPanel runs it: every event, and empty, truncated,
// oversized, garbage, chunked and held-open stdin. It always answers "1 …" and exits by
// itself. How long it waits for input that stops coming is test/unit/hook-input.test.ts's,
// with the clock as a parameter: a process test that timed it would fail on a busy machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_INPUT_IDLE_MS } from '../../plugin/src/rules';
import { auditLines, cpanelSecrets, makeServer, type Server } from '../support/server';

let server: Server;
let hook: string;
beforeAll(() => {
  server = makeServer({
    secrets: {
      shop1: 'JBSWY3DPEHPK3PXP',
      nodomain: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF',
      blog2: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    },
    resellers: { reseller1: ['list-accts'], reseller2: ['list-accts'], nodomain: [] },
  });
  hook = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook');
});
afterAll(() => server.cleanup());

/**
 * Past this, a run is killed and `killed` set. With stdin held open, half the time the
 * hook waits for input that stops coming ({@link HOOK_INPUT_IDLE_MS}): a hook that exits
 * only when that wait ends is caught, one that acts at once has seconds to spare on a busy
 * machine. With stdin ended, only a hang is to be caught, so the bound is generous.
 */
const HELD_OPEN_BOUND_MS = HOOK_INPUT_IDLE_MS / 2;
const ENDED_BOUND_MS = 30_000;

/** What a run of the hook gave; `killed`: it had not exited by itself within its bound. */
interface HookRun {
  out: string;
  err: string;
  killed: boolean;
}

function runHook(input: string | Buffer, args: string[] = []): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(hook, args);
    let out = '';
    let err = '';
    let killed = false;
    const bound = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, ENDED_BOUND_MS);
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(bound);
      resolve({ out, err, killed });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/**
 * Runs the hook fed `pieces` one at a time, each written once the one before has left
 * this process, and ends its stdin only if `end`; otherwise stdin stays open until the
 * hook has exited. The first piece may be larger than a pipe holds, so that its write
 * completes only once the hook is reading.
 */
function runHookFed(pieces: string[], end: boolean): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(hook, []);
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    // A hook that does not exit by itself while its stdin stays open is killed here, so
    // the test fails instead of hanging.
    const bound = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, HELD_OPEN_BOUND_MS);
    child.on('close', () => {
      clearTimeout(bound);
      child.stdin.destroy();
      resolve({ out, err, killed });
    });
    child.stdin.on('error', () => undefined);
    void (async () => {
      for (const piece of pieces) {
        await new Promise<void>((written) => child.stdin.write(piece, () => written()));
        await new Promise<void>((next) => setImmediate(next));
      }
      if (end) child.stdin.end();
    })();
  });
}

const event = (category: string, name: string, data: Record<string, unknown>, stage = 'post'): string =>
  JSON.stringify({ context: { category, event: name, stage, blocking: 0, point: 'main' }, data, hook: {} });

function expectOk(result: HookRun): void {
  expect(result.out).toMatch(/^1 \S.*\n$/);
  expect(result.out).not.toMatch(/BAILOUT|^0/);
  expect(result.killed).toBe(false);
}

describe('describe mode', () => {
  it('lists its six hooks (the removal’s pre stage not blocking) with its own absolute path; Cpanel ones escalated', async () => {
    const r = await runHook('', ['--describe']);
    const list = JSON.parse(r.out) as Array<Record<string, unknown>>;
    expect(list.map((h) => `${String(h['category'])} ${String(h['event'])} ${String(h['stage'])}`)).toEqual([
      'Whostmgr Accounts::Create post',
      'Whostmgr Accounts::Remove pre',
      'Whostmgr Accounts::Remove post',
      'Whostmgr Accounts::Modify post',
      'Cpanel UAPI::TwoFactorAuth::set_user_configuration post',
      'Cpanel UAPI::TwoFactorAuth::remove_user_configuration post',
    ]);
    for (const h of list) expect(h).toMatchObject({ hook, exectype: 'script', blocking: 0 });
    for (const h of list) expect(h['escalateprivs']).toBe(h['category'] === 'Cpanel' ? 1 : undefined);
  });
});

describe('Accounts::Remove', () => {
  it('forgets whm2fa state of a removed account, and removes the key cPanel left behind', async () => {
    // A reseller without a domain, already gone from the resellers file (cPanel fires no
    // hook for it; this event is sent by hand to show what the hook would do).
    const resellers = join(server.root, 'var/cpanel/resellers');
    const original = readFileSync(resellers, 'utf8');
    writeFileSync(resellers, original.replace(/^nodomain:.*$/m, ''));
    const state = join(server.root, 'var/cpanel/whm2fa/users/nodomain.json');
    mkdirSync(join(server.root, 'var/cpanel/whm2fa/users'), { recursive: true });
    writeFileSync(state, '{"failures":1,"lockCount":0}', { mode: 0o600 });
    try {
      const r = await runHook(
        event('Whostmgr', 'Accounts::Remove', { user: 'nodomain', killdns: 1, keep_remote_databases: 0 }),
      );
      expectOk(r);
      expect(r.out).toContain('2FA entries left in cPanel’s store removed: nodomain');
      expect(
        JSON.parse(readFileSync(join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json'), 'utf8')),
      ).not.toHaveProperty('nodomain');
      expect(existsSync(state)).toBe(false);
      expect(auditLines(server).some((l) => l['action'] === 'account.remove' && l['subject'] === 'nodomain')).toBe(
        true,
      );
    } finally {
      writeFileSync(resellers, original);
    }
  });
});

describe('stdin as cPanel may write it', () => {
  /** A state file for a name no account has, which Accounts::Remove forgets and records. */
  function gone(user: string): string {
    const state = join(server.root, `var/cpanel/whm2fa/users/${user}.json`);
    mkdirSync(join(server.root, 'var/cpanel/whm2fa/users'), { recursive: true });
    writeFileSync(state, '{"failures":1,"lockCount":0}', { mode: 0o600 });
    return state;
  }
  const removed = (user: string): boolean =>
    auditLines(server).some((l) => l['action'] === 'account.remove' && l['subject'] === user);

  it('a document written in pieces, one ending in "}" before the document does, is acted on when whole', async () => {
    const state = gone('pieces1');
    // The padding makes the first piece larger than a pipe holds; the third ends in the
    // "{}" of "hook", a "}" before the document's own.
    const doc = event('Whostmgr', 'Accounts::Remove', { user: 'pieces1', padding: 'x'.repeat(200_000) });
    const cut = doc.indexOf('xxx') + 100_000;
    const pieces = [doc.slice(0, cut), doc.slice(cut, -8), doc.slice(-8, -1), doc.slice(-1)];
    expect(pieces[2]).toMatch(/\{\}$/);
    expect(pieces.join('')).toBe(doc);
    const r = await runHookFed(pieces, true);
    expectOk(r);
    expect(r.out).toContain('pieces1 removed');
    expect(existsSync(state)).toBe(false);
    expect(removed('pieces1')).toBe(true);
  });

  it('a piece that ends in "}" is not taken for the whole document', async () => {
    const state = gone('pieces2');
    const doc = event('Whostmgr', 'Accounts::Remove', { user: 'pieces2' });
    const contextEnd = doc.indexOf('}') + 1;
    const r = await runHookFed([doc.slice(0, contextEnd), doc.slice(contextEnd)], true);
    expectOk(r);
    expect(r.out).toContain('pieces2 removed');
    expect(existsSync(state)).toBe(false);
  });

  it('a whole document on stdin that stays open is acted on at once, without waiting for the end', async () => {
    const state = gone('heldopen1');
    const r = await runHookFed([event('Whostmgr', 'Accounts::Remove', { user: 'heldopen1' })], false);
    expectOk(r);
    expect(r.out).toContain('heldopen1 removed');
    expect(existsSync(state)).toBe(false);
    expect(removed('heldopen1')).toBe(true);
  });

  it('a whole Cpanel event on stdin that stays open: nothing printed, and it exits', async () => {
    const r = await runHookFed(
      [event('Cpanel', 'UAPI::TwoFactorAuth::remove_user_configuration', { user: 'reseller2' }), '\n'],
      false,
    );
    expect(r.out).toBe('');
    expect(r.killed).toBe(false);
  });
});

describe('Accounts::Modify', () => {
  it('a modification that is not a rename changes nothing', async () => {
    const before = JSON.stringify(cpanelSecrets(server));
    expectOk(
      await runHook(event('Whostmgr', 'Accounts::Modify', { user: 'reseller1', contactemail: 'x@example.com' })),
    );
    expect(JSON.stringify(cpanelSecrets(server))).toBe(before);
  });
});

describe('Cpanel events', () => {
  it('print nothing (cPanel would show it in the UAPI result) and trust nothing in the event', async () => {
    const r = await runHook(
      event('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration', { user: 'reseller2', args: { secret: 'X' } }),
    );
    expect(r.out).toBe('');
    expect(r.killed).toBe(false);
    // Nothing changed in cPanel's store, so nothing is recorded, whatever the event claims.
    expect(auditLines(server).some((l) => l['action'] === 'cpanel.change')).toBe(false);
  });
});

describe('whatever the input, it answers, exits by itself and changes nothing', () => {
  // What cannot be read says nothing at all (it may be a Cpanel event, whose answer the
  // user would see); an event it can read but does not act on is answered "1 …".
  const unreadable: Array<[string, string | Buffer]> = [
    ['empty', ''],
    ['garbage', 'not json at all \u0000\u0001'],
    ['truncated', event('Whostmgr', 'Accounts::Remove', { user: 'shop9' }).slice(0, 40)],
    ['oversized (5 MiB)', Buffer.alloc(5 * 1024 * 1024, 0x61)],
    [
      'a Cpanel event over 1 MiB',
      event('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration', {
        user: 'shop1',
        args: { x: 'y'.repeat(1_200_000) },
      }),
    ],
    ['array', '[1,2,3]'],
  ];
  const ignored: Array<[string, string | Buffer]> = [
    ['unknown event', event('Whostmgr', 'Accounts::Suspend', { user: 'shop9' })],
    ['pre stage', event('Whostmgr', 'Accounts::Remove', { user: 'shop9' }, 'pre')],
    ['hostile user name', event('Whostmgr', 'Accounts::Remove', { user: '../../etc/passwd' })],
    ['no data', JSON.stringify({ context: { category: 'Whostmgr', event: 'Accounts::Remove', stage: 'post' } })],
  ];
  it.each(unreadable)('%s: says nothing', async (_name, input) => {
    const before = JSON.stringify(cpanelSecrets(server));
    const r = await runHook(input);
    expect(r.out).toBe('');
    expect(r.killed).toBe(false);
    expect(JSON.stringify(cpanelSecrets(server))).toBe(before);
  });
  it.each(ignored)('%s: answers 1', async (_name, input) => {
    const before = JSON.stringify(cpanelSecrets(server));
    expectOk(await runHook(input));
    expect(JSON.stringify(cpanelSecrets(server))).toBe(before);
  });

  it('still answers 1 when its state is damaged, with the error on stderr', async () => {
    const settings = join(server.root, 'var/cpanel/whm2fa/settings.json');
    writeFileSync(settings, '{broken', { mode: 0o600 });
    try {
      const r = await runHook(event('Whostmgr', 'Accounts::Remove', { user: 'gone1' }));
      expectOk(r);
      expect(r.err).toMatch(/settings\.json/);
    } finally {
      writeFileSync(settings, '{"issuers":{}}', { mode: 0o600 });
    }
  });
});
