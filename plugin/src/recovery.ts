/**
 * New recovery codes on request: only with a current security code, checked by the rules
 * of every verification (verification.ts), and written in the same locked write as that
 * check, so the codes shown are the codes kept. The old codes stop working.
 */
import { Whm2faError } from './errors';
import { said, t } from './messages';
import { appendAudit } from './audit';
import { secretOf } from './cpanelState';
import { keyFingerprint } from './keyFingerprint';
import { notify } from './notice';
import { makeRecoveryCodes } from './recoveryCodes';
import { bestEffort } from './store';
import { loadTotp } from './totp';
import { verifyCodes } from './verification';
import type { RequestContext } from './context';

/** What `recovery.regenerate` answers: the new codes, shown this once. */
export interface Regenerated {
  readonly recoveryCodes: readonly string[];
  readonly warning?: string;
}

/** Replaces the caller's recovery codes with ten new ones, proving the current device first. */
export async function regenerateRecoveryCodes(ctx: RequestContext, code: string): Promise<Regenerated> {
  const { paths, caller, epochSeconds } = ctx;
  await loadTotp();
  const user = caller.user;
  const secret = secretOf(paths, user);
  if (secret === undefined) throw new Whm2faError('NOT_ENABLED', t('removal.notEnabled'));
  // Hashed before the check: the lock is then held for the check and one write only.
  const fresh = makeRecoveryCodes(keyFingerprint(secret));
  verifyCodes({
    paths,
    user,
    actor: user,
    ip: ctx.ip,
    epochSeconds,
    checks: [{ secret, code }],
    onSuccess: (state) => ({ ...state, recovery: fresh.set }),
  });
  const recorded = bestEffort(() =>
    appendAudit(paths, {
      epochSeconds,
      actor: user,
      subject: user,
      action: 'recovery.regenerate',
      ip: ctx.ip,
      result: said('result.ok'),
    }),
  );
  notify(paths, { kind: 'recovery-regenerated', user, actor: user, ip: ctx.ip, epochSeconds });
  return recorded
    ? { recoveryCodes: fresh.codes }
    : {
        recoveryCodes: fresh.codes,
        warning: t('recovery.notRecorded'),
      };
}
