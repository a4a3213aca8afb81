/**
 * What each action of api.cgi answers as `data` (docs/api.md): the one home of these
 * shapes. The server's action table (actions.ts) is typed by {@link ActionData}, and the
 * page (frontend/src/api.ts) imports the same types, so neither can drift from the other.
 * Types only: nothing here runs.
 */
import type { AccountStatus, StatusDetails } from '../accountStatus';
import type { AccountPage, SortKey, SortText } from '../accountPage';
import type { AuditEntry as StoredAuditEntry } from '../audit';
import type { CoverageReport } from '../coverage';
import type { EnrollmentOutcome, EnrollmentStart } from '../enrollment';
import type { SettingsView } from '../configuration';
import type { Regenerated } from '../recovery';
import type { RemindOutcome } from '../reminders';
import type { AdminRemoveOutcome } from '../removal';

export type { AdminRemoval } from '../accountStatus';
export type { ManagedAccount } from '../access';
export type { AuditAction } from '../audit';
export type { CoverageReport, Figure } from '../coverage';
export type { ErrorCode } from '../errors';
export type { RemindOutcome, SortKey, SortText };

/** `status`: the caller's own 2FA state, and what the page shows beside it. */
export type StatusData = { readonly user: string; readonly isRoot: boolean } & AccountStatus & StatusDetails;

/** `users.list`: one page of the caller's accounts, its counts, and the coverage of its view. */
export type UsersListData = AccountPage & { readonly coverage: CoverageReport };

/** `users.list`'s parameters. */
export interface UsersListParams {
  readonly search?: string;
  readonly sort?: SortText;
  readonly page?: number;
}

/** One Activity entry as `audit.list` answers it: `result` in the caller's language where it can be. */
export type AuditEntryData = Omit<StoredAuditEntry, 'said'>;

/** Every action's `data`, by action name. */
export interface ActionData {
  readonly status: StatusData;
  readonly 'enroll.start': EnrollmentStart;
  readonly 'enroll.confirm': { readonly enabled: true } & EnrollmentOutcome;
  readonly 'enroll.cancel': { readonly pending: false };
  readonly remove: { readonly enabled: false; readonly warning?: string };
  readonly 'users.list': UsersListData;
  readonly 'users.remove': AdminRemoveOutcome;
  readonly 'users.remind': RemindOutcome;
  readonly 'recovery.regenerate': Regenerated;
  readonly 'settings.get': SettingsView;
  readonly 'settings.set': SettingsView;
  readonly 'policy.set': { readonly policyEnabled: boolean };
  readonly 'audit.list': { readonly entries: readonly AuditEntryData[] };
}

/** The name of an action api.cgi serves. */
export type ActionName = keyof ActionData;

/** The server's table of actions, each answering its {@link ActionData}. */
export type ActionTable<Context, Params> = {
  readonly [K in ActionName]: (ctx: Context, params: Params) => ActionData[K] | Promise<ActionData[K]>;
};
