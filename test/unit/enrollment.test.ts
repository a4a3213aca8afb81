// Setting up and replacing a device, and saveKey's read-back of cPanel's store, in-process
// against the fake bridge (test/support/fakeBridge.ts). Every message the user reads must
// say what the store holds, whatever the tool answered.
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerPaths } from '../../plugin/src/paths';
import {
  PENDING_SECONDS,
  cancelEnrollment,
  confirmEnrollment,
  saveKey,
  startEnrollment,
} from '../../plugin/src/enrollment';
import { readUserState, writeUserState } from '../../plugin/src/userState';
import { listAudit } from '../../plugin/src/audit';
import { reconcile } from '../../plugin/src/reconcile';
import { statusDetails } from '../../plugin/src/accountStatus';
import { loadTotp } from '../../plugin/src/totp';
import { Whm2faError } from '../../plugin/src/errors';
import { CpanelCallError } from '../../plugin/src/cpanel';
import type { RequestContext } from '../../plugin/src/context';
import { totp } from '../support/rfc6238';
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
const OLD = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const NEW = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const OTHER = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';

let root: string;
let paths: ServerPaths;
let cpanel: FakeCpanel;

beforeAll(loadTotp);
beforeEach(() => {
  ({ root, paths, cpanel } = scratchServer('whm2fa-enroll-', {
    mailboxes: { reseller1: ['info@shop.example', 'a@shop.example'] },
    teams: { reseller1: ['dev'], new1: ['dev', 'ops'] },
  }));
  writeAccounts(
    paths,
    {
      reseller1: { domains: ['shop.example'], contact: 'owner@shop.example' },
      new1: { domains: ['new.example'] },
    },
    ['reseller1'],
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function ctx(at = T0, user = 'reseller1', isRoot = false): RequestContext {
  cpanel.epochSeconds = at;
  return { paths, caller: { user, isRoot, isReseller: user !== 'root' }, ip: '198.51.100.7', epochSeconds: at, cpanel };
}

/** The key id the tests give a pending secret (whm2fa makes a random one). */
const KEY_ID = '0123456789abcdef';

function pend(secret: string, at = T0, user = 'reseller1'): void {
  writeUserState(paths, user, {
    failures: 0,
    lockCount: 0,
    pending: { secret, createdAt: at, expiresAt: at + 600, keyId: KEY_ID },
  });
}

async function refusal(p: Promise<unknown>): Promise<Whm2faError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Whm2faError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

function audit(): { action: string; result: string; actor: string; subject: string }[] {
  return listAudit(paths, { limit: 100, visible: () => true }).reverse();
}

describe('startEnrollment', () => {
  it('keeps a new secret pending for 10 minutes and names it by keyId, with the issuer in the URI', async () => {
    mkdirSync(join(root, 'var/cpanel/authn/twofactor_auth'), { recursive: true });
    writeFileSync(paths.issuerUserdata, JSON.stringify({ system_wide_issuer: 'Host Co' }));
    const started = await startEnrollment(ctx());
    expect(PENDING_SECONDS).toBe(600);
    const state = readUserState(paths, 'reseller1');
    expect(state.pending).toEqual({
      secret: started.secret,
      createdAt: T0,
      expiresAt: T0 + 600,
      keyId: started.keyId,
      issuer: 'Host Co',
    });
    expect(started.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(started.keyId).not.toBe((await startEnrollment(ctx())).keyId);
    expect(started.expiresAt).toBe(new Date((T0 + 600) * 1000).toISOString());
    expect(started.account).toBe('reseller1');
    expect(started.issuer).toBe('Host Co');
    expect(started.otpauthUri).toContain(`secret=${started.secret}`);
    expect(started.otpauthUri).toContain('issuer=Host%20Co');
    expect(started.qrSvg).toMatch(/^<svg/);
    expect(cpanel.calls).toEqual([]);
  });

  it('makes no key while verification is locked: nothing could confirm it', async () => {
    pend(NEW);
    const locked = readUserState(paths, 'reseller1');
    writeUserState(paths, 'reseller1', { ...locked, lockCount: 1, lockedUntil: T0 + 300 });
    const err = await refusal(startEnrollment(ctx(T0 + 10)));
    expect(err.code).toBe('LOCKED');
    expect(err.lockedUntil).toBe(new Date((T0 + 300) * 1000).toISOString());
    expect(readUserState(paths, 'reseller1').pending?.secret).toBe(NEW);
    // The lock's last second still refuses; once it is over, a key is made.
    expect((await refusal(startEnrollment(ctx(T0 + 299)))).code).toBe('LOCKED');
    expect((await startEnrollment(ctx(T0 + 300))).secret).not.toBe(NEW);
  });
});

describe('the name an app shows for each key', () => {
  const issuer = (name: string): void => {
    mkdirSync(join(root, 'var/cpanel/authn/twofactor_auth'), { recursive: true });
    writeFileSync(paths.issuerUserdata, JSON.stringify({ system_wide_issuer: name }));
  };
  const enroll = async (at: number, current?: string) => {
    const started = await startEnrollment(ctx(at));
    const outcome = await confirmEnrollment(
      ctx(at + 30),
      totp(started.secret, at + 30),
      current === undefined ? undefined : totp(current, at + 30),
      started.keyId,
    );
    return { secret: started.secret, outcome };
  };

  it('a replace names the old key as it was set up, not under the issuer of today', async () => {
    issuer('vm');
    const first = await enroll(T0);
    expect(first.outcome).toEqual({ recoveryCodes: expect.any(Array) });
    expect(statusDetails(paths, 'reseller1', true, T0 + 40).keyLabel).toEqual({
      issuer: 'vm',
      account: 'reseller1',
      at: new Date((T0 + 30) * 1000).toISOString(),
    });
    issuer('Acme Hosting');
    const second = await enroll(T0 + 120, first.secret);
    expect(second.outcome).toEqual({
      replaced: { issuer: 'vm', account: 'reseller1' },
      recoveryCodes: expect.any(Array),
    });
    expect(statusDetails(paths, 'reseller1', true, T0 + 200).keyLabel).toMatchObject({ issuer: 'Acme Hosting' });
    expect(statusDetails(paths, 'reseller1', false, T0 + 200).keyLabel).toBeNull();
  });

  it('a key whm2fa did not save (e.g. set in cPanel’s own page) has no name', async () => {
    issuer('vm');
    const first = await enroll(T0);
    writeStore(paths, { reseller1: OTHER });
    expect(statusDetails(paths, 'reseller1', true, T0 + 60).keyLabel).toBeNull();
    const second = await enroll(T0 + 120, OTHER);
    expect(second.outcome).toEqual({ replaced: null, recoveryCodes: expect.any(Array) });
    expect(second.secret).not.toBe(first.secret);
  });
});

describe('cancelEnrollment', () => {
  it('drops the pending key and records it; with nothing pending it records nothing', () => {
    cancelEnrollment(ctx());
    expect(audit()).toEqual([]);
    pend(NEW);
    cancelEnrollment(ctx());
    expect(readUserState(paths, 'reseller1').pending).toBeUndefined();
    expect(audit().map((e) => [e.action, e.result, e.subject])).toEqual([['enroll.cancel', 'ok', 'reseller1']]);
  });
});

describe('confirmEnrollment', () => {
  it('refuses with NO_PENDING when nothing is pending or it expired, before any check', async () => {
    expect((await refusal(confirmEnrollment(ctx(), totp(NEW, T0), undefined))).code).toBe('NO_PENDING');
    pend(NEW, T0 - 600);
    const expired = await refusal(confirmEnrollment(ctx(), totp(NEW, T0), undefined));
    expect(expired.code).toBe('NO_PENDING');
    expect(expired.message).toMatch(/expired after 10 minutes/);
    expect(cpanel.calls).toEqual([]);
  });

  it('refuses a code for a replaced key as NO_PENDING without counting it as a wrong guess', async () => {
    pend(NEW);
    const err = await refusal(confirmEnrollment(ctx(), '000000', undefined, 'fedcba9876543210'));
    expect(err.code).toBe('NO_PENDING');
    expect(err.message).toMatch(/replaced by a newer setup/);
    expect(readUserState(paths, 'reseller1').failures).toBe(0);
    expect(audit()).toEqual([]);
  });

  it('checks the code of a setup started before keys had ids, whatever id the page sends', async () => {
    writeUserState(paths, 'reseller1', {
      failures: 0,
      lockCount: 0,
      pending: { secret: NEW, createdAt: T0, expiresAt: T0 + 600 },
    });
    const err = await refusal(confirmEnrollment(ctx(), '000000', undefined, 'fedcba9876543210'));
    // Checked (and wrong), not refused as a replaced key.
    expect(err.code).toBe('CODE_INVALID');
    expect(readUserState(paths, 'reseller1').failures).toBe(1);
  });

  it('turns 2FA on: the key is saved, the pending setup and the admin-removal note go, audit and mail follow', async () => {
    reconcile(paths, T0 - 100); // the baseline of what cPanel's store held
    writeUserState(paths, 'reseller1', {
      failures: 0,
      lockCount: 0,
      pending: { secret: NEW, createdAt: T0, expiresAt: T0 + 600, keyId: KEY_ID },
      adminRemoval: { by: 'root', at: T0 - 50, reason: 'lost phone' },
    });
    const outcome = await confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 10), undefined, KEY_ID);
    expect(Object.keys(outcome)).toEqual(['recoveryCodes']);
    expect(outcome.recoveryCodes).toHaveLength(10);
    expect(storeSecrets(paths)['reseller1']).toBe(NEW);
    const state = readUserState(paths, 'reseller1');
    expect(state.pending).toBeUndefined();
    expect(state.adminRemoval).toBeUndefined();
    // The new key's codes, kept as hashes only.
    expect(statusDetails(paths, 'reseller1', true, T0 + 20).recoveryCodesLeft).toBe(10);
    expect(state.recovery?.codes).toHaveLength(10);
    for (const code of outcome.recoveryCodes ?? []) expect(JSON.stringify(state)).not.toContain(code);
    expect(audit().map((e) => [e.action, e.result])).toEqual([['enable', 'ok']]);
    // whm2fa remembered its own change: reconcile sees no outside change.
    expect(reconcile(paths, T0 + 20)).toBe(0);
    const mail = sentMail(paths);
    expect(mail.map((m) => m.to)).toEqual(['owner@shop.example']);
    expect(mail[0]?.subject).toMatch(/was turned on/);
    expect(mail[0]?.body).toContain('New recovery codes were made');
    for (const code of outcome.recoveryCodes ?? []) expect(mail[0]?.body).not.toContain(code);
  });

  it('asks for the current code before replacing a device, and checks both', async () => {
    writeStore(paths, { reseller1: OLD });
    pend(NEW);
    const missing = await refusal(confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 10), undefined));
    expect(missing.code).toBe('BAD_REQUEST');
    expect(missing.message).toMatch(/current security code/);
    const wrong = await refusal(confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 10), totp(OLD, T0 + 300)));
    expect(wrong.code).toBe('CODE_INVALID');
    expect(storeSecrets(paths)['reseller1']).toBe(OLD);
    expect(cpanel.calls).toEqual([]);
    await confirmEnrollment(ctx(T0 + 40), totp(NEW, T0 + 40), totp(OLD, T0 + 40));
    expect(storeSecrets(paths)['reseller1']).toBe(NEW);
    expect(
      audit()
        .filter((e) => e.action === 'replace')
        .map((e) => e.result),
    ).toEqual(['ok']);
    expect(sentMail(paths)[0]?.subject).toMatch(/device was replaced/);
  });

  it('keeps the pending key and says so when cPanel did not save it', async () => {
    pend(NEW);
    cpanel.faults.push({ kind: 'died-before', reason: 'it did not answer in time and was stopped' });
    const err = await refusal(confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 10), undefined));
    expect(err.code).toBe('CPANEL_FAILED');
    expect(err.message).toBe(
      'cPanel did not save the new key (cPanel said: it did not answer in time and was stopped). Two-factor authentication is still off.',
    );
    expect(readUserState(paths, 'reseller1').pending?.secret).toBe(NEW);
    expect(
      audit()
        .filter((e) => e.action === 'enable')
        .map((e) => e.result),
    ).toEqual(['failed: cPanel did not save the key (cPanel said: it did not answer in time and was stopped)']);
    expect(sentMail(paths)).toEqual([]);
  });

  it('says 2FA is on but warns when its own records fail after the save', async () => {
    pend(NEW);
    cpanel.afterWrite = () => writeFileSync(join(paths.userStateDir, 'reseller1.json'), '{"failures":');
    const outcome = await confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 10), undefined);
    expect(outcome.warning).toBe(
      'Two-factor authentication is on with the new device, but whm2fa could not update its own records, so it made no recovery codes. Ask your host to run "whm2fa doctor", then make new recovery codes.',
    );
    // Codes that were not kept are not shown: they would never work.
    expect(outcome.recoveryCodes).toBeUndefined();
    expect(storeSecrets(paths)['reseller1']).toBe(NEW);
    expect(sentMail(paths)).toHaveLength(1);
  });

  it('leaves a newer setup started in another tab while the key was being saved', async () => {
    pend(NEW);
    cpanel.afterWrite = () => pend(OTHER, T0 + 11);
    await confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 10), undefined);
    expect(readUserState(paths, 'reseller1').pending?.secret).toBe(OTHER);
  });
});

describe('confirmEnrollment, every code checked', () => {
  it('refuses a wrong code for the new key, naming its field, and saves nothing', async () => {
    pend(NEW);
    const err = await refusal(confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 300), undefined));
    expect(err.code).toBe('CODE_INVALID');
    expect(err.fields).toEqual(['code']);
    expect(cpanel.calls).toEqual([]);
    writeStore(paths, { reseller1: OLD });
    const both = await refusal(confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 300), totp(OLD, T0 + 300)));
    expect(both.fields).toEqual(['code', 'currentCode']);
  });

  it('ignores a current code sent when 2FA is off', async () => {
    pend(NEW);
    expect(await confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 10), '123456')).toEqual({
      recoveryCodes: expect.any(Array),
    });
    expect(storeSecrets(paths)['reseller1']).toBe(NEW);
  });

  it('finishes its records when the setup was cancelled in another tab meanwhile', async () => {
    pend(NEW);
    cpanel.afterWrite = () => writeUserState(paths, 'reseller1', { failures: 0, lockCount: 0 });
    expect(await confirmEnrollment(ctx(T0 + 10), totp(NEW, T0 + 10), undefined)).toEqual({
      recoveryCodes: expect.any(Array),
    });
  });
});

describe('saveKey', () => {
  const save = (user = 'reseller1', secret = NEW, isRoot?: boolean) => {
    cpanel.epochSeconds = T0;
    return saveKey(
      { paths, cpanel, epochSeconds: T0, ...(isRoot === undefined ? {} : { caller: { isRoot } }) },
      user,
      secret,
    );
  };
  const MAILBOX_AND_TEAM = {
    reseller1: OLD,
    'info@shop.example': OTHER,
    'dev@reseller1': OLD,
    'dev@new1': OTHER,
  };

  it('saves an account’s key with the one-key call, a current code for the key, and nothing else', () => {
    writeStore(paths, MAILBOX_AND_TEAM);
    expect(save()).toEqual({ ok: true, audit: 'ok' });
    expect(cpanel.calls).toEqual([{ fn: 'setAccountKey', user: 'reseller1', primary: NEW }]);
    expect(storeSecrets(paths)).toEqual({ ...MAILBOX_AND_TEAM, reseller1: NEW });
  });

  it('saves root’s key with root’s own call, and nothing else', () => {
    writeStore(paths, MAILBOX_AND_TEAM);
    expect(save('root', NEW, true)).toEqual({ ok: true, audit: 'ok' });
    expect(cpanel.calls).toEqual([{ fn: 'setRootKey', user: 'root', primary: NEW }]);
    expect(storeSecrets(paths)).toEqual({ ...MAILBOX_AND_TEAM, root: NEW });
  });

  it('uses the whole-set call for a WHM user without a cPanel account, with its own key alone', () => {
    writeFileSync(paths.resellers, 'reseller1:list-accts\nnodomain:list-accts\n');
    writeStore(paths, MAILBOX_AND_TEAM);
    expect(save('nodomain')).toEqual({ ok: true, audit: 'ok' });
    expect(cpanel.calls).toEqual([{ fn: 'setKeyAlone', user: 'nodomain', primary: NEW }]);
    expect(storeSecrets(paths)).toEqual({ ...MAILBOX_AND_TEAM, nodomain: NEW });
  });

  it('falls back to the whole-set call when the feature is missing and nothing else could be touched', () => {
    cpanel = fakeCpanel(paths, { noFeature: ['new1'] });
    writeStore(paths, { reseller1: OLD, 'info@shop.example': OTHER });
    expect(save('new1')).toEqual({ ok: true, audit: 'ok' });
    expect(cpanel.calls.map((c) => c.fn)).toEqual(['setAccountKey', 'setKeyAlone']);
    expect(storeSecrets(paths)).toEqual({ reseller1: OLD, 'info@shop.example': OTHER, new1: NEW });
  });

  it('refuses, changing nothing, when only the whole-set call is left and the account has other keys', () => {
    cpanel = fakeCpanel(paths, { noFeature: ['reseller1'] });
    writeStore(paths, MAILBOX_AND_TEAM);
    const result = save();
    expect(cpanel.calls.map((c) => c.fn)).toEqual(['setAccountKey']);
    const why =
      'cPanel refused to save the key (This feature is not enabled for your account.), and its only other call would also rewrite the two-factor keys of this account’s email accounts and team users, so whm2fa did not use it.';
    expect(result).toEqual({
      ok: false,
      audit: `not saved: ${why}`,
      message: `${why} Ask your host to turn on the Two-Factor Authentication feature for your account, then try again. Two-factor authentication is still on with your current device.`,
    });
    expect(storeSecrets(paths)).toEqual(MAILBOX_AND_TEAM);
    const asRoot = save('reseller1', NEW, true);
    expect(asRoot.ok === false && asRoot.message.includes('in WHM’s Feature Manager), then try again.')).toBe(true);
  });

  it('counts a team key alone as a reason not to use the whole-set call', () => {
    cpanel = fakeCpanel(paths, { noFeature: ['new1'] });
    writeStore(paths, { 'ops@new1': OLD });
    expect(save('new1').ok).toBe(false);
    expect(cpanel.calls.map((c) => c.fn)).toEqual(['setAccountKey']);
    expect(storeSecrets(paths)).toEqual({ 'ops@new1': OLD });
  });

  it('changes nothing for a name that is no longer a WHM user: cPanel refuses the whole-set call', () => {
    // The fake answers as cPanel does (its `accountexists` check), not as whm2fa hopes.
    writeStore(paths, { 'ops@gone1': OLD });
    const result = save('gone1');
    expect(cpanel.calls).toEqual([{ fn: 'setKeyAlone', user: 'gone1', primary: NEW }]);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.audit).toMatch(/Invalid user: gone1/);
    expect(storeSecrets(paths)).toEqual({ 'ops@gone1': OLD });
  });

  it('sends a WHM user without a cPanel account its own key alone, whatever keys sit under its name', () => {
    writeFileSync(paths.resellers, 'reseller1:list-accts\nnodomain:list-accts\n');
    writeStore(paths, { 'ops@nodomain': OLD });
    expect(save('nodomain')).toEqual({ ok: true, audit: 'ok' });
    expect(cpanel.calls).toEqual([{ fn: 'setKeyAlone', user: 'nodomain', primary: NEW }]);
  });

  it('on cPanel 11.120 saves through the one-key calls, and refuses a user no call can serve', () => {
    cpanel = fakeCpanel(paths, { version: [11, 120] });
    expect(save('reseller1').ok).toBe(true);
    expect(save('root', OTHER, true).ok).toBe(true);
    writeFileSync(paths.resellers, 'reseller1:list-accts\nnodomain:list-accts\n');
    const calls = cpanel.calls.length;
    const asRoot = save('nodomain', NEW, true);
    const why =
      'This WHM account has no cPanel account, and cPanel 11.120 has no call that saves its key without putting it on a command line every local user can read (twofactorauth_set_tfa_config_for_user needs cPanel 11.122 or newer).';
    expect(asRoot).toEqual({
      ok: false,
      audit: `not saved: ${why}`,
      message: `${why} Update cPanel to 11.122 or newer. Two-factor authentication is still off.`,
    });
    const asReseller = save('nodomain', NEW, false);
    expect(asReseller.ok === false && asReseller.message.includes('Ask your host to update cPanel.')).toBe(true);
    expect(cpanel.calls).toHaveLength(calls);
    expect(storeSecrets(paths)['nodomain']).toBeUndefined();
  });

  it('does not retry a refusal that changed the store, nor a failure that is not a refusal', () => {
    writeStore(paths, { reseller1: OLD });
    cpanel.faults.push({ kind: 'died-before', reason: 'its tool was killed (SIGKILL)' });
    expect(save()).toEqual({
      ok: false,
      audit: 'cPanel did not save the key (cPanel said: its tool was killed (SIGKILL))',
      message:
        'cPanel did not save the new key (cPanel said: its tool was killed (SIGKILL)). Two-factor authentication is still on with your current device.',
    });
    expect(cpanel.calls).toHaveLength(1);
  });

  it('does not take a programming error for cPanel’s answer', () => {
    cpanel.faults.push({ kind: 'crash' });
    expect(() => save()).toThrow('a bug, not a cPanel failure');
  });

  it('reports a key saved despite the tool failing', () => {
    cpanel.faults.push({ kind: 'saved-then-died', reason: 'its tool was killed (SIGKILL)' });
    expect(save()).toEqual({
      ok: true,
      audit: 'ok: cPanel reported a failure but saved the key (cPanel said: its tool was killed (SIGKILL))',
    });
  });

  it('says what the store holds when the key was not saved but the account’s key changed anyway', () => {
    writeStore(paths, { reseller1: OLD });
    cpanel.faults.push({ kind: 'died-before', reason: 'no' });
    cpanel.setAccountKey = (user, secret, token) => {
      writeStore(paths, {});
      throw new CpanelCallError(`no (${user} ${String(secret.length)} ${String(token.length)})`, false);
    };
    expect(save()).toEqual({
      ok: false,
      audit: 'cPanel did not save the key (cPanel said: no (reseller1 32 6)); the account’s key changed anyway',
      message:
        'cPanel did not save the new key (cPanel said: no (reseller1 32 6)). cPanel now shows two-factor authentication OFF for this account: set it up again.',
    });
  });

  it('says when cPanel holds a different key than the one scanned', () => {
    writeStore(paths, { reseller1: OLD });
    const original = cpanel.setAccountKey.bind(cpanel);
    cpanel.setAccountKey = (user, _secret, _token) => original(user, OTHER, totp(OTHER, T0));
    expect(save()).toEqual({
      ok: false,
      audit: 'cPanel did not save the key; the account’s key changed anyway',
      message:
        'cPanel did not save the new key. cPanel now holds a different key for this account than the one you scanned: set it up again.',
    });
  });

  it('cannot tell, and says so, when the store cannot be read back', () => {
    cpanel.afterWrite = () => writeFileSync(paths.tfaUserdata, '{"reseller1": ');
    expect(save()).toEqual({
      ok: false,
      audit: 'unknown: cPanel’s store could not be read back',
      message:
        "whm2fa asked cPanel to save the new key but could not read cPanel's two-factor data back, so it cannot tell whether the new key is active. Reload the page to see the current state, and ask your host to check the server.",
    });
  });
});
