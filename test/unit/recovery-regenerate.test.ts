// New recovery codes on request (plugin/src/recovery.ts) in-process: only with 2FA on and a
// current code the test computes itself; the new codes replace the old in the same write
// as the check; recorded and mailed; a broken audit trail is said, not hidden.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { regenerateRecoveryCodes } from '../../plugin/src/recovery';
import { makeRecoveryCodes, matchRecoveryCode } from '../../plugin/src/recoveryCodes';
import { keyFingerprint } from '../../plugin/src/keyFingerprint';
import { loadTotp } from '../../plugin/src/totp';
import { readUserState, writeUserState, EMPTY_STATE } from '../../plugin/src/userState';
import { listAudit } from '../../plugin/src/audit';
import { Whm2faError } from '../../plugin/src/errors';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import type { RequestContext } from '../../plugin/src/context';
import { fakeCpanel, installSendmail, sentMail, writeAccounts, writeStore } from '../support/fakeBridge';
import { totp } from '../support/rfc6238';

const T0 = 1_800_000_000;
const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let root: string;
let paths: ServerPaths;

const ctx = (epochSeconds = T0): RequestContext => ({
  paths,
  caller: { user: 'res1', isRoot: false, isReseller: true },
  ip: '192.0.2.3',
  epochSeconds,
  cpanel: fakeCpanel(paths),
});

async function refusal(work: Promise<unknown>): Promise<Whm2faError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof Whm2faError) return err;
    throw err;
  }
  throw new Error('not refused');
}

beforeAll(loadTotp);
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-regen-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  installSendmail(paths);
  writeAccounts(paths, { res1: { contact: 'res1@example.com' } }, ['res1']);
  writeStore(paths, { res1: KEY });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('regenerateRecoveryCodes', () => {
  it('refuses while 2FA is off', async () => {
    writeStore(paths, {});
    const err = await refusal(regenerateRecoveryCodes(ctx(), totp(KEY, T0)));
    expect(err.code).toBe('NOT_ENABLED');
    expect(err.message).toBe('Two-factor authentication is not turned on for this account.');
  });

  it('refuses a wrong code and keeps the old codes', async () => {
    const old = makeRecoveryCodes(keyFingerprint(KEY));
    writeUserState(paths, 'res1', { ...EMPTY_STATE, recovery: old.set });
    const wrong = totp(KEY, T0 + 600);
    const err = await refusal(regenerateRecoveryCodes(ctx(), wrong));
    expect(err.code).toBe('CODE_INVALID');
    const state = readUserState(paths, 'res1');
    expect(state.recovery).toEqual(old.set);
    expect(state.failures).toBe(1);
    expect(sentMail(paths)).toEqual([]);
  });

  it('replaces the codes with ten new ones for a current code, recorded and mailed', async () => {
    const old = makeRecoveryCodes(keyFingerprint(KEY));
    writeUserState(paths, 'res1', { ...EMPTY_STATE, recovery: old.set });
    const answer = await regenerateRecoveryCodes(ctx(), totp(KEY, T0));
    expect(answer.warning).toBeUndefined();
    expect(answer.recoveryCodes).toHaveLength(10);
    const set = readUserState(paths, 'res1').recovery;
    expect(set?.key).toBe(keyFingerprint(KEY));
    expect(matchRecoveryCode(set, keyFingerprint(KEY), answer.recoveryCodes[3] ?? '')).toEqual({
      valid: true,
      index: 3,
    });
    expect(matchRecoveryCode(set, keyFingerprint(KEY), old.codes[0] ?? '')).toEqual({ valid: false, reason: 'wrong' });
    const entries = listAudit(paths, { limit: 10, visible: () => true }).filter(
      (e) => e.action === 'recovery.regenerate',
    );
    expect(entries.map((e) => [e.actor, e.subject, e.ip, e.result, e.at])).toEqual([
      ['res1', 'res1', '192.0.2.3', 'ok', new Date(T0 * 1000).toISOString()],
    ]);
    const mails = sentMail(paths);
    expect(mails.map((m) => m.to)).toEqual(['res1@example.com']);
    for (const code of answer.recoveryCodes) expect(mails[0]?.body).not.toContain(code);
  });

  it('says so when the audit trail cannot record it, the codes still working', async () => {
    rmSync(paths.auditFile, { force: true });
    mkdirSync(paths.auditFile);
    const answer = await regenerateRecoveryCodes(ctx(), totp(KEY, T0));
    expect(answer.recoveryCodes).toHaveLength(10);
    expect(answer.warning).toBe(
      'The new recovery codes work, but whm2fa could not record this in its audit trail. Ask your host to run "whm2fa doctor".',
    );
    expect(readUserState(paths, 'res1').recovery?.codes).toHaveLength(10);
  });
});
