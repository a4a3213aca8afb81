/**
 * The JSON API's actions (docs/api.md): each checks its parameters, then calls the module
 * that owns the work. Authorization for targets lives in those modules, so the command
 * line gets the same rules.
 */
import { badRequest } from '../errors';
import { auditVisibility, manageableAccounts } from '../access';
import { listAudit } from '../audit';
import { cancelEnrollment, confirmEnrollment, startEnrollment } from '../enrollment';
import { removeForUsers, removeOwn } from '../removal';
import { MAX_ISSUER_INPUT_LENGTH, MAX_REASON_LENGTH, MAX_USERS_PER_REMOVE } from '../rules';
import { getSettings, setIssuer, setPolicy } from '../configuration';
import { accountStatus } from '../accountStatus';
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
  return {
    user: caller.user,
    isRoot: caller.isRoot,
    ...accountStatus(paths, caller.user, caller.isReseller, epochSeconds),
  };
}

function auditList(ctx: RequestContext, params: Params): unknown {
  const limit = optionalInteger(params, 'limit', 1, 500) ?? 50;
  const before = optionalString(params, 'before', 40);
  if (before !== undefined && Number.isNaN(Date.parse(before)))
    throw badRequest('"before" must be a time like 2026-01-31T12:00:00.000Z.');
  const entries = listAudit(ctx.paths, {
    limit,
    beforeIso: before === undefined ? undefined : new Date(before).toISOString(),
    visible: auditVisibility(ctx.paths, ctx.caller),
  });
  return { entries };
}

/** Every action api.cgi serves, by name (docs/api.md describes each). */
export const ACTIONS: Readonly<Record<string, Action>> = Object.freeze({
  status,
  'enroll.start': (ctx) => startEnrollment(ctx),
  'enroll.confirm': async (ctx, params) => {
    await confirmEnrollment(ctx, requiredCode(params, 'code'), optionalCode(params, 'currentCode'));
    return { enabled: true };
  },
  'enroll.cancel': (ctx) => {
    cancelEnrollment(ctx);
    return { pending: false };
  },
  remove: async (ctx, params) => {
    await removeOwn(ctx, requiredCode(params, 'code'));
    return { enabled: false };
  },
  'users.list': (ctx) => ({ users: manageableAccounts(ctx.paths, ctx.caller) }),
  'users.remove': (ctx, params) =>
    removeForUsers(
      ctx,
      requiredUsers(params, 'users', MAX_USERS_PER_REMOVE),
      requiredString(params, 'reason', MAX_REASON_LENGTH * 2),
    ),
  'settings.get': (ctx) => getSettings(ctx),
  'settings.set': (ctx, params) => setIssuer(ctx, requiredString(params, 'issuer', MAX_ISSUER_INPUT_LENGTH)),
  'policy.set': (ctx, params) => ({ policyEnabled: setPolicy(ctx, requiredBoolean(params, 'enabled')) }),
  'audit.list': auditList,
});
