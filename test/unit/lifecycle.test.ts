// The account hooks in-process, against the fake bridge: an event that does not match the
// account files changes nothing; stale keys are removed; a rename carries the key over or
// says honestly that it could not, and tells the account and its owner.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadTotp } from '../../plugin/src/totp';
import type { ServerPaths } from '../../plugin/src/paths';
import {
  accountCreated,
  accountRemoved,
  accountRemoving,
  accountRenamed,
  renameOf,
  type LifecycleContext,
} from '../../plugin/src/lifecycle';
import { readUserState, writeUserState } from '../../plugin/src/userState';
import { readSettings, writeSettings } from '../../plugin/src/settings';
import { listAudit } from '../../plugin/src/audit';
import { reconcile } from '../../plugin/src/reconcile';
import {
  fakeCpanel,
  sentMail,
  scratchServer,
  storeSecrets,
  writeAccounts,
  writeStore,
  type FakeCpanel,
} from '../support/fakeBridge';

const T0 = 1_800_000_000;
const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const KEY2 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const STATE = { failures: 2, lockCount: 1 };

let root: string;
let paths: ServerPaths;
let cpanel: FakeCpanel;

beforeAll(loadTotp);
beforeEach(() => {
  ({ root, paths, cpanel } = scratchServer('whm2fa-lifecycle-', { teams: { new1: ['dev'] } }));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ctx = (): LifecycleContext => {
  cpanel.epochSeconds = T0;
  return { paths, cpanel, epochSeconds: T0, actor: 'root' };
};

function audit(): { action: string; result: string; actor: string; subject: string; ip: string }[] {
  return listAudit(paths, { limit: 100, visible: () => true }).reverse();
}

const stateFile = (user: string): string => join(paths.userStateDir, `${user}.json`);

describe('renameOf', () => {
  it('reads user and newuser (or new_user), only when both are valid and differ', () => {
    expect(renameOf({ user: 'old1', newuser: 'new1' })).toEqual({ from: 'old1', to: 'new1' });
    expect(renameOf({ user: 'old1', new_user: 'new1' })).toEqual({ from: 'old1', to: 'new1' });
    expect(renameOf({ user: 'old1', newuser: 'new1', new_user: 'other' })).toEqual({ from: 'old1', to: 'new1' });
    expect(renameOf({ user: 'old1', newuser: 'old1' })).toBeUndefined();
    expect(renameOf({ user: 'old1' })).toBeUndefined();
    expect(renameOf({ newuser: 'new1' })).toBeUndefined();
    expect(renameOf({ user: 'old1', newuser: 7 })).toBeUndefined();
    expect(renameOf({ user: 'Old!', newuser: 'new1' })).toBeUndefined();
    expect(renameOf({ user: 'old1', newuser: '../x' })).toBeUndefined();
  });
});

describe('accountRemoved', () => {
  it('changes nothing when the account still exists', () => {
    writeAccounts(paths, { shop1: { domains: ['shop1.example'] } });
    writeUserState(paths, 'shop1', STATE);
    expect(accountRemoved(ctx(), 'shop1')).toBe('shop1 still exists; nothing changed');
    expect(readUserState(paths, 'shop1')).toEqual(STATE);
    expect(audit()).toEqual([]);
    writeAccounts(paths, {}, ['res1']);
    expect(accountRemoved(ctx(), 'res1')).toBe('res1 still exists; nothing changed');
    expect(accountRemoved(ctx(), 'root')).toBe('root still exists; nothing changed');
  });

  it('forgets the name’s state and issuer, and removes the keys it left: its own, its team’s, its mailboxes’', () => {
    writeAccounts(paths, { other1: { domains: ['keep.example'] } });
    writeFileSync(paths.userDomains, 'sub.keep.example: other1\n*: nobody\n');
    writeUserState(paths, 'gone1', STATE);
    writeSettings(paths, { issuers: { gone1: 'Gone Co', other1: 'Other Co' } });
    const kept = {
      other1: KEY2,
      'box@keep.example': KEY,
      'box@sub.keep.example': KEY,
      'dev@other1': KEY,
      stray1: KEY2,
    };
    writeStore(paths, { ...kept, gone1: KEY, 'dev@gone1': KEY2, 'box@gone.example': KEY2 });
    reconcile(paths, T0 - 10);
    const said = '2FA entries left in cPanel’s store removed: gone1, dev@gone1, box@gone.example';
    expect(accountRemoved(ctx(), 'gone1')).toBe(said);
    expect(storeSecrets(paths)).toEqual(kept);
    expect(existsSync(stateFile('gone1'))).toBe(false);
    expect({ ...readSettings(paths).issuers }).toEqual({ other1: 'Other Co' });
    expect(cpanel.calls).toEqual([]);
    expect(audit().map((e) => [e.action, e.subject, e.actor, e.ip, e.result])).toEqual([
      ['account.remove', 'gone1', 'root', '', `account removed; ${said}`],
    ]);
    // whm2fa removed the key itself: no outside change to report.
    expect(reconcile(paths, T0 + 10)).toBe(0);
  });

  it('clears exactly the mailboxes of the domains noted before the removal, whatever their case', () => {
    writeAccounts(paths, { gone1: { domains: ['gone.example'] }, other1: { domains: ['keep.example'] } });
    writeFileSync(paths.userDomains, 'gone.example: gone1\nsub.gone.example: gone1\nkeep.example: other1\n');
    expect(accountRemoving(ctx(), 'gone1')).toBe('its domains noted: gone.example, sub.gone.example');
    // WHM removes the account: its files go, its domains are unmapped.
    rmSync(join(paths.cpanelUsersDir, 'gone1'));
    writeFileSync(paths.userDomains, 'keep.example: other1\n');
    writeFileSync(paths.trueUserOwners, 'other1: root\n');
    const kept = { 'box@keep.example': KEY, 'old@elsewhere.example': KEY2 };
    writeStore(paths, { ...kept, 'Box@Gone.Example': KEY, 'a@SUB.gone.example': KEY2, 'Dev@Gone1': KEY });
    expect(accountRemoved(ctx(), 'gone1')).toBe(
      '2FA entries left in cPanel’s store removed: Box@Gone.Example, a@SUB.gone.example, Dev@Gone1',
    );
    // A key on a domain that was never this account's is for whm2fa doctor, not this event.
    expect(storeSecrets(paths)).toEqual(kept);
  });

  it('with no key left, remembers that the name holds none', () => {
    writeStore(paths, { gone1: KEY });
    reconcile(paths, T0 - 10);
    writeStore(paths, {});
    expect(accountRemoved(ctx(), 'gone1')).toBe('no 2FA entries left in cPanel’s store');
    expect(audit().map((e) => e.result)).toEqual(['account removed; no 2FA entries left in cPanel’s store']);
    expect(reconcile(paths, T0 + 10)).toBe(0);
    expect(readSettings(paths).issuers).toEqual({});
    expect(existsSync(paths.settingsFile)).toBe(false);
  });
});

describe('accountCreated', () => {
  it('changes nothing when the account does not exist', () => {
    writeStore(paths, { new1: KEY });
    writeUserState(paths, 'new1', STATE);
    expect(accountCreated(ctx(), 'new1')).toBe('new1 does not exist; nothing changed');
    expect(storeSecrets(paths)).toEqual({ new1: KEY });
    expect(readUserState(paths, 'new1')).toEqual(STATE);
    expect(audit()).toEqual([]);
  });

  it('removes the keys an earlier holder of the name or its domains left, and forgets its records', () => {
    writeAccounts(paths, { new1: { domains: ['new.example'] }, keep1: { domains: ['keep.example'] } });
    writeFileSync(paths.userDomains, 'new.example: new1\nblog.new.example: new1\nkeep.example: keep1\n');
    const kept = { keep1: KEY2, 'box@keep.example': KEY, 'dev@keep1': KEY };
    writeStore(paths, { ...kept, new1: KEY, 'dev@new1': KEY, 'box@new.example': KEY, 'a@blog.new.example': KEY2 });
    reconcile(paths, T0 - 10);
    writeUserState(paths, 'new1', STATE);
    writeSettings(paths, { issuers: { new1: 'Old Co' } });
    const said =
      'stale 2FA entry of an earlier account of this name removed; stale email and team-user 2FA entries of an earlier holder of this name or its domains removed: dev@new1, box@new.example, a@blog.new.example';
    expect(accountCreated(ctx(), 'new1')).toBe(said);
    expect(storeSecrets(paths)).toEqual(kept);
    expect(existsSync(stateFile('new1'))).toBe(false);
    expect(readSettings(paths).issuers).toEqual({});
    expect(audit().map((e) => [e.action, e.subject, e.result])).toEqual([['account.create', 'new1', said]]);
    expect(reconcile(paths, T0 + 10)).toBe(0);
  });

  it('clears a former holder’s keys on its domains’ subdomains, never a key on another account’s domain', () => {
    writeAccounts(paths, { new1: { domains: ['new.example'] }, keep1: { domains: ['blog.new.example'] } });
    writeFileSync(paths.userDomains, 'new.example: new1\nblog.new.example: keep1\n');
    const kept = { 'a@blog.new.example': KEY };
    writeStore(paths, { ...kept, 'x@old.new.example': KEY2, 'y@NEW.example': KEY2 });
    expect(accountCreated(ctx(), 'new1')).toBe(
      'no stale 2FA entry of an earlier account of this name; stale email and team-user 2FA entries of an earlier holder of this name or its domains removed: x@old.new.example, y@NEW.example',
    );
    expect(storeSecrets(paths)).toEqual(kept);
  });

  it('a creation seen twice changes nothing more: the account’s new keys stay', () => {
    writeAccounts(paths, { new1: { domains: ['new.example'] } });
    writeFileSync(join(paths.cpanelUsersDir, 'new1'), 'USER=new1\nDNS=new.example\nSTARTDATE=1700000001\n');
    writeStore(paths, { new1: KEY2, 'box@new.example': KEY2 });
    expect(accountCreated(ctx(), 'new1')).toMatch(/removed: box@new\.example$/);
    const live = { new1: KEY, 'box@new.example': KEY, 'dev@new1': KEY };
    writeStore(paths, live);
    expect(accountCreated(ctx(), 'new1')).toBe('this creation was already handled; nothing changed');
    expect(storeSecrets(paths)).toEqual(live);
  });

  it('says so when there is no stale key, and when cPanel would not remove it', () => {
    writeAccounts(paths, { new1: {} });
    expect(accountCreated(ctx(), 'new1')).toBe('no stale 2FA entry of an earlier account of this name');
    expect(cpanel.calls).toEqual([]);
    writeStore(paths, { new1: KEY });
    cpanel.faults.push({ kind: 'refuse', reason: 'busy' });
    expect(accountCreated(ctx(), 'new1')).toBe(
      'stale 2FA entry of an earlier account of this name could not be removed (busy); see whm2fa doctor',
    );
    reconcile(paths, T0);
    cpanel.silentlyKeeps.add('new1');
    expect(accountCreated(ctx(), 'new1')).toBe(
      'stale 2FA entry of an earlier account of this name could not be removed (cPanel kept the key.); see whm2fa doctor',
    );
    // The key is still there: whm2fa must not forget it, or it would later report it as new.
    expect(reconcile(paths, T0 + 10)).toBe(0);
  });
});

describe('accountRenamed', () => {
  beforeEach(() => {
    writeAccounts(
      paths,
      {
        new1: { domains: ['new.example'], owner: 'res1', contact: 'holder@new.example' },
        res1: { domains: ['res.example'], contact: 'res@res.example' },
      },
      ['res1'],
    );
  });

  it('changes nothing when the event does not match the accounts', () => {
    writeUserState(paths, 'old1', STATE);
    writeStore(paths, { old1: KEY });
    expect(accountRenamed(ctx(), 'old1', 'ghost1')).toBe(
      'old1 → ghost1 does not match the accounts on this server; nothing changed',
    );
    expect(accountRenamed(ctx(), 'res1', 'new1')).toBe(
      'res1 → new1 does not match the accounts on this server; nothing changed',
    );
    expect(existsSync(stateFile('old1'))).toBe(true);
    expect(storeSecrets(paths)).toEqual({ old1: KEY });
    expect(cpanel.calls).toEqual([]);
    expect(audit()).toEqual([]);
  });

  it('moves whm2fa’s state and issuer, and saves the key under the new name with its team', () => {
    writeUserState(paths, 'old1', STATE);
    writeSettings(paths, { issuers: { old1: 'Old Co', res1: 'Res Co' } });
    writeStore(paths, { old1: KEY, 'dev@old1': KEY2, 'box@new.example': KEY2 });
    reconcile(paths, T0 - 10);
    const result = accountRenamed(ctx(), 'old1', 'new1');
    expect(result).toBe('2FA carried over (ok); its entry under old1 removed; team users’ keys carried over: dev@new1');
    expect(storeSecrets(paths)).toEqual({ 'box@new.example': KEY2, new1: KEY, 'dev@new1': KEY2 });
    expect(cpanel.calls).toEqual([{ fn: 'setAccountKey', user: 'new1', primary: KEY }]);
    expect(readUserState(paths, 'new1')).toEqual(STATE);
    expect(existsSync(stateFile('old1'))).toBe(false);
    expect({ ...readSettings(paths).issuers }).toEqual({ new1: 'Old Co', res1: 'Res Co' });
    expect(audit().map((e) => [e.action, e.subject, e.result])).toEqual([
      ['account.rename', 'new1', `old1 renamed to new1: ${result}`],
    ]);
    expect(sentMail(paths)).toEqual([]);
  });

  it('never sends back a key a former holder of the new name left', () => {
    writeStore(paths, {
      old1: KEY,
      'dev@old1': KEY,
      new1: KEY2,
      'dev@new1': KEY2,
      'qa@new1': KEY2,
      'box@new.example': KEY2,
    });
    expect(accountRenamed(ctx(), 'old1', 'new1')).toBe(
      '2FA carried over (ok); its entry under old1 removed; team users’ keys carried over: dev@new1',
    );
    expect(storeSecrets(paths)).toEqual({ new1: KEY, 'dev@new1': KEY, 'box@new.example': KEY2 });
  });

  it('an event seen twice changes nothing more, even after the account replaced its keys', () => {
    writeFileSync(join(paths.cpanelUsersDir, 'new1'), 'USER=new1\nDNS=new.example\nSTARTDATE=1700000001\n');
    writeStore(paths, { old1: KEY, 'dev@old1': KEY });
    expect(accountRenamed(ctx(), 'old1', 'new1')).toMatch(/^2FA carried over \(ok\)/);
    // The account replaces its device and its team user turns 2FA off; the event comes again.
    writeStore(paths, { new1: KEY2, old1: KEY, 'dev@old1': KEY });
    cpanel.calls.length = 0;
    expect(accountRenamed(ctx(), 'old1', 'new1')).toBe('old1 → new1 was already handled; nothing changed');
    expect(storeSecrets(paths)).toEqual({ new1: KEY2, old1: KEY, 'dev@old1': KEY });
    expect(cpanel.calls).toEqual([]);
    // A later account of that name (another STARTDATE) is handled as new.
    writeFileSync(join(paths.cpanelUsersDir, 'new1'), 'USER=new1\nDNS=new.example\nSTARTDATE=1700000099\n');
    expect(accountRenamed(ctx(), 'old1', 'new1')).toMatch(/^2FA carried over \(ok\)/);
    expect(storeSecrets(paths)['new1']).toBe(KEY);
  });

  it('stops when whm2fa’s state cannot follow the account, and writes no settings it did not have', () => {
    writeUserState(paths, 'old1', STATE);
    mkdirSync(join(stateFile('new1'), 'inside'), { recursive: true });
    expect(() => accountRenamed(ctx(), 'old1', 'new1')).toThrow();
    rmSync(stateFile('new1'), { recursive: true });
    writeStore(paths, { old1: KEY, new1: KEY });
    accountRenamed(ctx(), 'old1', 'new1');
    expect(existsSync(paths.settingsFile)).toBe(false);
  });

  it('with no key to carry, removes a stale key under the new name', () => {
    writeStore(paths, { new1: KEY2 });
    reconcile(paths, T0 - 10);
    expect(accountRenamed(ctx(), 'old1', 'new1')).toBe(
      'no 2FA to carry over; stale 2FA entry of an earlier account of this name removed',
    );
    expect(storeSecrets(paths)).toEqual({});
    expect(reconcile(paths, T0 + 10)).toBe(0);
    expect(accountRenamed(ctx(), 'old1', 'new1')).toBe(
      'no 2FA to carry over; no stale 2FA entry of an earlier account of this name',
    );
  });

  it('says honestly that 2FA was lost, removes the former holder’s key, and mails the account and its owner', () => {
    cpanel = fakeCpanel(paths, { noFeature: ['new1'] });
    writeStore(paths, { old1: KEY, new1: KEY2, 'box@new.example': KEY2 });
    reconcile(paths, T0 - 10);
    const result = accountRenamed(ctx(), 'old1', 'new1');
    expect(result).toBe(
      '2FA could not be carried over: not saved: cPanel refused to save the key (This feature is not enabled for your account.), and its only other call would also rewrite the two-factor keys of this account’s email accounts and team users, so whm2fa did not use it.; stale 2FA entry of an earlier account of this name removed; the account and its owner were asked to set it up again; its entry under old1 removed',
    );
    expect(storeSecrets(paths)).toEqual({ 'box@new.example': KEY2 });
    expect(audit().map((e) => e.result)).toEqual([`old1 renamed to new1: ${result}`]);
    const mail = sentMail(paths);
    expect(mail.map((m) => m.to)).toEqual(['holder@new.example', 'res@res.example']);
    expect(mail[0]?.subject).toMatch(/^Set up two-factor authentication again/);
    expect(mail[1]?.subject).toMatch(/^An account you own lost/);
    expect(mail[1]?.body).toContain('Account:  new1');
    for (const m of mail) expect(m.body).toContain('From:     the server itself');
    // whm2fa remembers that the new name holds no key.
    expect(reconcile(paths, T0 + 10)).toBe(0);
  });

  it('mails root as the owner, but not an owner without an account nor the account itself twice', () => {
    cpanel = fakeCpanel(paths, { noFeature: ['new1'] });
    writeFileSync(paths.userDomains, 'new.example: new1\n');
    mkdirWww(paths, 'CONTACTEMAIL admin@host.example');
    const owners = (owner: string): void => writeFileSync(paths.trueUserOwners, `new1: ${owner}\nres1: root\n`);
    writeStore(paths, { old1: KEY, 'box@new.example': KEY2 });
    owners('root');
    accountRenamed(ctx(), 'old1', 'new1');
    expect(sentMail(paths).map((m) => m.to)).toEqual(['holder@new.example', 'admin@host.example']);
    rmSync(join(root, 'mail.log'));
    owners('nobody9');
    writeStore(paths, { old1: KEY, 'box@new.example': KEY2 });
    accountRenamed(ctx(), 'old1', 'new1');
    expect(sentMail(paths).map((m) => m.to)).toEqual(['holder@new.example']);
    expect(audit().filter((e) => e.subject === 'nobody9')).toEqual([]);
    rmSync(join(root, 'mail.log'));
    writeFileSync(paths.trueUserOwners, 'res1: root\n');
    writeStore(paths, { old1: KEY, 'box@new.example': KEY2 });
    accountRenamed(ctx(), 'old1', 'new1');
    expect(sentMail(paths).map((m) => m.to)).toEqual(['holder@new.example']);
    rmSync(join(root, 'mail.log'));
    owners('new1');
    writeStore(paths, { old1: KEY, 'box@new.example': KEY2 });
    accountRenamed(ctx(), 'old1', 'new1');
    expect(sentMail(paths).map((m) => m.to)).toEqual(['holder@new.example']);
  });
});

function mkdirWww(p: ServerPaths, text: string): void {
  writeFileSync(p.wwwacctConf, `${text}\n`);
}
