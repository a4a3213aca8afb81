// Fake `whmapi1`, run as root: the twofactorauth_* calls of whm-contract.md §5 with WHM
// API 1's envelope `{metadata:{command,reason,result,version},data}`.
import {
  cpanelAcceptsCode,
  cpanelSecret,
  hostnameOf,
  issuerFor,
  otpauth,
  parseArgs,
  policyEnabled,
  print,
  readDomains,
  readJsonObject,
  readOwners,
  readResellers,
  readStdin,
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
  twofactorauth_set_tfa_config_for_user: (p, _params, input) => {
    let body;
    try {
      body = JSON.parse(input);
    } catch {
      return fail('twofactorauth_set_tfa_config_for_user', 'The request body is not valid JSON.');
    }
    const entries = Object.entries(body ?? {});
    for (const [, config] of entries) {
      const secret = config?.primary_account?.secret;
      if (typeof secret !== 'string' || !/^[A-Za-z2-7]+$/.test(secret)) {
        return fail('twofactorauth_set_tfa_config_for_user', 'Invalid secret.');
      }
    }
    withFileLock(p.tfaUserdata, () => {
      const data = readJsonObject(p.tfaUserdata);
      for (const [user, config] of entries) data[user] = { secret: config.primary_account.secret };
      writeJsonPrivate(p.tfaUserdata, data);
    });
    return ok('twofactorauth_set_tfa_config_for_user');
  },
  twofactorauth_get_user_configs: (p, params) => {
    const data = readJsonObject(p.tfaUserdata);
    const domains = readDomains(p);
    const users = new Set([...readOwners(p).keys(), ...readResellers(p).keys()]);
    const wanted = params.user ? [params.user] : [...users].sort();
    const out = Object.create(null);
    for (const user of wanted) {
      if (!users.has(user)) continue;
      out[user] = { is_enabled: data[user]?.secret ? 1 : 0, primary_domain: domains.get(user) ?? '' };
    }
    return ok('twofactorauth_get_user_configs', out);
  },
  twofactorauth_remove_user_config: (p, params) => {
    const users = listedUsers(params);
    if (users.length === 0) return fail('twofactorauth_remove_user_config', 'Missing parameter: user');
    const known = new Set(['root', ...readOwners(p).keys(), ...readResellers(p).keys()]);
    const modified = [];
    const failed = Object.create(null);
    withFileLock(p.tfaUserdata, () => {
      const data = readJsonObject(p.tfaUserdata);
      for (const user of users) {
        if (!known.has(user) && data[user] === undefined) {
          failed[user] = `The user "${user}" does not exist.`;
        } else {
          delete data[user];
          modified.push(user);
        }
      }
      writeJsonPrivate(p.tfaUserdata, data);
    });
    return ok('twofactorauth_remove_user_config', { users_modified: modified, failed });
  },
};

export function main(root, argv) {
  const { positional, params, flags } = parseArgs(argv);
  const fn = positional[0];
  const paths = treePaths(root);
  const input = flags.input === 'json' ? readStdin() : '';
  const call = CALLS[fn];
  const answer = call === undefined ? fail(fn ?? '', `Unknown function "${fn ?? ''}".`) : call(paths, params, input);
  if (flags.output === 'json') print(answer);
  else process.stdout.write(`---\n${JSON.stringify(answer, null, 2)}\n`);
}
