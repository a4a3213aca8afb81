// The account hook's work for each event (plugin/src/hookEvents.ts `answer`), in process,
// against a fake cPanel tree (the fake tools of scripts/fake-cpanel, run by the real
// bridge): WHM's own change is made with the fake whmapi1, then the event is answered as
// the hook would, and cPanel's store, whm2fa's state and the audit trail are read back.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { answer, describe as hookRegistrations, hookHealth } from '../../plugin/src/hookEvents';
import type { EventInput } from '../../plugin/src/hookInput';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { listAudit } from '../../plugin/src/audit';
import { reconcile } from '../../plugin/src/reconcile';
import { dayOf } from '../../plugin/src/coverage';
import { loadTotp } from '../../plugin/src/totp';
import { readUserState, writeUserState } from '../../plugin/src/userState';
import { cpanelTool, makeTree, setFaults, type Server } from '../support/server';
import { storeSecrets } from '../support/fakeBridge';

const T0 = 1_800_000_000;
const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const KEY2 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const STATE = { failures: 2, lockCount: 1 };

let server: Server;
let paths: ServerPaths;

beforeAll(loadTotp);
beforeEach(() => {
  server = makeTree({
    secrets: { shop1: KEY },
    otherEntries: { 'info@shop1.example.com': KEY2, 'dev@shop1': KEY2, 'news@blog2.example.com': KEY2 },
  });
  paths = serverPaths(server.root);
});
afterEach(() => server.cleanup());

/** The event as the hook reads it from cPanel. */
function event(category: string, name: string, data: unknown, stage = 'post'): EventInput {
  const text = JSON.stringify({
    context: { category, event: name, stage, blocking: 0, point: 'main' },
    data,
    hook: {},
  });
  return { doc: JSON.parse(text) as Record<string, unknown>, text, gaveUp: false };
}

const whostmgr = (name: string, data: unknown, stage = 'post'): EventInput => event('Whostmgr', name, data, stage);

/** WHM's own change, made with the tree's whmapi1 (no hook is registered there). */
function whm(...args: string[]): void {
  const r = cpanelTool(server, 'whmapi1', [...args, '--output=json']);
  expect(r.json()).toMatchObject({ metadata: { result: 1 } });
}

function audit(): string[][] {
  return listAudit(paths, { limit: 100, visible: () => true })
    .reverse()
    .map((e) => [e.action, e.actor, e.subject, e.result]);
}

const stateFile = (user: string): string => join(paths.userStateDir, `${user}.json`);
const coverageDays = (): unknown =>
  (JSON.parse(readFileSync(paths.coverageFile, 'utf8')) as { days: { day: string }[] }).days.map((d) => d.day);

describe('Accounts::Create', () => {
  it('removes the keys an earlier holder of the name left, records it as WHM, and keeps the day’s coverage', () => {
    writeUserState(paths, 'shop1', STATE);
    const said = answer(
      server.root,
      whostmgr('Accounts::Create', { user: 'shop1', domain: 'shop1.example.com' }),
      true,
      T0,
    );
    const result =
      'stale 2FA entry of an earlier account of this name removed; stale email and team-user 2FA entries of an earlier holder of this name or its domains removed: info@shop1.example.com, dev@shop1';
    expect(said).toBe(`1 whm2fa: shop1 created: ${result}\n`);
    expect(storeSecrets(paths)).toEqual({ 'news@blog2.example.com': KEY2 });
    expect(existsSync(stateFile('shop1'))).toBe(false);
    expect(audit()).toEqual([['account.create', 'WHM', 'shop1', result]]);
    expect(coverageDays()).toEqual([dayOf(T0)]);
  });

  it('a cPanel call that fails is recorded at the event’s time, for whm2fa report', () => {
    setFaults(server, { 'whmapi1:twofactorauth_remove_user_config': 'exit' });
    const said = answer(server.root, whostmgr('Accounts::Create', { user: 'shop1' }), true, T0);
    expect(said).toMatch(/^1 whm2fa: shop1 created: stale 2FA entry of an earlier account of this name removed; /);
    expect(storeSecrets(paths)).toEqual({ 'news@blog2.example.com': KEY2 });
    expect(JSON.parse(readFileSync(paths.lastCpanelFailureFile, 'utf8'))).toMatchObject({
      at: new Date(T0 * 1000).toISOString(),
      call: expect.stringContaining('twofactorauth_remove_user_config') as string,
    });
  });

  it('takes the account’s name from `username` too', () => {
    const said = answer(server.root, whostmgr('Accounts::Create', { username: 'blog2' }), true, T0);
    expect(said).toBe(
      '1 whm2fa: blog2 created: no stale 2FA entry of an earlier account of this name; stale email and team-user 2FA entries of an earlier holder of this name or its domains removed: news@blog2.example.com\n',
    );
    expect(storeSecrets(paths)).toEqual({ shop1: KEY, 'info@shop1.example.com': KEY2, 'dev@shop1': KEY2 });
  });
});

describe('Accounts::Remove', () => {
  it('notes the domains before, then clears the keys cPanel left after, and forgets the name', () => {
    writeUserState(paths, 'shop1', STATE);
    expect(answer(server.root, whostmgr('Accounts::Remove', { user: 'shop1' }, 'pre'), true, T0)).toBe(
      '1 whm2fa: shop1 about to be removed: its domains noted: shop1.example.com, blog.shop1.example.com\n',
    );
    expect(storeSecrets(paths)).toMatchObject({ shop1: KEY });
    whm('removeacct', 'user=shop1');
    const result = '2FA entries left in cPanel’s store removed: info@shop1.example.com, dev@shop1';
    expect(answer(server.root, whostmgr('Accounts::Remove', { user: 'shop1', killdns: 1 }), true, T0 + 1)).toBe(
      `1 whm2fa: shop1 removed: ${result}\n`,
    );
    expect(storeSecrets(paths)).toEqual({ 'news@blog2.example.com': KEY2 });
    expect(existsSync(stateFile('shop1'))).toBe(false);
    expect(audit()).toEqual([['account.remove', 'WHM', 'shop1', `account removed; ${result}`]]);
  });

  it('changes nothing for an account that is still there', () => {
    writeUserState(paths, 'shop1', STATE);
    expect(answer(server.root, whostmgr('Accounts::Remove', { user: 'shop1' }), true, T0)).toBe(
      '1 whm2fa: shop1 removed: shop1 still exists; nothing changed\n',
    );
    expect(answer(server.root, whostmgr('Accounts::Remove', { user: 'gone9' }, 'pre'), true, T0)).toBe(
      '1 whm2fa: gone9 about to be removed: gone9 does not exist; nothing noted\n',
    );
    expect(storeSecrets(paths)).toMatchObject({ shop1: KEY, 'dev@shop1': KEY2 });
    expect(readUserState(paths, 'shop1')).toEqual(STATE);
    expect(audit()).toEqual([]);
  });
});

describe('Accounts::Modify', () => {
  it('carries a renamed account’s state and keys over to its new name', () => {
    // cPanel's one-key call checks a code against its own clock, the real one.
    const now = Math.floor(Date.now() / 1000);
    writeUserState(paths, 'shop1', STATE);
    whm('modifyacct', 'user=shop1', 'newuser=shop9');
    const said = answer(server.root, whostmgr('Accounts::Modify', { user: 'shop1', newuser: 'shop9' }), true, now);
    expect(said).toMatch(
      /^1 whm2fa: 2FA carried over \([^)]*\); its entry under shop1 removed; team users’ keys carried over: dev@shop9\n$/,
    );
    expect(storeSecrets(paths)).toEqual({
      shop9: KEY,
      'dev@shop9': KEY2,
      'info@shop1.example.com': KEY2,
      'news@blog2.example.com': KEY2,
    });
    expect(readUserState(paths, 'shop9')).toEqual(STATE);
    expect(existsSync(stateFile('shop1'))).toBe(false);
    expect(audit().map(([action, actor, subject]) => [action, actor, subject])).toEqual([
      ['account.rename', 'WHM', 'shop9'],
    ]);
  });

  it('a modification that is not a rename changes nothing', () => {
    expect(
      answer(server.root, whostmgr('Accounts::Modify', { user: 'shop1', contactemail: 'x@example.com' }), true, T0),
    ).toBe('1 whm2fa: not a rename; nothing to do\n');
    expect(storeSecrets(paths)).toMatchObject({ shop1: KEY, 'dev@shop1': KEY2 });
    expect(audit()).toEqual([]);
  });
});

describe('events that name no account, or that whm2fa does not handle', () => {
  it('says so, and changes nothing', () => {
    const before = storeSecrets(paths);
    for (const [name, stage] of [
      ['Accounts::Create', 'post'],
      ['Accounts::Remove', 'pre'],
      ['Accounts::Remove', 'post'],
    ] as const) {
      for (const data of [{ user: '../shop1' }, { user: 7 }, { other: 'shop1' }, 'shop1']) {
        expect(answer(server.root, whostmgr(name, data, stage), true, T0), `${name} ${JSON.stringify(data)}`).toBe(
          '1 whm2fa: no account named; nothing to do\n',
        );
      }
    }
    expect(answer(server.root, whostmgr('Accounts::Suspend', { user: 'shop1' }), true, T0)).toBe(
      '1 whm2fa: event not handled; nothing to do\n',
    );
    expect(answer(server.root, whostmgr('Accounts::Create', { user: 'shop1' }, 'pre'), true, T0)).toBe(
      '1 whm2fa: event not handled; nothing to do\n',
    );
    // A context or data that is not an object names no event and no account.
    for (const [context, data] of [
      [null, { user: 'shop1' }],
      [['Whostmgr', 'Accounts::Create', 'post'], { user: 'shop1' }],
      ['Whostmgr/Accounts::Create/post', { user: 'shop1' }],
    ] as const) {
      const text = JSON.stringify({ context, data });
      expect(
        answer(server.root, { doc: JSON.parse(text) as Record<string, unknown>, text, gaveUp: false }, true, T0),
      ).toBe('1 whm2fa: event not handled; nothing to do\n');
    }
    expect(answer(server.root, whostmgr('Accounts::Create', null), true, T0)).toBe(
      '1 whm2fa: no account named; nothing to do\n',
    );
    expect(storeSecrets(paths)).toEqual(before);
    expect(audit()).toEqual([]);
  });

  it('does nothing at all when not run as root', () => {
    const before = storeSecrets(paths);
    expect(answer(server.root, whostmgr('Accounts::Create', { user: 'shop1' }), false, T0)).toBe(
      '1 whm2fa: not running as root; nothing to do\n',
    );
    expect(storeSecrets(paths)).toEqual(before);
    reconcile(paths, T0);
    writeFileSync(paths.tfaUserdata, JSON.stringify({ blog2: { secret: KEY } }));
    expect(
      answer(server.root, event('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration', { user: 'blog2' }), false, T0),
    ).toBe('');
    expect(answer(server.root, { doc: undefined, text: 'not json', gaveUp: false }, false, T0)).toBe('');
    expect(audit()).toEqual([]);
    expect(existsSync(paths.coverageFile)).toBe(false);
  });
});

describe('Cpanel events, and input that is not an event', () => {
  it('a Cpanel 2FA event records what changed in cPanel’s store, and says nothing', () => {
    reconcile(paths, T0 - 10);
    writeFileSync(
      paths.tfaUserdata,
      JSON.stringify({ ...JSON.parse(readFileSync(paths.tfaUserdata, 'utf8')), blog2: { secret: KEY } }),
    );
    const claimed = { user: 'blog2', args: { secret: 'NOT-THE-KEY' } };
    expect(answer(server.root, event('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration', claimed), true, T0)).toBe(
      '',
    );
    expect(audit()).toEqual([['cpanel.change', 'cPanel', 'blog2', expect.stringMatching(/\S/) as string]]);
    expect(coverageDays()).toEqual([dayOf(T0)]);
  });

  it('input that is no event still has root compare cPanel’s store and keep the day’s coverage', () => {
    reconcile(paths, T0 - 10);
    writeFileSync(paths.tfaUserdata, JSON.stringify({ blog2: { secret: KEY } }));
    expect(answer(server.root, { doc: undefined, text: '{"context":', gaveUp: false }, true, T0)).toBe('');
    expect(audit().map(([action, actor, subject]) => [action, actor, subject])).toEqual([
      ['cpanel.change', 'cPanel', 'shop1'],
      ['cpanel.change', 'cPanel', 'blog2'],
    ]);
    expect(coverageDays()).toEqual([dayOf(T0)]);
  });
});

describe('when whm2fa’s records cannot be updated', () => {
  it('says so for a WHM event, nothing for a Cpanel one, and logs the error; the coverage is still kept', () => {
    const logged: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    try {
      mkdirSync(paths.stateDir, { recursive: true });
      writeFileSync(paths.settingsFile, '{broken', { mode: 0o600 });
      whm('removeacct', 'user=blog2');
      expect(answer(server.root, whostmgr('Accounts::Remove', { user: 'blog2' }), true, T0)).toBe(
        '1 whm2fa: could not update its records (see the error log); the account operation is not affected\n',
      );
      expect(logged.join('')).toMatch(/^whm2fa hook: \S.*settings\.json/s);
      logged.length = 0;
      writeFileSync(paths.knownKeysFile, '[]', { mode: 0o600 });
      expect(
        answer(server.root, event('Cpanel', 'UAPI::TwoFactorAuth::remove_user_configuration', { user: 'x' }), true, T0),
      ).toBe('');
      expect(logged.join('')).toMatch(/^whm2fa hook: \S.*cpanel-keys\.json/s);
      expect(coverageDays()).toEqual([dayOf(T0)]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('hookHealth', () => {
  const hook = '/usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook';
  const listed = (hooks: unknown[]): string => JSON.stringify(hooks);
  const all = hookRegistrations(hook);

  it('says which of the six hooks manage_hooks does not list at this path', () => {
    expect(hookHealth(listed(all), hook)).toEqual({ registered: true, detail: 'account hooks registered' });
    expect(hookHealth(listed([...all].reverse()), hook).registered).toBe(true);
    expect(hookHealth(listed(all.filter((_, i) => i !== 2 && i !== 4)), hook)).toEqual({
      registered: false,
      detail:
        'account hooks partly registered, missing Whostmgr/Accounts::Remove/post, Cpanel/UAPI::TwoFactorAuth::set_user_configuration/post: run install.sh again',
    });
    const elsewhere = hookRegistrations('/opt/other-hook');
    for (const text of [listed(elsewhere), '[]', listed([null, 'x', ...elsewhere])]) {
      expect(hookHealth(text, hook), text).toEqual({
        registered: false,
        detail: 'account hooks missing: run install.sh again',
      });
    }
  });

  it('looks only for the path in a listing that is not a JSON list', () => {
    expect(hookHealth(`hook: ${hook}`, hook).registered).toBe(true);
    expect(hookHealth('{"hook": "x"}', hook)).toEqual({
      registered: false,
      detail: 'account hooks missing: run install.sh again',
    });
    expect(hookHealth(`{"hook": "${hook}"}`, hook).registered).toBe(true);
  });
});
