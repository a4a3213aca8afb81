/**
 * cPanel's account files, read directly (reading is allowed; whm2fa never writes them):
 * who is a reseller and with which ACLs, who owns which account, primary domains and
 * contact addresses. Formats: docs/cpanel.md, "Callers and ownership".
 */
import { join } from 'node:path';
import { readTextOrEmpty } from './store';
import type { ServerPaths } from './paths';

/**
 * cPanel's rule for a user name (also what REMOTE_USER must match), which root also meets:
 * no `..` anywhere (nor `.` alone, which the first character already rules out). One
 * pattern: it is tested on every line of cPanel's account files.
 */
const USERNAME = /^(?!.*\.\.)[a-z0-9][a-z0-9_.-]{0,31}$/;

/** True when `name` is a well-formed cPanel or WHM user name. */
export function isValidUsername(name: string): boolean {
  return USERNAME.test(name);
}

/** `/var/cpanel/resellers`: `user:acl1,acl2` per line, spaces removed, `#` lines skipped. */
export function readResellers(paths: ServerPaths): Map<string, ReadonlySet<string>> {
  const resellers = new Map<string, ReadonlySet<string>>();
  for (const raw of readTextOrEmpty(paths.resellers).split('\n')) {
    const line = raw.replace(/[ \t\r]/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const user = colon === -1 ? line : line.slice(0, colon);
    const acls = colon === -1 ? '' : line.slice(colon + 1);
    if (!isValidUsername(user)) continue;
    resellers.set(user, new Set(acls.split(',').filter((acl) => acl !== '')));
  }
  return resellers;
}

/**
 * Calls `each(key, value)` for every `key: value` line (trueuserowners, trueuserdomains),
 * both trimmed; `#` lines and lines without a key or value are skipped. These files have
 * a line per account and a server may have tens of thousands, read by a fresh process on
 * every request: the engine's own split and an index loop cost a fraction of a scan by hand.
 */
function eachColonPair(file: string, each: (key: string, value: string) => void): void {
  const lines = readTextOrEmpty(file).split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon === -1 || line.charCodeAt(0) === 35 /* # */) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key !== '' && value !== '') each(key, value);
  }
}

/** Calls `each(domain, account)` for every line of `/etc/trueuserdomains` (`domain: user`). */
export function eachDomain(paths: ServerPaths, each: (domain: string, user: string) => void): void {
  eachColonPair(paths.trueUserDomains, each);
}

/**
 * `/etc/trueuserowners` as account → owner, for every line naming a valid account; a
 * later line for an account replaces an earlier one, as cPanel's own readers do. With
 * `only`, just the accounts whose line names that owner. Its own loop, not
 * eachColonPair's: it runs on every Manage Users request over tens of thousands of lines,
 * in a fresh process where a call per line costs as much as the line's own work.
 */
export function readOwners(paths: ServerPaths, only?: string): Map<string, string> {
  const owners = new Map<string, string>();
  const text = readTextOrEmpty(paths.trueUserOwners);
  // Line by line through the text itself, without a string per line, and an owner named
  // as on the line before reuses that line's string: every string kept for ten thousand
  // lines is copied by the garbage collector, which took as long as the reading itself.
  let previous = '';
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const colon = text.indexOf(':', start);
    let user = colon !== -1 && colon < end ? text.slice(start, colon) : '';
    // A valid name holds no blank (nor `#`: comment lines fail the test), so the name is
    // trimmed only when it fails as read: trim() costs as much as the rest of a line.
    if (user !== '' && !isValidUsername(user)) {
      user = user.trim();
      if (!isValidUsername(user)) user = '';
    }
    if (user !== '') {
      // `user: owner` as cPanel writes it; anything else is trimmed as read.
      const owner =
        text.charCodeAt(colon + 1) === 32 && end - colon - 2 === previous.length && text.startsWith(previous, colon + 2)
          ? previous
          : text.slice(colon + 1, end).trim();
      previous = owner;
      if (owner !== '') {
        if (only === undefined || owner === only) owners.set(user, owner);
        else owners.delete(user);
      }
    }
    start = end + 1;
  }
  return owners;
}

/** `/etc/trueuserdomains` as account → primary (first listed) domain. */
export function readDomains(paths: ServerPaths): Map<string, string> {
  const domains = new Map<string, string>();
  eachDomain(paths, (domain, user) => {
    if (!domains.has(user)) domains.set(user, domain);
  });
  return domains;
}

/**
 * The primary domains of `users` only (valid account names), as {@link readDomains} gives
 * them: one pattern naming them all, run by the engine over the file. A page of Manage
 * Users shows 25 accounts of tens of thousands, and a loop over every line of the file
 * cost a fresh process several times more.
 */
export function readDomainsOf(paths: ServerPaths, users: readonly string[]): Map<string, string> {
  const domains = new Map<string, string>();
  const names = users.filter(isValidUsername);
  if (names.length === 0) return domains;
  const text = readTextOrEmpty(paths.trueUserDomains);
  // A line `domain: user`, not a `#` line: the key runs to the line's first colon; both
  // sides are trimmed as eachColonPair trims them. Names hold only [a-z0-9_.-].
  const alternatives = names.map((n) => n.replace(/[.-]/g, String.raw`\$&`)).join('|');
  const line = new RegExp(String.raw`^(?!#)([^:\n]*):[ \t]*(${alternatives})[ \t\r]*$`, 'gm');
  for (let match = line.exec(text); match !== null; match = line.exec(text)) {
    const domain = (match[1] as string).trim();
    const user = match[2] as string;
    if (domain !== '' && !domains.has(user)) domains.set(user, domain);
  }
  return domains;
}

/** True when `user` has a cPanel account (a file in /var/cpanel/users). */
export function hasCpanelAccount(paths: ServerPaths, user: string): boolean {
  if (!isValidUsername(user)) return false;
  return readTextOrEmpty(join(paths.cpanelUsersDir, user)) !== '';
}

const EMAIL = /^[^\s@<>"',;]+@[^\s@<>"',;]+$/;

/**
 * The address whm2fa tells about a change: `CONTACTEMAIL=` in /var/cpanel/users/USER, or
 * `CONTACTEMAIL value` in /etc/wwwacct.conf for root. Undefined when none is set.
 */
export function contactEmail(paths: ServerPaths, user: string): string | undefined {
  const text = user === 'root' ? readTextOrEmpty(paths.wwwacctConf) : readTextOrEmpty(join(paths.cpanelUsersDir, user));
  for (const raw of text.split('\n')) {
    const match = /^CONTACTEMAIL[=\s]\s*(\S*)\s*$/.exec(raw);
    const address = match?.[1];
    if (address !== undefined && EMAIL.test(address)) return address;
  }
  return undefined;
}

/**
 * The account's cPanel theme (`RS=` in its users file, e.g. `jupiter`), which decides the
 * address of cPanel's own pages (docs/cpanel.md, "cPanel's own 2FA page"); undefined when
 * the file has none.
 */
export function accountTheme(paths: ServerPaths, user: string): string | undefined {
  if (!isValidUsername(user)) return undefined;
  const match = /^RS=([A-Za-z0-9_-]+)\s*$/m.exec(readTextOrEmpty(join(paths.cpanelUsersDir, user)));
  return match?.[1];
}

/** The account's domains: the `DNS=` and `DNSn=` lines of its users file (no subdomains). */
function dnsLinesOf(paths: ServerPaths, user: string): string[] {
  if (!isValidUsername(user)) return [];
  const domains: string[] = [];
  for (const line of readTextOrEmpty(join(paths.cpanelUsersDir, user)).split('\n')) {
    const match = /^DNS\d*=(.+)$/.exec(line.trim());
    const domain = match?.[1]?.trim().toLowerCase();
    if (domain !== undefined && domain !== '') domains.push(domain);
  }
  return domains;
}

/**
 * Which account owns each domain, as cPanel decides whose an email address is
 * (docs/cpanel.md, "Who owns a key"): `/etc/userdomains` (`domain: user`), which lists
 * main, addon and parked domains and subdomains. `*: nobody` and lines for users that are
 * not valid names are skipped. Lower-cased domains.
 */
export function domainOwners(paths: ServerPaths): Map<string, string> {
  const owners = new Map<string, string>();
  eachColonPair(paths.userDomains, (domain, user) => {
    if (domain !== '*' && user !== 'nobody' && isValidUsername(user)) owners.set(domain.toLowerCase(), user);
  });
  return owners;
}

/**
 * The account's domains: those `/etc/userdomains` gives it (subdomains included), and the
 * `DNS` lines of its users file, should the map lag behind.
 */
export function domainsOf(paths: ServerPaths, user: string, owners = domainOwners(paths)): string[] {
  const domains = new Set(dnsLinesOf(paths, user));
  for (const [domain, owner] of owners) if (owner === user) domains.add(domain);
  return [...domains];
}

/**
 * When cPanel created the account (`STARTDATE=` in its users file, Unix seconds; docs/cpanel.md,
 * "Callers and ownership"), which tells one account of a name from a later one; undefined
 * when there is none.
 */
export function accountStart(paths: ServerPaths, user: string): string | undefined {
  if (!isValidUsername(user)) return undefined;
  const match = /^STARTDATE=(\d+)\s*$/m.exec(readTextOrEmpty(join(paths.cpanelUsersDir, user)));
  // cPanel's default for the key is all zeros, which tells nothing apart.
  return match?.[1] === undefined || /^0+$/.test(match[1]) ? undefined : match[1];
}

/**
 * Whether an account of this name exists for WHM: root, a cPanel account (users file) or
 * a reseller. Hook events are checked against this before anything changes.
 */
export function accountExists(paths: ServerPaths, user: string): boolean {
  return user === 'root' || hasCpanelAccount(paths, user) || readResellers(paths).has(user);
}
