// Fake `whmapi1`, run as root: the twofactorauth_* calls (docs/cpanel.md) with WHM API 1's
// envelope `{metadata:{command,reason,result,version},data}`, and createacct / removeacct /
// modifyacct, which change the account files and fire the Whostmgr hooks as cPanel does.
import { createAccount, modifyAccount, removeAccount } from './accounts.mjs';
import {
  accountExists,
  faultFor,
  hasSetForUser,
  hasUsersFile,
  misbehave,
  popsOf,
  teamKeysOf,
  cpanelAcceptsCode,
  cpanelSecret,
  hostnameOf,
  issuerFor,
  otpauth,
  apiArguments,
  raceAtStart,
  policyEnabled,
  print,
  readDomains,
  readJsonObject,
  readOwners,
  readResellers,
  setPolicy,
  treePaths,
  validIssuer,
  withFileLock,
  writeJsonPrivate,
} from './lib.mjs';

function envelope(command, result, reason, data) {
  const out = { metadata: { command, reason, result, version: 1 } };
  if (data !== undefined) out.data = data;
  return out;
}

const ok = (command, data) => envelope(command, 1, 'OK', data);
const fail = (command, reason) => envelope(command, 0, reason);

function listedUsers(params) {
  const users = [];
  if (params.user) users.push(params.user);
  for (let i = 1; params[`user-${i}`] !== undefined; i += 1) users.push(params[`user-${i}`]);
  return users;
}

const CALLS = {
  twofactorauth_policy_status: (p) => ok('twofactorauth_policy_status', { is_enabled: policyEnabled(p) ? 1 : 0 }),
  twofactorauth_enable_policy: (p) => {
    setPolicy(p, true);
    return ok('twofactorauth_enable_policy');
  },
  twofactorauth_disable_policy: (p) => {
    setPolicy(p, false);
    return ok('twofactorauth_disable_policy');
  },
  twofactorauth_get_issuer: (p) => {
    const issuers = readJsonObject(p.issuerUserdata);
    const system = issuers.system_wide_issuer || hostnameOf(p);
    return ok('twofactorauth_get_issuer', { issuer: system, system_wide_issuer: system });
  },
  twofactorauth_set_issuer: (p, params) => {
    const issuer = params.issuer ?? '';
    if (issuer !== '' && !validIssuer(issuer)) {
      return fail(
        'twofactorauth_set_issuer',
        'The issuer must be between 1 and 32 characters and contain only letters, numbers, spaces, periods, underscores, and hyphens.',
      );
    }
    withFileLock(p.issuerUserdata, () => {
      const issuers = readJsonObject(p.issuerUserdata);
      if (issuer === '') delete issuers.system_wide_issuer;
      else issuers.system_wide_issuer = issuer;
      writeJsonPrivate(p.issuerUserdata, issuers);
    });
    return ok('twofactorauth_set_issuer');
  },
  twofactorauth_generate_tfa_config: (p) => {
    const secret = cpanelSecret();
    return ok('twofactorauth_generate_tfa_config', {
      secret,
      otpauth_str: otpauth(issuerFor(p, 'root'), 'root', secret),
    });
  },
  // Saves the key of REMOTE_USER, which is root for a root shell: a `user` argument is
  // cPanel's admin binary's alone and is never honoured here. One key; nothing else moves.
  twofactorauth_set_tfa_config: (p, params) => {
    const { secret, tfa_token: token } = params;
    if (!secret) return fail('twofactorauth_set_tfa_config', 'Missing parameter: secret');
    if (!token) return fail('twofactorauth_set_tfa_config', 'Missing parameter: tfa_token');
    if (!cpanelAcceptsCode(secret, token)) return fail('twofactorauth_set_tfa_config', 'The security code is invalid.');
    withFileLock(p.tfaUserdata, () => {
      const data = readJsonObject(p.tfaUserdata);
      data.root = { secret };
      writeJsonPrivate(p.tfaUserdata, data);
    });
    return ok('twofactorauth_set_tfa_config', { success: 1 });
  },
  // 11.122+ only (an unknown function before): exactly one user, who must exist; that
  // user's entry, email entries and team-user entries are deleted, then the body's written.
  // The body comes on stdin (--input=json); as key=value words it cannot be given at all.
  twofactorauth_set_tfa_config_for_user: (p, body) => {
    const fn = 'twofactorauth_set_tfa_config_for_user';
    const users = Object.keys(body);
    if (users.length !== 1) return fail(fn, 'Invalid data detected in input arguments.');
    const user = users[0];
    if (!accountExists(p, user)) return fail(fn, `Invalid user: ${user}`);
    const set = body[user];
    const problem = invalidForUserBody(p, user, set);
    if (problem) return fail(fn, `Invalid data detected in input arguments:  ${problem}`);
    withFileLock(p.tfaUserdata, () => {
      const data = readJsonObject(p.tfaUserdata);
      for (const key of [user, ...popsOf(p, user), ...teamKeysOf(p, user)]) delete data[key];
      if (set.primary_account) data[user] = { secret: set.primary_account.secret };
      for (const kind of ['email', 'team']) {
        for (const [key, entry] of Object.entries(set[kind] ?? {})) data[key] = { secret: entry.secret };
      }
      writeJsonPrivate(p.tfaUserdata, data);
    });
    return ok(fn);
  },
  twofactorauth_get_user_configs: (p, params) => {
    const data = readJsonObject(p.tfaUserdata);
    const domains = readDomains(p);
    const users = new Set([...readOwners(p).keys(), ...readResellers(p).keys()]);
    const wanted = params.user ? [params.user] : [...users].sort();
    const out = Object.create(null);
    for (const user of wanted) {
      if (!users.has(user)) continue;
      out[user] = {
        is_enabled: Object.hasOwn(data, user) && data[user]?.secret ? 1 : 0,
        primary_domain: domains.get(user) ?? '',
      };
    }
    return ok('twofactorauth_get_user_configs', out);
  },
  // A name with no users file that is not a reseller (or root) cannot be verified as
  // an account, so it is refused: an orphan entry cannot be removed this way.
  twofactorauth_remove_user_config: (p, params) => {
    const users = listedUsers(params);
    if (users.length === 0) return fail('twofactorauth_remove_user_config', 'No users specified.');
    const resellers = readResellers(p);
    const modified = [];
    const failed = Object.create(null);
    withFileLock(p.tfaUserdata, () => {
      const data = readJsonObject(p.tfaUserdata);
      for (const user of users) {
        if (user !== 'root' && !hasUsersFile(p, user) && !resellers.has(user)) {
          failed[user] = `You are not authorized to modify “${user}”: The user “${user}” does not exist.`;
        } else {
          delete data[user];
          modified.push(user);
        }
      }
      if (modified.length > 0) writeJsonPrivate(p.tfaUserdata, data);
    });
    return ok('twofactorauth_remove_user_config', { users_modified: modified, failed });
  },
  createacct: (p, params) => createAccount(p, params, ok, fail),
  removeacct: (p, params) => removeAccount(p, params, ok, fail),
  modifyacct: (p, params) => modifyAccount(p, params, ok, fail),
};

/** The body of set_tfa_config_for_user, checked as cPanel does; a string says what is wrong. */
function invalidForUserBody(p, user, set) {
  if (set === null || typeof set !== 'object' || Array.isArray(set)) return `‘${user}’ is not a hash reference`;
  if (set.primary_account !== undefined) {
    const keys = Object.keys(set.primary_account ?? {});
    if (keys.some((k) => k !== 'secret')) return '‘secret’ is the only valid key for ‘primary_account’';
    if (!set.primary_account.secret) return 'No ‘secret’ given for primary_account';
  }
  for (const [kind, entries] of Object.entries(set)) {
    if (kind === 'primary_account') continue;
    if (kind !== 'email' && kind !== 'team') return `‘${kind}’ is not a valid key for ‘${user}’`;
    const owned = kind === 'email' ? popsOf(p, user) : teamKeysOf(p, user);
    for (const [key, entry] of Object.entries(entries ?? {})) {
      if (!owned.includes(key))
        return `‘${user}’ does not own ${kind === 'email' ? 'an email account' : 'a team user'} named ‘${key}’`;
      if (Object.keys(entry ?? {}).some((k) => k !== 'secret')) return `‘secret’ is the only valid key for ‘${key}’`;
      if (!entry?.secret) return `No ‘secret’ given for ‘${key}’`;
    }
  }
  return undefined;
}

export function main(root, argv) {
  const { positional, params, flags } = apiArguments(argv);
  const fn = positional[0];
  const paths = treePaths(root);
  raceAtStart(paths, `whmapi1:${fn}`);
  const known =
    Object.hasOwn(CALLS, fn ?? '') && (fn !== 'twofactorauth_set_tfa_config_for_user' || hasSetForUser(paths));
  const answer = known ? CALLS[fn](paths, params) : fail(fn ?? '', `Unknown function "${fn ?? ''}".`);
  misbehave(paths, faultFor(paths, `whmapi1:${fn}`));
  if (flags.output === 'json') print(answer);
  else process.stdout.write(`---\n${JSON.stringify(answer, null, 2)}\n`);
}
