// Turning 2FA off, by the user or by an administrator, in-process against the fake bridge:
// the answer, the audit trail and the emails follow what cPanel's store holds afterwards.
// A recovery code confirms an administrator's removal; new codes need a current code.
import { rmSync, writeFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerPaths } from '../../plugin/src/paths';
import { removeAndReadBack, removeForUsers, removeOwn, validReason } from '../../plugin/src/removal';
import { readUserState, recoveryCodesLeft, writeUserState } from '../../plugin/src/userState';
import { makeRecoveryCodes, matchRecoveryCode } from '../../plugin/src/recoveryCodes';
import { regenerateRecoveryCodes } from '../../plugin/src/recovery';
import { keyFingerprint } from '../../plugin/src/keyFingerprint';
import { listAudit } from '../../plugin/src/audit';
import { reconcile } from '../../plugin/src/reconcile';
import { loadTotp } from '../../plugin/src/totp';
import { Whm2faError } from '../../plugin/src/errors';
import { refusal } from '../support/refusal';
import { MAX_REASON_LENGTH } from '../../plugin/src/rules';
import type { RequestContext } from '../../plugin/src/context';
import { totp } from '../support/rfc6238';
import {
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

let root: string;
let paths: ServerPaths;
let cpanel: FakeCpanel;

beforeAll(loadTotp);
beforeEach(() => {
  ({ root, paths, cpanel } = scratchServer('whm2fa-removal-'));
  writeAccounts(
    paths,
    {
      reseller1: { domains: ['shop.example'], contact: 'r1@shop.example' },
      shop1: { domains: ['shop1.example'], owner: 'reseller1', contact: 'one@shop1.example' },
      shop2: { domains: ['shop2.example'], owner: 'reseller1' },
      constructor: { domains: ['c.example'], owner: 'reseller1' },
      blog9: { domains: ['blog9.example'], owner: 'root' },
    },
    ['reseller1'],
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const reseller = { user: 'reseller1', isRoot: false, isReseller: true };
function ctx(caller = reseller, at = T0): RequestContext {
  return { paths, caller, ip: '198.51.100.7', epochSeconds: at, cpanel };
}

function audit(): { action: string; result: string; actor: string; subject: string; reason?: string }[] {
  return listAudit(paths, { limit: 100, visible: () => true }).reverse();
}

async function refusalOf(p: Promise<unknown>): Promise<Whm2faError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Whm2faError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('removeAndReadBack', () => {
  it('judges every user by the store, with cPanel’s reason, the tool’s problem, or a plain one', () => {
    writeStore(paths, { shop1: KEY, shop2: KEY, gone1: KEY });
    cpanel.silentlyKeeps.add('shop2');
    const back = removeAndReadBack(ctx(), ['shop1', 'shop2', 'gone1']);
    expect(back).toEqual({
      gone: ['shop1'],
      kept: new Map([
        ['shop2', 'cPanel kept the key.'],
        ['gone1', 'The user “gone1” does not exist.'],
      ]),
    });
    expect('callProblem' in back).toBe(false);
  });

  it('a tool that dies after removing is judged by the store; one that dies before is reported', () => {
    writeStore(paths, { shop1: KEY, shop2: KEY });
    cpanel.faults.push({ kind: 'saved-then-died', reason: 'its tool was killed (SIGKILL)' });
    expect(removeAndReadBack(ctx(), ['shop1'])).toEqual({
      gone: ['shop1'],
      kept: new Map(),
      callProblem: 'its tool was killed (SIGKILL)',
    });
    cpanel.faults.push({ kind: 'died-before', reason: 'it did not answer in time and was stopped' });
    expect(removeAndReadBack(ctx(), ['shop2'])).toEqual({
      gone: [],
      kept: new Map([['shop2', 'it did not answer in time and was stopped']]),
      callProblem: 'it did not answer in time and was stopped',
    });
    cpanel.faults.push({ kind: 'crash' });
    expect(() => removeAndReadBack(ctx(), ['shop2'])).toThrow('a bug');
  });
});

describe('removeOwn', () => {
  it('refuses when 2FA is not on, and when the code is wrong, changing nothing', async () => {
    const off = await refusalOf(removeOwn(ctx(), '123456'));
    expect(off.code).toBe('NOT_ENABLED');
    expect(off.message).toBe('Two-factor authentication is not turned on for this account.');
    writeStore(paths, { reseller1: KEY });
    const wrong = await refusalOf(removeOwn(ctx(), totp(KEY, T0 + 600)));
    expect(wrong.code).toBe('CODE_INVALID');
    expect(storeSecrets(paths)).toEqual({ reseller1: KEY });
    expect(cpanel.calls).toEqual([]);
  });

  it('removes the key, records it, remembers it and mails the user', async () => {
    writeStore(paths, { reseller1: KEY, shop1: KEY2 });
    reconcile(paths, T0 - 10);
    expect(await removeOwn(ctx(), totp(KEY, T0))).toEqual({});
    expect(storeSecrets(paths)).toEqual({ shop1: KEY2 });
    expect(audit().map((e) => [e.action, e.subject, e.result])).toEqual([['remove', 'reseller1', 'ok']]);
    expect(reconcile(paths, T0 + 10)).toBe(0);
    const mail = sentMail(paths);
    expect(mail.map((m) => m.to)).toEqual(['r1@shop.example']);
    expect(mail[0]?.subject).toMatch(/turned off/);
  });

  it('says the key is gone despite the tool failing, and notes it in the audit trail', async () => {
    writeStore(paths, { reseller1: KEY });
    cpanel.faults.push({ kind: 'saved-then-died', reason: 'its tool exited with status 255' });
    expect(await removeOwn(ctx(), totp(KEY, T0))).toEqual({});
    expect(audit().map((e) => e.result)).toEqual([
      'ok: cPanel reported its tool exited with status 255, but the key is gone',
    ]);
  });

  it('says 2FA is still on when the key stayed, with cPanel’s reason, and mails nobody', async () => {
    writeStore(paths, { reseller1: KEY });
    cpanel.faults.push({ kind: 'refuse', reason: 'Permission denied' });
    const err = await refusalOf(removeOwn(ctx(), totp(KEY, T0)));
    expect(err.code).toBe('CPANEL_FAILED');
    expect(err.message).toBe(
      'cPanel did not turn off two-factor authentication (cPanel said: Permission denied). It is still on: logging in still asks for a code.',
    );
    expect(audit().map((e) => [e.action, e.result])).toEqual([['remove', 'failed: Permission denied']]);
    expect(sentMail(paths)).toEqual([]);
  });

  it('warns when its own records fail once the key is gone, and still mails', async () => {
    writeStore(paths, { reseller1: KEY });
    reconcile(paths, T0 - 10);
    cpanel.afterWrite = () => writeFileSync(paths.knownKeysFile, '{');
    expect(await removeOwn(ctx(), totp(KEY, T0))).toEqual({
      warning:
        'Two-factor authentication is off. whm2fa could not update its own records of this change. Ask your host to run "whm2fa doctor".',
    });
    expect(storeSecrets(paths)).toEqual({});
    expect(sentMail(paths)).toHaveLength(1);
  });
});

describe('validReason', () => {
  it('strips control and format characters (a line break becomes a space), trims, and bounds the length', () => {
    expect(validReason('  lost\u0000\u001f\u007f\u001b[2Jphone\n ')).toBe('lost[2Jphone');
    expect(validReason('lost\r\nphone\tnew')).toBe('lost phone new');
    // C1 controls and format characters: a CSI, the bidi override, a zero-width space.
    expect(validReason('lost\u009b31m phone\u202egnp.exe\u200b')).toBe('lost31m phonegnp.exe');
    expect(refusal(() => validReason(' \u0001\t ')).message).toBe(
      'Give a reason for removing two-factor authentication; it is recorded and sent to the user.',
    );
    expect(validReason('x'.repeat(MAX_REASON_LENGTH))).toHaveLength(MAX_REASON_LENGTH);
    const long = refusal(() => validReason('x'.repeat(MAX_REASON_LENGTH + 1)));
    expect(long.code).toBe('BAD_REQUEST');
    expect(long.message).toBe('The reason can be at most 500 characters.');
  });
});

describe('removeForUsers', () => {
  it('checks every target first: one it may not manage changes nothing', () => {
    writeStore(paths, { shop1: KEY, blog9: KEY });
    expect(refusal(() => removeForUsers(ctx(), ['shop1', 'blog9'], 'lost phone')).code).toBe('FORBIDDEN');
    expect(refusal(() => removeForUsers(ctx(), ['reseller1'], 'lost phone')).code).toBe('FORBIDDEN');
    expect(refusal(() => removeForUsers(ctx(), ['shop1'], '  ')).code).toBe('BAD_REQUEST');
    expect(cpanel.calls).toEqual([]);
    expect(storeSecrets(paths)).toEqual({ shop1: KEY, blog9: KEY });
  });

  it('removes, records the admin removal, clears lock and setup, audits with the reason, then mails', () => {
    writeStore(paths, { shop1: KEY, shop2: KEY2 });
    reconcile(paths, T0 - 10);
    writeUserState(paths, 'shop1', {
      failures: 3,
      lockCount: 2,
      lockedUntil: T0 + 900,
      steps: { '0123456789abcdef': 5 },
      pending: { secret: KEY2, createdAt: T0, expiresAt: T0 + 600 },
    });
    const outcome = removeForUsers(ctx(), ['shop1', 'shop2', 'shop1', 'constructor'], ' lost\nphone ');
    expect(outcome).toEqual({
      removed: ['shop1', 'shop2'],
      failed: { constructor: 'Two-factor authentication is not turned on for this account.' },
      // Each removed account says whether it was emailed: shop2 has no contact address.
      mailed: ['shop1'],
      notMailed: { shop2: 'no contact address on file' },
    });
    expect(Object.getPrototypeOf(outcome.failed)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(outcome.notMailed)).toBe(Object.prototype);
    expect(cpanel.calls).toEqual([{ fn: 'removeSecrets', users: ['shop1', 'shop2'] }]);
    expect(readUserState(paths, 'shop1')).toEqual({
      steps: { '0123456789abcdef': 5 },
      failures: 0,
      lockCount: 0,
      adminRemoval: { by: 'reseller1', at: T0, reason: 'lost phone' },
    });
    expect(reconcile(paths, T0 + 10)).toBe(0);
    // The audit entries come before the mail's own entry (shop2 has no contact address).
    expect(audit().map((e) => [e.action, e.subject, e.actor, e.result, e.reason])).toEqual([
      ['admin.remove', 'shop1', 'reseller1', 'ok: identity not confirmed (no recovery code)', 'lost phone'],
      ['admin.remove', 'shop2', 'reseller1', 'ok: identity not confirmed (no recovery code)', 'lost phone'],
      ['mail', 'shop2', 'reseller1', 'not sent: no contact address on file', undefined],
    ]);
    const mail = sentMail(paths);
    expect(mail.map((m) => m.to)).toEqual(['one@shop1.example']);
    expect(mail[0]?.subject).toMatch(/removed from your account/);
    expect(mail[0]?.body).toContain('Reason:   lost phone');
  });

  it('reports each account cPanel could not serve, and records nothing for the others', () => {
    writeStore(paths, { shop1: KEY, shop2: KEY2 });
    cpanel.silentlyKeeps.add('shop2');
    const outcome = removeForUsers(ctx(), ['shop1', 'shop2'], 'lost phone');
    expect(outcome).toEqual({
      removed: ['shop1'],
      failed: { shop2: 'cPanel kept the key.' },
      mailed: ['shop1'],
      notMailed: {},
    });
    expect(readUserState(paths, 'shop2').adminRemoval).toBeUndefined();
    expect(audit().map((e) => [e.subject, e.result])).toEqual([
      ['shop1', 'ok: identity not confirmed (no recovery code)'],
      ['shop2', 'failed: cPanel kept the key.'],
    ]);
  });

  it('calls nobody when no target has 2FA, and lets root use allowSelf at the command line', () => {
    expect(removeForUsers(ctx(), ['shop1'], 'why')).toEqual({
      removed: [],
      failed: { shop1: 'Two-factor authentication is not turned on for this account.' },
      mailed: [],
      notMailed: {},
    });
    expect(cpanel.calls).toEqual([]);
    expect(audit()).toEqual([]);
    writeStore(paths, { root: KEY });
    const rootCaller = { user: 'root', isRoot: true, isReseller: false };
    expect(refusal(() => removeForUsers(ctx(rootCaller), ['root'], 'ssh')).code).toBe('FORBIDDEN');
    expect(removeForUsers(ctx(rootCaller), ['root'], 'ssh', { allowSelf: true }).removed).toEqual(['root']);
  });

  it('warns when its own records fail, after the keys are gone', () => {
    writeStore(paths, { shop1: KEY });
    reconcile(paths, T0 - 10);
    cpanel.afterWrite = () => writeFileSync(paths.knownKeysFile, '[');
    expect(removeForUsers(ctx(), ['shop1'], 'lost phone')).toEqual({
      removed: ['shop1'],
      failed: {},
      mailed: ['shop1'],
      notMailed: {},
      warning: 'whm2fa could not update its own records of this change. Ask your host to run "whm2fa doctor".',
    });
    expect(sentMail(paths)).toHaveLength(1);
  });
});

describe('removal with a recovery code', () => {
  const rootCaller = { user: 'root', isRoot: true, isReseller: false };
  const giveCodes = (user: string, secret: string): string[] => {
    const made = makeRecoveryCodes(keyFingerprint(secret));
    writeUserState(paths, user, { failures: 0, lockCount: 0, recovery: made.set });
    return made.codes;
  };
  const left = (user: string, secret: string): number | null => recoveryCodesLeft(readUserState(paths, user), secret);

  it('confirms, spends the code, drops the others, and says so in the audit trail and the mail', () => {
    writeStore(paths, { shop1: KEY });
    const codes = giveCodes('shop1', KEY);
    const outcome = removeForUsers(ctx(), ['shop1'], undefined, { recoveryCode: codes[4]?.toLowerCase() });
    expect(outcome).toEqual({ removed: ['shop1'], failed: {}, mailed: ['shop1'], notMailed: {} });
    expect(storeSecrets(paths)['shop1']).toBeUndefined();
    expect(readUserState(paths, 'shop1')).toEqual({
      failures: 0,
      lockCount: 0,
      adminRemoval: { by: 'reseller1', at: T0, reason: '' },
    });
    expect(audit().map((e) => [e.action, e.result, e.reason])).toEqual([
      ['admin.remove', 'ok: identity confirmed with a recovery code', undefined],
    ]);
    const body = sentMail(paths)[0]?.body ?? '';
    expect(body).toContain('Identity: confirmed with one of your recovery codes');
    expect(body).not.toContain('Reason:');
    for (const code of codes) expect(body).not.toContain(code);
  });

  it('says “not confirmed” in the mail of a removal without one', () => {
    writeStore(paths, { shop1: KEY });
    giveCodes('shop1', KEY);
    removeForUsers(ctx(), ['shop1'], 'lost phone');
    expect(sentMail(paths)[0]?.body).toContain('Identity: not confirmed with a recovery code');
    expect(readUserState(paths, 'shop1').recovery).toBeUndefined();
  });

  it('refuses a wrong code before anything changes, counting it for the account', () => {
    writeStore(paths, { shop1: KEY });
    const codes = giveCodes('shop1', KEY);
    const wrong = (codes[0] ?? '').startsWith('A') ? `B${(codes[0] ?? '').slice(1)}` : `A${(codes[0] ?? '').slice(1)}`;
    const err = refusal(() => removeForUsers(ctx(), ['shop1'], 'x', { recoveryCode: wrong }));
    expect(err.code).toBe('CODE_INVALID');
    expect(err.fields).toEqual(['recoveryCode']);
    expect(cpanel.calls).toEqual([]);
    expect(readUserState(paths, 'shop1').failures).toBe(1);
    expect(audit().map((e) => [e.actor, e.subject, e.action, e.result])).toEqual([
      ['reseller1', 'shop1', 'verify', 'failed: wrong recovery code (1 of 5)'],
    ]);
  });

  it('checks who may manage the account before the code: nothing counted, nothing spent', () => {
    writeStore(paths, { blog9: KEY });
    const codes = giveCodes('blog9', KEY);
    expect(refusal(() => removeForUsers(ctx(), ['blog9'], undefined, { recoveryCode: codes[0] })).code).toBe(
      'FORBIDDEN',
    );
    expect(readUserState(paths, 'blog9').failures).toBe(0);
    expect(left('blog9', KEY)).toBe(10);
  });

  it('takes one account only, and needs a reason without a code', () => {
    writeStore(paths, { shop1: KEY, shop2: KEY2 });
    const codes = giveCodes('shop1', KEY);
    expect(refusal(() => removeForUsers(ctx(), ['shop1', 'shop2'], 'x', { recoveryCode: codes[0] })).message).toMatch(
      /exactly one account/,
    );
    expect(refusal(() => removeForUsers(ctx(), ['shop1'], undefined)).code).toBe('BAD_REQUEST');
    expect(refusal(() => removeForUsers(ctx(), ['shop1'], '', { recoveryCode: ' ' })).code).toBe('BAD_REQUEST');
    expect(cpanel.calls).toEqual([]);
    expect(left('shop1', KEY)).toBe(10);
  });

  it('spends the code even when cPanel keeps the key: it was told to someone', () => {
    writeStore(paths, { shop1: KEY });
    const codes = giveCodes('shop1', KEY);
    cpanel.silentlyKeeps.add('shop1');
    expect(removeForUsers(ctx(rootCaller), ['shop1'], undefined, { recoveryCode: codes[1] }).failed).toEqual({
      shop1: 'cPanel kept the key.',
    });
    expect(left('shop1', KEY)).toBe(9);
    expect(refusal(() => removeForUsers(ctx(rootCaller), ['shop1'], 'x', { recoveryCode: codes[1] })).code).toBe(
      'CODE_INVALID',
    );
  });

  it('the user’s own removal drops the codes too', async () => {
    writeStore(paths, { reseller1: KEY });
    giveCodes('reseller1', KEY);
    await removeOwn(ctx(reseller, T0), totp(KEY, T0));
    expect(readUserState(paths, 'reseller1').recovery).toBeUndefined();
  });
});

describe('new recovery codes', () => {
  it('need a current security code, checked and counted; then the old codes stop working', async () => {
    writeStore(paths, { reseller1: KEY });
    const first = await regenerateRecoveryCodes(ctx(reseller, T0), totp(KEY, T0));
    expect(first.recoveryCodes).toHaveLength(10);
    const wrong = totp(KEY, T0 + 600);
    expect((await refusalOf(regenerateRecoveryCodes(ctx(reseller, T0 + 30), wrong))).code).toBe('CODE_INVALID');
    expect(readUserState(paths, 'reseller1').failures).toBe(1);
    expect((await refusalOf(regenerateRecoveryCodes(ctx(reseller, T0 + 5), totp(KEY, T0)))).code).toBe('CODE_REPLAYED');
    const second = await regenerateRecoveryCodes(ctx(reseller, T0 + 30), totp(KEY, T0 + 30));
    const set = readUserState(paths, 'reseller1').recovery;
    const fp = keyFingerprint(KEY);
    expect(matchRecoveryCode(set, fp, first.recoveryCodes[0] ?? '')).toEqual({ valid: false, reason: 'wrong' });
    expect(matchRecoveryCode(set, fp, second.recoveryCodes[0] ?? '')).toEqual({ valid: true, index: 0 });
    expect(audit().filter((e) => e.action === 'recovery.regenerate')).toHaveLength(2);
    expect(sentMail(paths).map((m) => m.subject)).toEqual([
      expect.stringMatching(/^New recovery codes were made/),
      expect.stringMatching(/^New recovery codes were made/),
    ]);
  });

  it('are refused without 2FA', async () => {
    expect((await refusalOf(regenerateRecoveryCodes(ctx(), '123456'))).code).toBe('NOT_ENABLED');
  });
});
