/**
 * The entries of cPanel's 2FA store that belong to one account beside its own: its email
 * accounts (`local@domain` on the domains cPanel maps to it, subdomains included) and its
 * team users (`name@account`). `twofactorauth_set_tfa_config_for_user` deletes the keys
 * of the account's mailboxes and team users and writes back only its body, so whm2fa uses
 * that call only when this set is empty (docs/decisions/one-key-writes.md).
 */
import { domainsOf } from './accounts';
import { isAccountKey } from './cpanelState';
import type { ServerPaths } from './paths';

/** An account's email-account and team-user keys (key → secret). */
export interface EntrySet {
  readonly email: ReadonlyMap<string, string>;
  readonly team: ReadonlyMap<string, string>;
}

/** The email and team-user entries of `user` in `store` (key → secret). */
export function entriesOf(paths: ServerPaths, user: string, store: ReadonlyMap<string, string>): EntrySet {
  const domains = new Set(domainsOf(paths, user));
  const email = new Map<string, string>();
  const team = new Map<string, string>();
  for (const [key, secret] of store) {
    if (isAccountKey(key)) continue;
    const at = key.lastIndexOf('@');
    const suffix = key.slice(at + 1).toLowerCase();
    if (suffix === user) team.set(key, secret);
    else if (domains.has(suffix)) email.set(key, secret);
  }
  return { email, team };
}
