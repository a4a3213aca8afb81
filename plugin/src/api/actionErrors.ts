/**
 * The error codes each API action may answer, besides INTERNAL (anything unexpected, for
 * every action) and the checks made before any action (api/handler.ts). The handler holds
 * actions to it: a code an action does not declare is answered as INTERNAL and logged, so
 * this table, and docs/api.md which a test compares with it, cannot drift from what the
 * page can be told. Every action that reads cPanel's 2FA files may answer CPANEL_FAILED
 * when they are unreadable; every action with parameters, BAD_REQUEST.
 */
import type { ErrorCode } from '../errors';

/** Each action's error codes, INTERNAL aside (docs/api.md lists the same). */
export const ACTION_ERRORS: Readonly<Record<string, readonly ErrorCode[]>> = Object.freeze({
  status: ['CPANEL_FAILED'],
  'enroll.start': ['CPANEL_FAILED', 'LOCKED', 'RATE_LIMITED'],
  'enroll.confirm': ['BAD_REQUEST', 'CODE_INVALID', 'CODE_REPLAYED', 'CPANEL_FAILED', 'LOCKED', 'NO_PENDING'],
  'enroll.cancel': [],
  remove: ['BAD_REQUEST', 'CODE_INVALID', 'CODE_REPLAYED', 'CPANEL_FAILED', 'LOCKED', 'NOT_ENABLED'],
  'users.list': ['BAD_REQUEST', 'CPANEL_FAILED'],
  'users.remind': ['BAD_REQUEST', 'CPANEL_FAILED', 'FORBIDDEN'],
  'users.remove': ['BAD_REQUEST', 'CODE_INVALID', 'CPANEL_FAILED', 'FORBIDDEN', 'LOCKED'],
  'recovery.regenerate': ['BAD_REQUEST', 'CODE_INVALID', 'CODE_REPLAYED', 'CPANEL_FAILED', 'LOCKED', 'NOT_ENABLED'],
  'settings.get': ['CPANEL_FAILED'],
  'settings.set': ['BAD_REQUEST', 'CPANEL_FAILED', 'RATE_LIMITED'],
  'policy.set': ['BAD_REQUEST', 'CPANEL_FAILED', 'FORBIDDEN'],
  'audit.list': ['BAD_REQUEST', 'CPANEL_FAILED'],
});

/** Whether `action` may answer `code` (INTERNAL always). */
export function mayAnswer(action: string, code: ErrorCode): boolean {
  return (
    code === 'INTERNAL' || (Object.hasOwn(ACTION_ERRORS, action) && ACTION_ERRORS[action]?.includes(code) === true)
  );
}
