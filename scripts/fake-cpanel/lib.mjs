// Shared pieces of the fake cPanel tools used by the local WHM and the tests. They behave
// as docs/cpanel.md describes a real server (cPanel 11.120/11.122 as its source shows);
// their TOTP check is written here with node's crypto, independently of the plugin's.
import { createHmac, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { isIP } from 'node:net';
import { hostname as nodeName } from 'node:os';
import { mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync, unlinkSync, linkSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Paths inside a sandbox server tree. */
export function treePaths(root) {
  const tfaDir = join(root, 'var/cpanel/authn/twofactor_auth');
  return {
    root,
    tfaDir,
    tfaUserdata: join(tfaDir, 'tfa_userdata.json'),
    issuerUserdata: join(tfaDir, 'issuer_userdata.json'),
    cpanelConfig: join(root, 'var/cpanel/cpanel.config'),
    resellers: join(root, 'var/cpanel/resellers'),
    trueUserOwners: join(root, 'etc/trueuserowners'),
    trueUserDomains: join(root, 'etc/trueuserdomains'),
    userDomains: join(root, 'etc/userdomains'),
    usersDir: join(root, 'var/cpanel/users'),
    hosts: join(root, 'etc/hosts'),
    kernelHostname: join(root, 'proc/sys/kernel/hostname'),
    version: join(root, 'usr/local/cpanel/version'),
    homeDir: join(root, 'home'),
    teamDir: join(root, 'var/cpanel/team'),
    faults: join(root, 'var/fake-cpanel/faults.json'),
    appsDir: join(root, 'var/cpanel/apps'),
    hooksRegistry: join(root, 'var/cpanel/hooks/registry.json'),
    mailDir: join(root, 'var/mail'),
  };
}

export function readText(file, fallback = '') {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return fallback;
    throw err;
  }
}

export function readJsonObject(file) {
  const text = readText(file, '');
  // Keyed by user names: no prototype, so "constructor" is an account like any other.
  if (text.trim() === '') return Object.create(null);
  return Object.assign(Object.create(null), JSON.parse(text));
}

/** cPanel writes its 2FA files in locked transactions: temp file + rename, 0600 in 0700. */
export function writeJsonPrivate(file, value) {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * cPanel's dot-lock (docs/cpanel.md, "The 2FA store"): `FILE.lock` appears by hard-linking
 * a file whose first line is the holder's pid; a lock whose pid is gone, or older than
 * 300 s, is taken over.
 */
export function withFileLock(file, fn) {
  const lock = `${file}.lock`;
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  const mine = `${lock}.${process.pid}.fake`;
  writeFileSync(mine, `${process.pid}\n`);
  const deadline = Date.now() + 10000;
  try {
    for (;;) {
      try {
        linkSync(mine, lock);
        break;
      } catch (err) {
        if (err.code !== 'EEXIST' || Date.now() > deadline) throw err;
        if (abandoned(lock)) {
          try {
            unlinkSync(lock);
          } catch {
            // taken over by another meanwhile
          }
          continue;
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3);
      }
    }
  } finally {
    unlinkSync(mine);
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

function abandoned(lock) {
  try {
    const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
    if (Date.now() - statSync(lock).mtimeMs > 300_000) return true;
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === 'ESRCH';
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const clean = text.toUpperCase();
  if (!/^[A-Z2-7]+$/.test(clean)) return undefined;
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    value = (value << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function base32Encode(bytes) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function totpAt(secret, epochSeconds) {
  const key = base32Decode(secret);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

/** cPanel's check: previous, current and next step; no memory of used codes. */
export function cpanelAcceptsCode(secret, token, epochSeconds = Date.now() / 1000) {
  if (base32Decode(secret) === undefined || base32Decode(secret).length === 0) return false;
  if (!/^\d{6}$/.test(String(token))) return false;
  return [-30, 0, 30].some((d) => totpAt(secret, epochSeconds + d) === String(token));
}

/** cPanel's own secrets: 16 base32 characters (80 bits). */
export function cpanelSecret() {
  return base32Encode(randomBytes(10));
}

/** `key=value` arguments as cPanel's command-line APIs take them. */
export function parseArgs(argv) {
  const flags = {};
  const positional = [];
  const params = {};
  for (const arg of argv) {
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq === -1) flags[arg.slice(2)] = true;
      else flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (arg.includes('=') && positional.length >= 1) {
      const eq = arg.indexOf('=');
      params[arg.slice(0, eq)] = arg.slice(eq + 1);
    } else positional.push(arg);
  }
  return { flags, positional, params };
}

export function readResellers(paths) {
  const map = new Map();
  for (const raw of readText(paths.resellers).split('\n')) {
    const line = raw.replace(/[ \t\r]/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const [user, acls = ''] = line.split(':');
    map.set(user, acls.split(',').filter(Boolean));
  }
  return map;
}

export function readOwners(paths) {
  const map = new Map();
  for (const raw of readText(paths.trueUserOwners).split('\n')) {
    const i = raw.indexOf(':');
    if (i > 0) map.set(raw.slice(0, i).trim(), raw.slice(i + 1).trim());
  }
  return map;
}

export function readDomains(paths) {
  const map = new Map();
  for (const raw of readText(paths.trueUserDomains).split('\n')) {
    const i = raw.indexOf(':');
    if (i > 0) map.set(raw.slice(i + 1).trim(), raw.slice(0, i).trim());
  }
  return map;
}

/**
 * cPanel's default issuer, the hostname as Cpanel::Sys::Hostname finds it: `uname -n` if it
 * is fully qualified; else the resolver's canonical name for it (here: /etc/hosts only,
 * the official name of the first entry that has it among its names); else
 * /proc/sys/kernel/hostname; lower-cased. The node name is the last resort.
 */
export function hostnameOf(paths) {
  const uname = nodeName();
  if (/\./.test(uname)) return uname.toLowerCase();
  const entries = readText(paths.hosts)
    .split(/\r?\n/)
    .map((line) =>
      line
        .split('#')[0]
        .split(/[ \t]+/)
        .filter(Boolean),
    )
    .filter(([address, ...names]) => names.length > 0 && isIP(address) !== 0);
  const match =
    uname === '' ? undefined : entries.find((e) => e.slice(1).some((n) => n.toLowerCase() === uname.toLowerCase()));
  if (match) return match[1].toLowerCase();
  const fromKernel = readText(paths.kernelHostname).replace(/[\r\n]+/g, '');
  return (fromKernel || uname).toLowerCase();
}

/** `[major, minor]` of /usr/local/cpanel/version (`11.122.0.22` → [11, 122]); missing: newest. */
export function cpanelVersion(paths) {
  const parts = readText(paths.version).trim().split('.').map(Number);
  if (parts.length < 2 || parts.some((n) => !Number.isInteger(n))) return [11, 999];
  return [parts[0], parts[1]];
}

/** `true` from cPanel 11.122, which added twofactorauth_set_tfa_config_for_user. */
export function hasSetForUser(paths) {
  const [major, minor] = cpanelVersion(paths);
  return major > 11 || (major === 11 && minor >= 122);
}

/** A system account exists (cPanel's accountexists): root, a cPanel account, or a reseller. */
export function accountExists(paths, user) {
  if (user === 'root') return true;
  if (typeof user !== 'string' || !/^[a-z0-9][a-z0-9_.-]{0,31}$/.test(user)) return false;
  return readText(join(paths.usersDir, user)) !== '' || readResellers(paths).has(user);
}

/** `true` when cPanel has a users file for the name (what remove_user_config checks). */
export function hasUsersFile(paths, user) {
  return /^[a-z0-9][a-z0-9_.-]{0,31}$/.test(user) && readText(join(paths.usersDir, user)) !== '';
}

/**
 * The user's domains as cPanel maps them: the `/etc/userdomains` lines naming it (main,
 * addon, parked and subdomains), and the `DNS`/`DNSn` lines of its users file.
 */
export function domainsOf(paths, user) {
  if (!hasUsersFile(paths, user)) return [];
  const domains = new Set();
  for (const line of readText(join(paths.usersDir, user)).split('\n')) {
    const m = /^DNS\d*=(.+)$/.exec(line);
    if (m && m[1].trim()) domains.add(m[1].trim());
  }
  for (const raw of readText(paths.userDomains).split('\n')) {
    const i = raw.indexOf(':');
    if (i > 0 && raw.slice(i + 1).trim() === user) domains.add(raw.slice(0, i).trim());
  }
  return [...domains];
}

/** The user's email accounts (cPanel's list_pops_for): `/home/USER/etc/DOMAIN/passwd` lines. */
export function popsOf(paths, user) {
  const pops = [];
  for (const domain of domainsOf(paths, user)) {
    for (const line of readText(join(paths.homeDir, user, 'etc', domain, 'passwd')).split('\n')) {
      const local = line.split(':')[0];
      if (local) pops.push(`${local}@${domain}`);
    }
  }
  return pops;
}

/** The user's team users as 2FA store keys (`team@owner`): `/var/cpanel/team/USER`, one name a line. */
export function teamKeysOf(paths, user) {
  return readText(join(paths.teamDir, user))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((name) => `${name}@${user}`);
}

/**
 * A fault a test asked a tool to show after it has done its work: `exit` (non-zero, no
 * answer), `kill` (SIGKILL), `hang` (never answers), `garbage` (not JSON), `break-state`
 * (answers normally, but whm2fa's own audit log is made unwritable). Keyed `tool:function`.
 */
export function faultFor(paths, key) {
  try {
    const faults = JSON.parse(readText(paths.faults, '{}'));
    return Object.hasOwn(faults, key) ? faults[key] : undefined;
  } catch {
    return undefined;
  }
}

/** Shows `fault` after the work is done; returns false when the tool should answer normally. */
export function misbehave(paths, fault) {
  if (fault === 'exit') {
    process.stderr.write('fatal: the API call died after its work\n');
    process.exit(255);
  }
  if (fault === 'kill') process.kill(process.pid, 'SIGKILL');
  if (fault === 'hang') {
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
  if (fault === 'garbage') {
    process.stdout.write('<html><body>Internal Server Error</body></html>\n');
    process.exit(0);
  }
  if (fault === 'break-state') {
    const audit = join(paths.root, 'var/cpanel/whm2fa/audit.log');
    try {
      unlinkSync(audit);
    } catch {
      // not there yet
    }
    mkdirSync(audit, { recursive: true });
  }
  return false;
}

/** The uid a cPanel user's processes run as: `UID=` in its users file, else nobody's. */
export function uidOf(paths, user) {
  const m = /^UID=(\d+)$/m.exec(readText(join(paths.usersDir, user)));
  return m ? Number(m[1]) : 65534;
}

function readHooks(paths) {
  const registry = readJsonObject(paths.hooksRegistry);
  return Array.isArray(registry.hooks) ? registry.hooks : [];
}

/**
 * Runs the registered hooks of an event as cPanel does: the document on stdin, the first
 * line of stdout read as `1 message` / `0 message`. `Cpanel` hooks run as `asUser`'s uid
 * unless registered with escalateprivs. Returns each hook's message.
 */
export function fireHooks(paths, category, event, stage, data, asUser) {
  const messages = [];
  for (const hook of readHooks(paths).filter(
    (h) => h.category === category && h.event === event && h.stage === stage,
  )) {
    const doc = { context: { category, event, stage, blocking: hook.blocking, point: 'main' }, data, hook };
    const options = { input: JSON.stringify(doc), encoding: 'utf8', timeout: 60000 };
    if (category === 'Cpanel' && asUser !== undefined && !hook.escalateprivs && process.getuid?.() === 0) {
      const uid = uidOf(paths, asUser);
      Object.assign(options, { uid, gid: uid, env: { PATH: '/usr/bin:/bin', HOME: '/', USER: asUser } });
    }
    const run = spawnSync(hook.hook, [], options);
    const line = (run.stdout ?? '').split('\n')[0].trim();
    messages.push({
      hook: hook.hook,
      status: line === '' ? 1 : Number(line[0]),
      message: line.replace(/^[01]\s*/, ''),
    });
    if (run.stderr) process.stderr.write(run.stderr);
  }
  return messages;
}

export function policyEnabled(paths) {
  let on = false;
  for (const line of readText(paths.cpanelConfig).split('\n')) {
    if (line.startsWith('SecurityPolicy::TwoFactorAuth=')) on = line.slice(30).trim() === '1';
  }
  return on;
}

export function setPolicy(paths, enabled) {
  const lines = readText(paths.cpanelConfig)
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('SecurityPolicy::TwoFactorAuth='));
  lines.push(`SecurityPolicy::TwoFactorAuth=${enabled ? 1 : 0}`);
  mkdirSync(dirname(paths.cpanelConfig), { recursive: true });
  writeFileSync(paths.cpanelConfig, `${lines.join('\n')}\n`, { mode: 0o644 });
}

export function validIssuer(issuer) {
  return /^[A-Za-z0-9 ._-]{1,32}$/.test(issuer);
}

export function issuerFor(paths, user) {
  const issuers = new Map(Object.entries(readJsonObject(paths.issuerUserdata)));
  const resellers = readResellers(paths);
  if (resellers.has(user) && issuers.get(user)) return issuers.get(user);
  const owner = readOwners(paths).get(user);
  if (owner && owner !== user && issuers.get(owner)) return issuers.get(owner);
  return issuers.get('system_wide_issuer') || hostnameOf(paths);
}

export function otpauth(issuer, account, secret) {
  const e = (s) => encodeURIComponent(s);
  return `otpauth://totp/${e(issuer)}:${e(account)}?secret=${secret}&issuer=${e(issuer)}`;
}

export function print(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * The arguments of one `whmapi1`/`uapi` run as cPanel's apitool takes them. With
 * `--input=json` it reads stdin to its end as one JSON object and drops every `key=value`
 * word; a top-level array or bad JSON ends the run with status 255, nothing on stdout,
 * and the parse error on stderr repeating the input text (docs/cpanel.md, "Command-line
 * APIs"). The object reaches the function with `api.*` keys removed.
 */
export function apiArguments(argv) {
  const { flags, positional, params } = parseArgs(argv);
  if (flags.input !== 'json') return { flags, positional, params };
  const text = readStdin();
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    process.stderr.write(`malformed JSON string, at character offset 0 (before "${text}") at apitool line 1.\n`);
    process.exit(255);
  }
  const body = Object.create(null);
  for (const [key, v] of Object.entries(value)) if (!key.startsWith('api.')) body[key] = v;
  return { flags, positional, params: body };
}

/**
 * Plays another cPanel writer changing the store at the same moment as this tool: a test
 * puts `{"race:TOOL:FUNCTION": {KEY: SECRET | null}}` in the faults file, and the tool,
 * once started and before its own work, writes those keys (null deletes) in a locked
 * transaction of its own, as cPanel's mail or team pages would. Taken once.
 */
export function raceAtStart(paths, key) {
  const change = faultFor(paths, `race:${key}`);
  if (change === undefined || change === null || typeof change !== 'object') return;
  const faults = JSON.parse(readText(paths.faults, '{}'));
  delete faults[`race:${key}`];
  writeFileSync(paths.faults, JSON.stringify(faults));
  withFileLock(paths.tfaUserdata, () => {
    const data = readJsonObject(paths.tfaUserdata);
    for (const [name, secret] of Object.entries(change)) {
      if (secret === null) delete data[name];
      else data[name] = { secret };
    }
    writeJsonPrivate(paths.tfaUserdata, data);
  });
}

export function readStdin() {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}
