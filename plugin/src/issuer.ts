/**
 * Which issuer name an authenticator app shows for a user, and cPanel's rule for a valid
 * one (docs/cpanel.md, "Issuers"): 1–32 of ASCII letters, digits, space, `.`, `_`, `-`.
 */
import { badRequest } from './errors';
import { readCpanelIssuers, serverHostname } from './cpanelState';
import { ownIssuer, readSettings } from './settings';
import { issuerProblem } from './rules';
import { cleanUserText } from './userText';
import { issuerProblemText } from './issuerWords';
import { t } from './messages';
import type { ServerPaths } from './paths';

/**
 * Trims and checks an issuer typed by a person; "" means "use the default". Its character
 * rule already refuses every control and format character, with a message naming it: a
 * typed one is refused, not silently dropped. Issuers already in cPanel's file or whm2fa's
 * settings are cleaned when shown (userText.ts).
 */
export function validIssuer(input: string): string {
  const issuer = input.trim();
  const problem = issuerProblem(issuer);
  if (problem === undefined) return issuer;
  throw badRequest(issuerProblemText(t, problem));
}

/** The server-wide issuer: root's choice in cPanel, else the hostname as cPanel finds it ({@link serverHostname}). */
export function systemWideIssuer(paths: ServerPaths): string {
  return cleanUserText(readCpanelIssuers(paths).get('system_wide_issuer') ?? serverHostname(paths));
}

/**
 * The issuer for a WHM user: a reseller's own choice (whm2fa's setting, else cPanel's
 * per-reseller entry), else the system-wide one. Root-level users use the system-wide one.
 */
export function issuerFor(paths: ServerPaths, user: string, isReseller: boolean): string {
  const cpanelIssuers = readCpanelIssuers(paths);
  if (isReseller) {
    const own = ownIssuer(readSettings(paths), user);
    if (own !== undefined && own !== '') return cleanUserText(own);
    const cpanelOwn = own === undefined ? cpanelIssuers.get(user) : undefined;
    if (cpanelOwn !== undefined) return cleanUserText(cpanelOwn);
  }
  return cleanUserText(cpanelIssuers.get('system_wide_issuer') ?? serverHostname(paths));
}
