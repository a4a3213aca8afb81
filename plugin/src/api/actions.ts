/**
 * The JSON API's actions (docs/api.md): each checks its parameters, then calls the module
 * that owns the work. Authorization for targets lives in those modules, so the command
 * line gets the same rules.
 */
import { badRequest } from '../errors';
import { requestWords, t } from '../messages';
import { auditVisibility, managedView } from '../access';
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
import { resultIn } from '../auditResult';
import { cancelEnrollment, confirmEnrollment, startEnrollment } from '../enrollment';
import { removeForUsers, removeOwn } from '../removal';
import { regenerateRecoveryCodes } from '../recovery';
import {
  MAX_ISSUER_INPUT_LENGTH,
  MAX_REASON_LENGTH,
  MAX_RECOVERY_CODE_INPUT_LENGTH,
  MAX_USERS_PER_REMIND,
  MAX_USERS_PER_REMOVE,
  MAX_USERS_SEARCH_LENGTH,
} from '../rules';
import { getSettings, setIssuer, setPolicy } from '../configuration';
import { accountStatus, statusDetails } from '../accountStatus';
import { isValidUsername, readDomains, readDomainsOf } from '../accounts';
import { readSecrets } from '../cpanelState';
import { isAuditAction } from '../rules';
import { reconcile } from '../reconcile';
import { accountPage, MAX_PAGE, MAX_SORT_LENGTH, pageQuery } from '../accountPage';
import { bestEffort } from '../store';
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
import type { ActionData, ActionTable, StatusData, UsersListData } from './types';

/** One JSON API action: checks its parameters and does the work with the request's context. */
export type Action = (ctx: RequestContext, params: Params) => unknown;

function status(ctx: RequestContext): StatusData {
  const { paths, caller, epochSeconds } = ctx;
  const base = accountStatus(paths, caller.user, caller.isReseller, epochSeconds);
  return {
    user: caller.user,
    isRoot: caller.isRoot,
    ...base,
    ...statusDetails(paths, caller.user, base.enabled, epochSeconds),
  };
}

function auditList(ctx: RequestContext, params: Params): ActionData['audit.list'] {
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
    // The caller's rule first: it must read every entry, newest first (a removal it passes
    // over ends the history before it), so the filters may not keep an entry from it.
    visible: (e) =>
      visible(e) && (user === undefined || e.subject === user) && (action === undefined || e.action === action),
  });
  // The result in the caller's language where the entry says which message it is; the
  // stored English stays in the trail (and in `whm2fa audit`).
  const words = requestWords();
  return {
    entries: entries.map((entry) => {
      const { said: _said, ...shown } = entry;
      return { ...shown, result: resultIn(entry, words) };
    }),
  };
}

/**
 * One page of the accounts the caller manages (searched, sorted), its counts, and the
 * coverage of its view now and about 30 days ago. Read from cPanel's files on every call:
 * there is no list kept between requests. The first list of a day also keeps that day's snapshot.
 */
function usersList(ctx: RequestContext, params: Params): UsersListData {
  const { paths, caller, epochSeconds } = ctx;
  const query = pageQuery(
    optionalString(params, 'search', MAX_USERS_SEARCH_LENGTH) ?? '',
    optionalString(params, 'sort', MAX_SORT_LENGTH) ?? 'user',
    optionalInteger(params, 'page', 1, MAX_PAGE) ?? 1,
  );
  // cPanel's files are read once, here: the page, its counts and the coverage come from this reading.
  const view = managedView(paths, caller);
  const secrets = readSecrets(paths);
  const counts = viewCounts(paths, view, secrets);
  const page = accountPage(
    {
      view,
      secrets,
      protectedCount: counts.own.protected,
      reminded: lastReminders(paths),
      domains: (users) => (users === undefined ? readDomains(paths) : readDomainsOf(paths, users)),
    },
    query,
  );
  let history: Snapshot[] | undefined;
  // The list is the answer: a snapshot that cannot be kept today is kept by a later call.
  bestEffort(() => {
    history = recordCoverageIfDue(paths, epochSeconds, () => (caller.isRoot ? counts : countCoverage(paths)));
  });
  return {
    ...page,
    coverage: coverageReport(counts, history ?? readHistory(paths), epochSeconds),
  };
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
} satisfies ActionTable<RequestContext, Params>);
