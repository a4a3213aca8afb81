// An in-process stand-in for cPanel's tools (plugin/src/cpanel.ts `CpanelBridge`) for the
// unit tests: it changes the copy of cPanel's store (tfa_userdata.json) in a temporary
// server tree, answering only from what it is sent, as docs/cpanel.md says cPanel 11.122
// does, and it can be told to fail in each way the real tools fail.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CpanelCallError, type CpanelBridge, type RemoveOutcome } from '../../plugin/src/cpanel';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { totp } from './rfc6238';

/**
 * How the next call fails: `refuse` (the tool ran and said no, nothing changed),
 * `saved-then-died` (the work is done, then the tool dies: not a refusal), `died-before`
 * (the tool never did the work), `crash` (a programming error, not a CpanelCallError).
 */
export type Fault =
  | { readonly kind: 'refuse'; readonly reason: string }
  | { readonly kind: 'saved-then-died'; readonly reason: string }
  | { readonly kind: 'died-before'; readonly reason: string }
  | { readonly kind: 'crash' };

/** One call the fake received. */
export interface Call {
  readonly fn: 'setRootKey' | 'setAccountKey' | 'setKeyAlone' | 'removeSecrets';
  readonly user?: string;
  readonly users?: readonly string[];
  readonly primary?: string | undefined;
}

export interface FakeCpanel extends CpanelBridge {
  readonly calls: Call[];
  /** Faults for the next calls, in order; a call with no fault queued behaves as cPanel. */
  readonly faults: Fault[];
  /** Run after a call changed the store (to play another process or a damaged disk). */
  afterWrite?: () => void;
  /** Users whose removal cPanel answers as done but leaves the key (a silent failure). */
  readonly silentlyKeeps: Set<string>;
  /** cPanel's clock, against which the one-key calls check their code (the test's time). */
  epochSeconds: number;
}

export function readStore(paths: ServerPaths): Record<string, { secret: string }> {
  try {
    return JSON.parse(readFileSync(paths.tfaUserdata, 'utf8')) as Record<string, { secret: string }>;
  } catch {
    return {};
  }
}

export function writeStore(paths: ServerPaths, store: Record<string, string>): void {
  mkdirSync(dirname(paths.tfaUserdata), { recursive: true });
  const data = Object.fromEntries(Object.entries(store).map(([k, secret]) => [k, { secret }]));
  writeFileSync(paths.tfaUserdata, JSON.stringify(data));
}

export function storeSecrets(paths: ServerPaths): Record<string, string> {
  return Object.fromEntries(Object.entries(readStore(paths)).map(([k, v]) => [k, v.secret]));
}

/**
 * The fake. `mailboxes` and `teams` say which email accounts and team users each account
 * really owns (cPanel's view); `version` is what /usr/local/cpanel/version would say.
 */
export function fakeCpanel(
  paths: ServerPaths,
  options: {
    mailboxes?: Record<string, readonly string[]>;
    teams?: Record<string, readonly string[]>;
    version?: readonly [number, number];
    /** Accounts without cPanel's `twofactorauth` feature (set_user_configuration refuses them). */
    noFeature?: readonly string[];
  } = {},
): FakeCpanel {
  const mailboxes = (user: string): readonly string[] => options.mailboxes?.[user] ?? [];
  const teamKeys = (user: string): readonly string[] => (options.teams?.[user] ?? []).map((t) => `${t}@${user}`);
  const version = options.version ?? [11, 122];
  const exists = (user: string): boolean => {
    if (user === 'root') return true;
    if (!/^[a-z0-9][a-z0-9_.-]{0,31}$/.test(user)) return false;
    try {
      if (readFileSync(join(paths.cpanelUsersDir, user), 'utf8') !== '') return true;
    } catch {
      // no users file
    }
    try {
      return readFileSync(paths.resellers, 'utf8')
        .split('\n')
        .some((line) => line.split(':')[0] === user);
    } catch {
      return false;
    }
  };
  const hasUsersFile = (user: string): boolean => {
    try {
      return readFileSync(join(paths.cpanelUsersDir, user), 'utf8') !== '';
    } catch {
      return false;
    }
  };
  // cPanel's check: the previous, current and next step, by the tests' own TOTP.
  const codeFits = (secret: string, token: string): boolean =>
    [-30, 0, 30].some((d) => totp(secret, fake.epochSeconds + d) === token);
  /** Runs a one-key save as cPanel does: fault, checks, then that key alone. */
  const saveOne = (call: Call, user: string, secret: string, token: string, refusal: string | undefined): void => {
    fake.calls.push(call);
    const fault = fake.faults.shift();
    if (fault?.kind === 'crash') throw new Error('a bug, not a cPanel failure');
    if (fault?.kind === 'refuse') throw new CpanelCallError(fault.reason, true);
    if (fault?.kind === 'died-before') throw new CpanelCallError(fault.reason, false);
    if (refusal !== undefined) throw new CpanelCallError(refusal, true);
    if (!codeFits(secret, token)) throw new CpanelCallError('The security code is invalid.', true);
    const store = readStore(paths);
    store[user] = { secret };
    mkdirSync(dirname(paths.tfaUserdata), { recursive: true });
    writeFileSync(paths.tfaUserdata, JSON.stringify(store));
    fake.afterWrite?.();
    if (fault?.kind === 'saved-then-died') throw new CpanelCallError(fault.reason, false);
  };
  const fake: FakeCpanel = {
    calls: [],
    faults: [],
    silentlyKeeps: new Set(),
    epochSeconds: Date.now() / 1000,
    setRootKey(secret: string, token: string) {
      saveOne({ fn: 'setRootKey', user: 'root', primary: secret }, 'root', secret, token, undefined);
    },
    setAccountKey(user: string, secret: string, token: string) {
      const refusal = !hasUsersFile(user)
        ? `The user “${user}” does not have a cPanel account.`
        : (options.noFeature ?? []).includes(user)
          ? 'This feature is not enabled for your account.'
          : undefined;
      saveOne({ fn: 'setAccountKey', user, primary: secret }, user, secret, token, refusal);
    },
    canSetForUser: () => version[0] > 11 || (version[0] === 11 && version[1] >= 122),
    versionText: () => `${String(version[0])}.${String(version[1])}`,
    setKeyAlone(user: string, secret: string) {
      fake.calls.push({ fn: 'setKeyAlone', user, primary: secret });
      const fault = fake.faults.shift();
      if (fault?.kind === 'crash') throw new Error('a bug, not a cPanel failure');
      if (fault?.kind === 'refuse') throw new CpanelCallError(fault.reason, true);
      if (fault?.kind === 'died-before') throw new CpanelCallError(fault.reason, false);
      // As cPanel: the user must exist (its `accountexists` check), else nothing changes.
      if (!exists(user)) throw new CpanelCallError(`Invalid user: ${user}`, true);
      // As cPanel: the account's key and its existing mailboxes' and team users' go, then the body's.
      const store = readStore(paths);
      for (const key of [user, ...mailboxes(user), ...teamKeys(user)]) delete store[key];
      store[user] = { secret };
      mkdirSync(dirname(paths.tfaUserdata), { recursive: true });
      writeFileSync(paths.tfaUserdata, JSON.stringify(store));
      fake.afterWrite?.();
      if (fault?.kind === 'saved-then-died') throw new CpanelCallError(fault.reason, false);
    },
    removeSecrets(users: readonly string[]): RemoveOutcome {
      fake.calls.push({ fn: 'removeSecrets', users: [...users] });
      const fault = fake.faults.shift();
      if (fault?.kind === 'crash') throw new Error('a bug, not a cPanel failure');
      if (fault?.kind === 'refuse') throw new CpanelCallError(fault.reason, true);
      if (fault?.kind === 'died-before') throw new CpanelCallError(fault.reason, false);
      const store = readStore(paths);
      const removed: string[] = [];
      const failed = new Map<string, string>();
      for (const user of users) {
        if (!exists(user)) failed.set(user, `The user “${user}” does not exist.`);
        else {
          if (!fake.silentlyKeeps.has(user)) delete store[user];
          removed.push(user);
        }
      }
      mkdirSync(dirname(paths.tfaUserdata), { recursive: true });
      writeFileSync(paths.tfaUserdata, JSON.stringify(store));
      fake.afterWrite?.();
      if (fault?.kind === 'saved-then-died') throw new CpanelCallError(fault.reason, false);
      return { removed, failed };
    },
    setPolicy() {
      throw new Error('not used by these tests');
    },
    setSystemIssuer() {
      throw new Error('not used by these tests');
    },
    policyStatus() {
      throw new Error('not used by these tests');
    },
    listHooks() {
      throw new Error('not used by these tests');
    },
  };
  return fake;
}

/** A server tree's account files: users files (domains, contact address), owners, resellers. */
export function writeAccounts(
  paths: ServerPaths,
  accounts: Record<string, { domains?: readonly string[]; owner?: string; contact?: string }>,
  resellers: readonly string[] = [],
): void {
  mkdirSync(paths.cpanelUsersDir, { recursive: true });
  mkdirSync(dirname(paths.trueUserOwners), { recursive: true });
  const owners: string[] = [];
  const domains: string[] = [];
  for (const [user, a] of Object.entries(accounts)) {
    const lines = [`USER=${user}`, ...(a.domains ?? []).map((d, i) => (i === 0 ? `DNS=${d}` : `DNS${String(i)}=${d}`))];
    if (a.contact !== undefined) lines.push(`CONTACTEMAIL=${a.contact}`);
    writeFileSync(join(paths.cpanelUsersDir, user), `${lines.join('\n')}\n`);
    owners.push(`${user}: ${a.owner ?? 'root'}`);
    for (const d of a.domains ?? []) domains.push(`${d}: ${user}`);
  }
  writeFileSync(paths.trueUserOwners, `${owners.join('\n')}\n`);
  writeFileSync(paths.trueUserDomains, `${domains.join('\n')}\n`);
  mkdirSync(dirname(paths.resellers), { recursive: true });
  writeFileSync(paths.resellers, resellers.map((r) => `${r}:list-accts`).join('\n'));
}

/** A sendmail in the tree that appends each message to `mail.log` (read with {@link sentMail}). */
export function installSendmail(paths: ServerPaths): void {
  mkdirSync(dirname(paths.sendmail), { recursive: true });
  const log = join(paths.root, 'mail.log');
  writeFileSync(paths.sendmail, `#!/bin/sh\ncat >> '${log}'\necho '=====' >> '${log}'\n`);
  chmodSync(paths.sendmail, 0o755);
}

/** The messages the tree's sendmail took, oldest first: recipient and subject. */
export function sentMail(paths: ServerPaths): { to: string; subject: string; body: string }[] {
  let text = '';
  try {
    text = readFileSync(join(paths.root, 'mail.log'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('=====\n')
    .filter((m) => m.trim() !== '')
    .map((m) => ({
      to: /^To: (.*)$/m.exec(m)?.[1] ?? '',
      subject: /^Subject: (.*)$/m.exec(m)?.[1] ?? '',
      body: m,
    }));
}

/**
 * A server of the test's own under a new temporary folder (named from `prefix`): cPanel's
 * 2FA store empty, a sendmail that records, and the fake bridge with `options`. Accounts
 * are written by the test ({@link writeAccounts}); the test removes `root` afterwards.
 */
export function scratchServer(
  prefix: string,
  options: Parameters<typeof fakeCpanel>[1] = {},
): { root: string; paths: ServerPaths; cpanel: FakeCpanel } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const paths = serverPaths(root);
  installSendmail(paths);
  writeStore(paths, {});
  return { root, paths, cpanel: fakeCpanel(paths, options) };
}
