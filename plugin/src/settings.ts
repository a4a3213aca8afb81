/**
 * whm2fa's own settings: the issuer each reseller chose. cPanel keeps per-reseller
 * issuers too, but its only writer (`twofactorauth_set_issuer`) acts on the caller, and
 * whm2fa runs as root, so it would overwrite root's system-wide issuer. See
 * docs/decisions/reseller-issuer.md.
 */
import { StateError } from './errors';
import { readJson, writeJsonAtomic } from './store';
import type { ServerPaths } from './paths';

/** The contents of whm2fa's settings file. */
export interface Settings {
  /** reseller → issuer; "" means "reset to the system-wide default". */
  readonly issuers: Readonly<Record<string, string>>;
}

/** The saved settings, empty when there are none yet; a damaged file is a StateError. */
export function readSettings(paths: ServerPaths): Settings {
  const value = readJson(paths.settingsFile);
  if (value === undefined) return { issuers: Object.create(null) as Record<string, string> };
  const issuers = (value as { issuers?: unknown } | null)?.issuers;
  if (typeof issuers !== 'object' || issuers === null || Array.isArray(issuers)) {
    throw new StateError(`${paths.settingsFile} does not hold whm2fa settings (left untouched)`);
  }
  // No prototype: a reseller named "constructor" must not find Object's own member.
  const clean = Object.create(null) as Record<string, string>;
  for (const [user, issuer] of Object.entries(issuers)) {
    if (typeof issuer === 'string') clean[user] = issuer;
  }
  return { issuers: clean };
}

/** Writes the settings; the caller holds the state lock. */
export function writeSettings(paths: ServerPaths, settings: Settings): void {
  writeJsonAtomic(paths.settingsFile, settings);
}

/** The reseller's own issuer in `settings`, if it chose one ("" = reset); never an inherited member. */
export function ownIssuer(settings: Settings, user: string): string | undefined {
  return Object.hasOwn(settings.issuers, user) ? settings.issuers[user] : undefined;
}
