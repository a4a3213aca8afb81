/**
 * The JSON API's actions (docs/api.md): each checks its parameters, then calls the module
 * that owns the work. Authorization for targets lives in those modules, so the command
 * line gets the same rules.
 */
import { badRequest } from '../errors';
import { t } from '../messages';
import { auditVisibility, manageableAccounts } from '../access';
import {
  countCoverage,
  coverageReport,
  readHistory,
  recordCoverageIfDue,
  viewCounts,
  type Snapshot,
} from '../coverage';
import { lastReminders, remindUsers } from '../reminders';
import { listAudit } from '../audit';
import { cancelEnrollment, confirmEnrollment, startEnrollment } from '../enrollment';
import { removeForUsers, removeOwn } from '../removal';
import { regenerateRecoveryCodes } from '../recovery';
import {
  MAX_ISSUER_INPUT_LENGTH,
  MAX_REASON_LENGTH,
  MAX_RECOVERY_CODE_INPUT_LENGTH,
  MAX_USERS_PER_REMIND,
  MAX_USERS_PER_REMOVE,
} from '../rules';
import { getSettings, setIssuer, setPolicy } from '../configuration';
import { accountStatus, statusDetails } from '../accountStatus';
import { isValidUsername } from '../accounts';
import { isAuditAction } from '../rules';
import { reconcile } from '../reconcile';
import { accountList } from '../accountListCache';
import { bestEffort } from '../store';
import { JsonText } from './jsonText';
import { limitRate } from '../rateLimit';
import {
  optionalCode,
  optionalInteger,
  optionalString,
  requiredBoolean,
  requiredCode,
  requiredString,
  requiredUsers,
  type Params,
} from './params';
import type { RequestContext } from '../context';

/** One JSON API action: checks its parameters and does the work with the request's context. */
export type Action = (ctx: RequestContext, params: Params) => unknown;

function status(ctx: RequestContext): unknown {
  const { paths, caller, epochSeconds } = ctx;
  const base = accountStatus(paths, caller.user, caller.isReseller, epochSeconds);
  return {
    user: caller.user,
    isRoot: caller.isRoot,
    ...base,
    ...statusDetails(paths, caller.user, base.enabled, epochSeconds),
  };
}

function auditList(ctx: RequestContext, params: Params): unknown {
  // Changes made in cPanel's own pages are recorded before the trail is read.
  reconcile(ctx.paths, ctx.epochSeconds);
  const limit = optionalInteger(params, 'limit', 1, 500) ?? 50;
  const before = optionalString(params, 'before', 40);
  if (before !== undefined && Number.isNaN(Date.parse(before)))
    throw badRequest(t('param.badBefore', { example: '2026-01-31T12:00:00.000Z' }));
  // How many entries at exactly `before` the page already shows (a cursor unique even when times repeat).
  const skip = optionalInteger(params, 'skip', 0, 500);
  // Optional filters, applied after (never instead of) the caller's visibility rule.
  const user = optionalString(params, 'user', 64);
  if (user !== undefined && !isValidUsername(user)) throw badRequest(t('param.badUser'));
  // Not "action": that names the API action itself.
  const action = optionalString(params, 'auditAction', 40);
  if (action !== undefined && !isAuditAction(action)) throw badRequest(t('param.badAuditAction'));
  const visible = auditVisibility(ctx.paths, ctx.caller);
  const entries = listAudit(ctx.paths, {
    limit,
    beforeIso: before === undefined ? undefined : new Date(before).toISOString(),
    skip,
    visible: (e) =>
      (user === undefined || e.subject === user) && (action === undefined || e.action === action) && visible(e),
  });
  return { entries };
}

/**
 * The accounts the caller manages with when each was last reminded, and the coverage of
 * its view now and about 30 days ago. The first list of a day also keeps that day's snapshot.
 */
function usersList(ctx: RequestContext): JsonText {
  const { paths, caller, epochSeconds } = ctx;
  const list = accountList(paths, caller, () => {
    const users = manageableAccounts(paths, caller, lastReminders(paths));
    return { users, counts: viewCounts(paths, caller, users) };
  });
  let history: Snapshot[] | undefined;
  // The list is the answer: a snapshot that cannot be kept today is kept by a later call.
  bestEffort(() => {
    history = recordCoverageIfDue(paths, epochSeconds, () => (caller.isRoot ? list.counts : countCoverage(paths)));
  });
  const coverage = coverageReport(list.counts, history ?? readHistory(paths), epochSeconds);
  return new JsonText(`{"users":${list.usersJson},"coverage":${JSON.stringify(coverage)}}`);
}

/** Every action api.cgi serves, by name (docs/api.md describes each). */
export const ACTIONS: Readonly<Record<string, Action>> = Object.freeze({
  status,
  'enroll.start': (ctx) => {
    // Each start can end in an audited cancel: one actor's starts are rate-limited.
    limitRate(ctx, 'enroll.start');
    return startEnrollment(ctx);
  },
  'enroll.confirm': async (ctx, params) => {
    const outcome = await confirmEnrollment(
      ctx,
      requiredCode(params, 'code'),
      optionalCode(params, 'currentCode'),
      optionalString(params, 'keyId', 64),
    );
    return { enabled: true, ...outcome };
  },
  'enroll.cancel': (ctx) => {
    cancelEnrollment(ctx);
    return { pending: false };
  },
  remove: async (ctx, params) => {
    const outcome = await removeOwn(ctx, requiredCode(params, 'code'));
    return { enabled: false, ...outcome };
  },
  'users.list': usersList,
  'users.remove': (ctx, params) =>
    removeForUsers(
      ctx,
      requiredUsers(params, 'users', MAX_USERS_PER_REMOVE),
      // Required unless a recovery code confirms the removal (removal.ts says so).
      optionalString(params, 'reason', MAX_REASON_LENGTH * 2),
      { recoveryCode: optionalString(params, 'recoveryCode', MAX_RECOVERY_CODE_INPUT_LENGTH) },
    ),
  'users.remind': (ctx, params) => remindUsers(ctx, requiredUsers(params, 'users', MAX_USERS_PER_REMIND)),
  'recovery.regenerate': (ctx, params) => regenerateRecoveryCodes(ctx, requiredCode(params, 'code')),
  'settings.get': (ctx) => getSettings(ctx),
  'settings.set': (ctx, params) => setIssuer(ctx, requiredString(params, 'issuer', MAX_ISSUER_INPUT_LENGTH)),
  'policy.set': (ctx, params) => ({ policyEnabled: setPolicy(ctx, requiredBoolean(params, 'enabled')) }),
  'audit.list': auditList,
});
