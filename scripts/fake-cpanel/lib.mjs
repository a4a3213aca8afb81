// Shared pieces of the fake cPanel tools used by the local WHM and the tests. They behave
// as ../../../shared/docs/whm-contract.md §5 describes a real server; their TOTP check is
// written here with node's crypto, independently of the plugin's, as cPanel's own is.
import { createHmac, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  chmodSync,
  openSync,
  closeSync,
  unlinkSync,
} from 'node:fs';
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
    usersDir: join(root, 'var/cpanel/users'),
    hostname: join(root, 'etc/hostname'),
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

/** A crude lock so two fake tool runs do not lose each other's writes. */
export function withFileLock(file, fn) {
  const lock = `${file}.lock`;
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3);
    }
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

export function hostnameOf(paths) {
  return readText(paths.hostname).trim() || 'server.example.com';
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
  const issuers = readJsonObject(paths.issuerUserdata);
  const resellers = readResellers(paths);
  if (resellers.has(user) && issuers[user]) return issuers[user];
  const owner = readOwners(paths).get(user);
  if (owner && owner !== user && issuers[owner]) return issuers[owner];
  return issuers.system_wide_issuer || hostnameOf(paths);
}

export function otpauth(issuer, account, secret) {
  const e = (s) => encodeURIComponent(s);
  return `otpauth://totp/${e(issuer)}:${e(account)}?secret=${secret}&issuer=${e(issuer)}`;
}

export function print(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function readStdin() {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}
