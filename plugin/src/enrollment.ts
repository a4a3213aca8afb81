/**
 * Setting up and replacing a device. The new secret waits as a pending enrollment (10
 * minutes) until a code proves it; replacing also proves the current device. Only then
 * is the secret saved into cPanel's store, which is read back: the user is told what it
 * holds. If the key was not saved, the pending enrollment stays for another try.
 */
import { Whm2faError, badRequest, cpanelFailed } from './errors';
import { record, said, t, tell, type Said } from './messages';
import { appendAudit, appendAuditLocked, type AuditInput } from './audit';
import { readSecrets, secretOf } from './cpanelState';
import { CpanelCallError, type CpanelBridge } from './cpanel';
import { entriesOf } from './userEntries';
import { hasCpanelAccount } from './accounts';
import { expectKeyLocked, forgetExpectedLocked, rememberKeysLocked } from './reconcile';
import { issuerFor } from './issuer';
import { notify } from './notice';
import { codeAt, keyUri, loadTotp, newSecret, randomBytes } from './totp';
import { keyFingerprint } from './keyFingerprint';
import { activeLock, labelOf, livePending, readUserState, withoutPending, writeUserState } from './userState';
import { iso, lockMessage, verifyCodes } from './verification';
import { bestEffort, withLock } from './store';
import { qrSvg } from './qr';
import { makeRecoveryCodes } from './recoveryCodes';
import type { RequestContext } from './context';
import type { ServerPaths } from './paths';

/** How long a new key waits for its first code before it is dropped. */
export const PENDING_SECONDS = 10 * 60;

/** What `enroll.start` answers. */
export interface EnrollmentStart {
  readonly secret: string;
  readonly otpauthUri: string;
  readonly qrSvg: string;
  readonly account: string;
  readonly issuer: string;
  readonly expiresAt: string;
  /** Names this key without revealing it: the page sends it back with the code. */
  readonly keyId: string;
}

/**
 * Makes a new secret and keeps it pending; a previous pending one is replaced. Refused
 * with LOCKED while verification is locked: no code for the new key could be checked.
 */
export async function startEnrollment(ctx: RequestContext): Promise<EnrollmentStart> {
  const { paths, caller, epochSeconds } = ctx;
  const secret = newSecret();
  const issuer = issuerFor(paths, caller.user, caller.isReseller);
  const otpauthUri = keyUri({ issuer, account: caller.user, secret });
  const svg = await qrSvg(otpauthUri);
  const expiresAt = epochSeconds + PENDING_SECONDS;
  const keyId = Buffer.from(randomBytes(8)).toString('hex');
  withLock(paths.lockFile, () => {
    const state = readUserState(paths, caller.user);
    const locked = activeLock(state, epochSeconds);
    if (locked !== undefined) {
      throw new Whm2faError(
        'LOCKED',
        t('join.sentences', { first: lockMessage(locked), second: t('enroll.lockedNoKey') }),
        { lockedUntil: iso(locked) },
      );
    }
    const pending = { secret, createdAt: epochSeconds, expiresAt, keyId, issuer };
    writeUserState(paths, caller.user, { ...state, pending });
  });
  return {
    secret,
    otpauthUri,
    qrSvg: svg,
    account: caller.user,
    issuer,
    expiresAt: iso(expiresAt),
    keyId,
  };
}

/** What a confirmed setup did, as read back from cPanel's store. */
export interface EnrollmentOutcome {
  /** Set when the key is active but whm2fa could not finish its own records. */
  readonly warning?: string;
  /**
   * When a key was replaced: the app's name for it (its entry to delete), or null when
   * whm2fa did not save that key (e.g. it was set in cPanel's own page).
   */
  readonly replaced?: { readonly issuer: string; readonly account: string } | null;
  /**
   * The new key's recovery codes, shown this once (whm2fa keeps only their hashes);
   * missing only when whm2fa could not update its records (`warning` says so).
   */
  readonly recoveryCodes?: readonly string[];
}

/**
 * Proves the pending secret (and the current one when replacing) and saves it into cPanel.
 * With `keyId`, a code typed for a key that was since replaced (another tab started a new
 * setup) is refused as NO_PENDING before any check, so it never counts as a wrong guess.
 */
export async function confirmEnrollment(
  ctx: RequestContext,
  code: string,
  currentCode: string | undefined,
  keyId?: string,
): Promise<EnrollmentOutcome> {
  const { paths, caller, epochSeconds } = ctx;
  await loadTotp();
  const user = caller.user;
  const pending = livePending(readUserState(paths, user), epochSeconds);
  if (pending === undefined) {
    throw new Whm2faError('NO_PENDING', t('enroll.noPending'));
  }
  if (keyId !== undefined && pending.keyId !== undefined && keyId !== pending.keyId) {
    throw new Whm2faError('NO_PENDING', t('enroll.keyReplaced'));
  }
  const current = secretOf(paths, user);
  if (current !== undefined && currentCode === undefined) {
    throw badRequest(t('enroll.currentCodeRequired'));
  }
  const checks = [{ secret: pending.secret, code, field: 'code' }];
  if (current !== undefined && currentCode !== undefined)
    checks.push({ secret: current, code: currentCode, field: 'currentCode' });
  verifyCodes({ paths, user, actor: user, ip: ctx.ip, epochSeconds, checks });
  const replaced = current === undefined ? {} : { replaced: labelOf(readUserState(paths, user), current) ?? null };

  const action = current === undefined ? 'enable' : 'replace';
  const audit = (result: string): AuditInput => ({
    epochSeconds,
    actor: user,
    subject: user,
    action,
    ip: ctx.ip,
    result,
  });
  // Hashed before cPanel is called, so the state lock is not held for it.
  const recovery = makeRecoveryCodes(keyFingerprint(pending.secret));
  const saved = saveKey(ctx, user, pending.secret);
  if (!saved.ok) {
    appendAudit(paths, audit(`failed: ${saved.audit}`));
    throw cpanelFailed(saved.message);
  }
  // The key is active in cPanel from here on: whatever fails below, the user is told so.
  const recorded = bestEffort(() =>
    withLock(paths.lockFile, () => {
      const { adminRemoval: _told, keyLabel: _old, ...state } = readUserState(paths, user);
      const { issuer } = pending;
      const keyLabel =
        issuer === undefined
          ? {}
          : { keyLabel: { key: keyFingerprint(pending.secret), issuer, account: user, at: epochSeconds } };
      // The new key's recovery codes replace any earlier ones.
      writeUserState(paths, user, {
        ...(state.pending?.secret === pending.secret ? withoutPending(state) : state),
        ...keyLabel,
        recovery: recovery.set,
      });
      rememberKeysLocked(paths, new Map([[user, pending.secret]]));
      appendAuditLocked(paths, [audit(saved.audit)]);
    }),
  );
  notify(paths, {
    kind: current === undefined ? 'enabled' : 'replaced',
    user,
    actor: user,
    ip: ctx.ip,
    epochSeconds,
    ...(recorded ? { newRecoveryCodes: true } : {}),
  });
  return recorded
    ? { ...replaced, recoveryCodes: recovery.codes }
    : {
        ...replaced,
        warning: t('enroll.notRecorded'),
      };
}

/** Drops the pending enrollment, if any. */
export function cancelEnrollment(ctx: RequestContext): void {
  const { paths, caller } = ctx;
  const had = withLock(paths.lockFile, () => {
    const state = readUserState(paths, caller.user);
    if (state.pending === undefined) return false;
    writeUserState(paths, caller.user, withoutPending(state));
    return true;
  });
  if (had) {
    appendAudit(paths, {
      epochSeconds: ctx.epochSeconds,
      actor: caller.user,
      subject: caller.user,
      action: 'enroll.cancel',
      ip: ctx.ip,
      result: said('result.ok'),
    });
  }
}

/** What happened to a key whm2fa asked cPanel to save, from cPanel's store read back. */
export type SaveResult =
  | { readonly ok: true; readonly audit: string }
  | { readonly ok: false; readonly audit: string; readonly message: string };

/** Why no call may save a key, and what the reader can do about it. */
interface NoCall {
  readonly reason: Said;
  /** For root, and for a reseller (who cannot change the server). */
  readonly advice: { readonly root: Said; readonly reseller: Said };
}

const FEATURE_ADVICE = { root: said('save.adviceFeatureRoot'), reseller: said('save.adviceFeatureReseller') };

/**
 * Makes the one call that saves `secret` as `user`'s key and changes nothing else
 * (docs/decisions/one-key-writes.md). Returns why no call can serve, or undefined once a
 * call was made; a call that failed throws CpanelCallError.
 */
function callSave(
  ctx: { paths: ServerPaths; cpanel: CpanelBridge; epochSeconds: number },
  user: string,
  secret: string,
): NoCall | undefined {
  const { paths, cpanel } = ctx;
  const was = secretOf(paths, user);
  // cPanel's one-key calls want a current code for the key: whm2fa holds the key, and the
  // user proved it a moment ago, so the code is made here rather than sent twice.
  const token = (): string => codeAt(secret, ctx.epochSeconds);
  if (user === 'root') {
    cpanel.setRootKey(secret, token());
    return undefined;
  }
  if (hasCpanelAccount(paths, user)) {
    try {
      cpanel.setAccountKey(user, secret, token());
      return undefined;
    } catch (err) {
      // A refusal that changed nothing (say, the account lacks the twofactorauth feature)
      // leaves the whole-set call, where it is safe; anything else is judged by the store.
      if (!(err instanceof CpanelCallError) || !err.refused || secretOf(paths, user) !== was) throw err;
      const unsafe = wholeSetProblem(paths, cpanel, user);
      if (unsafe !== undefined) {
        const reason =
          unsafe === 'no-other-call'
            ? said('save.refusedNoOtherCall', { reason: err.reason, version: cpanel.versionText() })
            : said('save.refusedWouldRewrite', { reason: err.reason });
        return { reason, advice: FEATURE_ADVICE };
      }
    }
  } else if (!cpanel.canSetForUser()) {
    return {
      reason: said('save.noCpanelAccount', { version: cpanel.versionText() }),
      advice: { root: said('save.adviceUpdateRoot'), reseller: said('save.adviceUpdateReseller') },
    };
  }
  // A WHM user without a cPanel account has no mailboxes or team users for the purge to
  // delete (its keys under `…@user`, if any, are orphans cPanel leaves alone).
  cpanel.setKeyAlone(user, secret);
  return undefined;
}

/**
 * Why set_tfa_config_for_user may not be used for an account, or undefined. It deletes
 * the keys of the account's mailboxes and team users and writes back only what its body
 * holds, outside any lock whm2fa could hold: so it is used only when the store holds no
 * such key, and its body holds the account's own key alone.
 */
function wholeSetProblem(
  paths: ServerPaths,
  cpanel: CpanelBridge,
  user: string,
): 'no-other-call' | 'would-rewrite' | undefined {
  if (!cpanel.canSetForUser()) return 'no-other-call';
  const others = entriesOf(paths, user, readSecrets(paths));
  if (others.email.size + others.team.size > 0) return 'would-rewrite';
  return undefined;
}

/**
 * Saves `secret` as `user`'s key with a call that changes that key alone, then reads
 * cPanel's store back: the result says what it holds.
 */
export function saveKey(
  ctx: { paths: ServerPaths; cpanel: CpanelBridge; epochSeconds: number; caller?: { isRoot: boolean } },
  user: string,
  secret: string,
): SaveResult {
  const { paths } = ctx;
  // cPanel's UAPI call fires cPanel's own hook, whose comparison must not take this save
  // for an outside change (reconcile.ts). Best effort: a failure costs only that entry.
  bestEffort(() => withLock(paths.lockFile, () => expectKeyLocked(paths, user, secret, ctx.epochSeconds)));
  try {
    return saveAndReadBack(ctx, user, secret);
  } finally {
    bestEffort(() => withLock(paths.lockFile, () => forgetExpectedLocked(paths, user)));
  }
}

function saveAndReadBack(
  ctx: { paths: ServerPaths; cpanel: CpanelBridge; epochSeconds: number; caller?: { isRoot: boolean } },
  user: string,
  secret: string,
): SaveResult {
  const { paths } = ctx;
  const before = readSecrets(paths);
  let failure: CpanelCallError | undefined;
  let noCall: NoCall | undefined;
  try {
    noCall = callSave(ctx, user, secret);
  } catch (err) {
    if (!(err instanceof CpanelCallError)) throw err;
    failure = err;
  }
  let after: Map<string, string>;
  try {
    after = readSecrets(paths);
  } catch {
    return {
      ok: false,
      audit: 'unknown: cPanel’s store could not be read back',
      message: t('save.unreadable'),
    };
  }
  const was = before.get(user);
  const now = after.get(user);
  const state = t(
    now === was
      ? was === undefined
        ? 'save.stillOff'
        : 'save.stillOn'
      : now === undefined
        ? 'save.nowOff'
        : 'save.nowDifferent',
  );
  if (noCall !== undefined && now === was) {
    const advice = ctx.caller?.isRoot === true ? noCall.advice.root : noCall.advice.reseller;
    const first = t('join.sentences', { first: tell(noCall.reason), second: tell(advice) });
    return {
      ok: false,
      audit: `not saved: ${record(noCall.reason)}`,
      message: t('join.sentences', { first, second: state }),
    };
  }
  if (now === secret) {
    // What the store holds now is whm2fa's doing (the caller records the rest).
    bestEffort(() => withLock(paths.lockFile, () => rememberKeysLocked(paths, new Map([[user, secret]]))));
    const saidBy = failure === undefined ? '' : ` (cPanel said: ${failure.reason})`;
    return {
      ok: true,
      audit: failure === undefined ? 'ok' : `ok: cPanel reported a failure but saved the key${saidBy}`,
    };
  }
  const saidBy = failure === undefined ? '' : ` (cPanel said: ${failure.reason})`;
  return {
    ok: false,
    audit: `cPanel did not save the key${saidBy}${now === was ? '' : '; the account’s key changed anyway'}`,
    message: t('save.notSaved', {
      said: failure === undefined ? '' : t('cpanel.said', { reason: failure.reason }),
      state,
    }),
  };
}
