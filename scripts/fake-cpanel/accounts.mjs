// WHM's account operations as the fake `whmapi1` offers them (createacct, removeacct,
// modifyacct with a rename): they change the account files as cPanel does, treat cPanel's
// 2FA store as cPanel does (docs/cpanel.md, "Accounts and the 2FA store") and fire the
// Whostmgr post hooks. What cPanel does NOT do is not done here either: a rename leaves
// the 2FA entry under the old name, removing an account leaves its mailboxes' and team
// users' entries, and a reseller without a domain is removed without hooks and keeps its entry.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  fireHooks,
  hasUsersFile,
  readJsonObject,
  readResellers,
  readText,
  withFileLock,
  writeJsonPrivate,
} from './lib.mjs';

const NAME = /^[a-z0-9][a-z0-9_.-]{0,15}$/;

function writeLines(file, lines) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}

/** Rewrites the `key: value` lines of a file through `change(key, value)` → [key, value] | null. */
function rewritePairs(file, change) {
  const out = [];
  for (const line of readText(file).split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const next = change(line.slice(0, i).trim(), line.slice(i + 1).trim());
    if (next) out.push(`${next[0]}: ${next[1]}`);
  }
  writeLines(file, out);
}

function rewriteResellers(paths, change) {
  const out = [];
  for (const [user, acls] of readResellers(paths)) {
    const next = change(user);
    if (next) out.push(`${next}:${acls.join(',')}`);
  }
  writeLines(paths.resellers, out);
}

/** `createacct username=U domain=D [owner=O] [contactemail=E] [uid=N]`. */
export function createAccount(p, params, ok, fail) {
  const user = params.username ?? '';
  const domain = params.domain ?? '';
  const owner = params.owner ?? 'root';
  if (!NAME.test(user)) return fail('createacct', 'The username is not valid.');
  if (hasUsersFile(p, user) || readResellers(p).has(user)) return fail('createacct', `The user “${user}” exists.`);
  if (!/^[a-z0-9.-]+\.[a-z]+$/.test(domain)) return fail('createacct', 'The domain is not valid.');
  const lines = [
    `USER=${user}`,
    `OWNER=${owner}`,
    `DNS=${domain}`,
    `CONTACTEMAIL=${params.contactemail ?? ''}`,
    'PLAN=default',
    'FEATURE-TWOFACTORAUTH=1',
    // cPanel records when the account was made: it tells one account of a name from a later one.
    `STARTDATE=${Math.floor(Date.now() / 1000)}`,
  ];
  if (params.uid) lines.push(`UID=${params.uid}`);
  writeLines(join(p.usersDir, user), lines);
  writeLines(p.trueUserOwners, [...readText(p.trueUserOwners).split('\n').filter(Boolean), `${user}: ${owner}`]);
  writeLines(p.trueUserDomains, [...readText(p.trueUserDomains).split('\n').filter(Boolean), `${domain}: ${user}`]);
  writeLines(p.userDomains, [...readText(p.userDomains).split('\n').filter(Boolean), `${domain}: ${user}`]);
  // Nothing is done to cPanel's 2FA store: an entry left under this name is inherited.
  const hooks = fireHooks(p, 'Whostmgr', 'Accounts::Create', 'post', { user, domain, owner });
  return ok('createacct', { hooks });
}

/** `removeacct user=U`. */
export function removeAccount(p, params, ok, fail) {
  const user = params.user ?? '';
  const isReseller = readResellers(p).has(user);
  if (!hasUsersFile(p, user)) {
    if (!isReseller) return fail('removeacct', `The user “${user}” does not exist.`);
    // A reseller without a domain: its privileges go, no hook fires, its 2FA entry stays.
    rewriteResellers(p, (u) => (u === user ? null : u));
    return ok('removeacct', { hooks: [] });
  }
  fireHooks(p, 'Whostmgr', 'Accounts::Remove', 'pre', { user, killdns: 1, keep_remote_databases: 0 });
  rmSync(join(p.usersDir, user), { force: true });
  rmSync(join(p.homeDir, user), { recursive: true, force: true });
  rmSync(join(p.teamDir, user), { force: true });
  rewritePairs(p.trueUserOwners, (u, o) => (u === user ? null : [u, o]));
  rewritePairs(p.trueUserDomains, (d, u) => (u === user ? null : [d, u]));
  rewritePairs(p.userDomains, (d, u) => (u === user ? null : [d, u]));
  if (isReseller) rewriteResellers(p, (u) => (u === user ? null : u));
  // cPanel removes the account's own key only: its mailboxes' and team users' keys stay.
  withFileLock(p.tfaUserdata, () => {
    const data = readJsonObject(p.tfaUserdata);
    delete data[user];
    writeJsonPrivate(p.tfaUserdata, data);
  });
  const hooks = fireHooks(p, 'Whostmgr', 'Accounts::Remove', 'post', {
    user,
    killdns: 1,
    keep_remote_databases: 0,
  });
  return ok('removeacct', { hooks });
}

/** `modifyacct user=U newuser=N`: a rename. cPanel moves no 2FA entry. */
export function modifyAccount(p, params, ok, fail) {
  const user = params.user ?? '';
  const to = params.newuser ?? user;
  if (!hasUsersFile(p, user)) return fail('modifyacct', `The user “${user}” does not exist.`);
  if (to !== user) {
    if (!NAME.test(to)) return fail('modifyacct', 'The new username is not valid.');
    if (hasUsersFile(p, to) || readResellers(p).has(to)) return fail('modifyacct', `The user “${to}” exists.`);
    const file = readText(join(p.usersDir, user)).replace(/^USER=.*$/m, `USER=${to}`);
    writeLines(join(p.usersDir, to), file.split('\n').filter(Boolean));
    rmSync(join(p.usersDir, user), { force: true });
    for (const dir of [p.homeDir, p.teamDir]) {
      try {
        renameSync(join(dir, user), join(dir, to));
      } catch {
        // nothing there
      }
    }
    rewritePairs(p.trueUserOwners, (u, o) => [u === user ? to : u, o === user ? to : o]);
    rewritePairs(p.trueUserDomains, (d, u) => [d, u === user ? to : u]);
    rewritePairs(p.userDomains, (d, u) => [d, u === user ? to : u]);
    rewriteResellers(p, (u) => (u === user ? to : u));
  }
  const hooks = fireHooks(p, 'Whostmgr', 'Accounts::Modify', 'post', { ...params, user, newuser: to });
  return ok('modifyacct', { hooks });
}
