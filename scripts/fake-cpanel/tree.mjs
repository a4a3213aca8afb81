// Builds a fake cPanel server tree: account files, cPanel's 2FA files, chrome, and the
// fake tools as executables at the paths a real server has them. Used by the local WHM
// (`npm start`) and by the tests.
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateChrome } from './chrome.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export const SANDBOX_PASSWORD = 'whm2fa-demo';

/** The accounts of the local WHM (README). */
export const DEFAULT_ACCOUNTS = {
  hostname: 'whm.sandbox.test',
  resellers: {
    reseller1: ['create-acct', 'list-accts', 'kill-acct', 'edit-account'],
    reseller2: ['create-acct', 'list-accts'],
  },
  accounts: [
    { user: 'reseller1', owner: 'root', domain: 'reseller1.example.com', email: 'reseller1@example.com' },
    { user: 'reseller2', owner: 'root', domain: 'reseller2.example.com', email: 'reseller2@example.com' },
    { user: 'shop1', owner: 'reseller1', domain: 'shop1.example.com', email: 'owner@shop1.example.com' },
    { user: 'blog2', owner: 'reseller2', domain: 'blog2.example.com', email: 'writer@blog2.example.com' },
  ],
  rootEmail: 'admin@sandbox.test',
  policy: true,
  secrets: {},
  /** cPanel's version file: 11.122 has twofactorauth_set_tfa_config_for_user, 11.120 not. */
  version: '11.122.0.22',
  /** Email accounts (`/home/USER/etc/DOMAIN/passwd`) and team users (`/var/cpanel/team/USER`). */
  pops: { shop1: ['info'], blog2: ['news'] },
  /** Subdomains (in /etc/userdomains only, as cPanel lists them; not in the DNS lines). */
  subdomains: { shop1: ['blog.shop1.example.com'] },
  teams: { shop1: ['dev'] },
  /** 2FA entries of email accounts and team users, beside the accounts' own (cPanel's store holds both). */
  otherEntries: {
    'info@shop1.example.com': 'MFRGGZDFMZTWQ2LK',
    'dev@shop1': 'ONSWG4TFOQYTEMZU',
    'news@blog2.example.com': 'NBSWY3DPO5XXE3DE',
  },
};

function write(file, text, mode = 0o644) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
}

const TOOLS = {
  'usr/local/cpanel/bin/whmapi1': ['whmapi1.mjs', 'main'],
  'usr/local/cpanel/bin/uapi': ['uapi.mjs', 'main'],
  'usr/local/cpanel/bin/register_appconfig': ['appconfig.mjs', 'register'],
  'usr/local/cpanel/bin/unregister_appconfig': ['appconfig.mjs', 'unregister'],
  'usr/local/cpanel/bin/manage_hooks': ['manage_hooks.mjs', 'main'],
  'usr/sbin/sendmail': ['sendmail.mjs', 'main'],
};

/** Writes the fake tools into `root` (absolute) as small executables. */
export function installFakeTools(root) {
  for (const [path, [module, fn]] of Object.entries(TOOLS)) {
    const regen = fn === 'register' || fn === 'unregister';
    const body = [
      `#!${process.execPath}`,
      '// Fake cPanel tool of the whm2fa sandbox (scripts/fake-cpanel).',
      `import(${JSON.stringify(join(here, module))}).then(async (m) => {`,
      `  await m.${fn}(${JSON.stringify(root)}, process.argv.slice(2));`,
      regen
        ? `  (await import(${JSON.stringify(join(here, 'chrome.mjs'))})).generateChrome(${JSON.stringify(root)});`
        : '',
      '});',
      '',
    ].join('\n');
    write(join(root, path), body, 0o755);
  }
  // The system log's tools are the real ones (util-linux logger, coreutils timeout), as on
  // a server: they send to `dev/log` under the tree, where a test may bind a socket. With
  // no socket there, logger fails, as with a log daemon that is down.
  for (const tool of ['usr/bin/logger', 'usr/bin/timeout']) {
    const real = join('/', tool);
    if (!existsSync(real) || existsSync(join(root, tool))) continue;
    mkdirSync(dirname(join(root, tool)), { recursive: true });
    symlinkSync(real, join(root, tool));
  }
}

/**
 * Creates the tree at `root` (absolute). `extraAccounts` adds many accounts for
 * benchmarks; `secrets` seeds cPanel's 2FA store.
 */
export function createServerTree(root, options = {}) {
  const o = { ...DEFAULT_ACCOUNTS, ...options };
  const accounts = [...o.accounts, ...(options.extraAccounts ?? [])];
  write(join(root, 'etc/hostname'), `${o.hostname}\n`);
  write(
    join(root, 'var/cpanel/resellers'),
    Object.entries(o.resellers)
      .map(([u, acls]) => `${u}:${acls.join(',')}`)
      .join('\n') + '\n',
  );
  write(join(root, 'etc/trueuserowners'), accounts.map((a) => `${a.user}: ${a.owner}`).join('\n') + '\n');
  write(
    join(root, 'etc/trueuserdomains'),
    accounts
      .filter((a) => a.domain)
      .map((a) => `${a.domain}: ${a.user}`)
      .join('\n') + '\n',
  );
  // /etc/userdomains: every domain cPanel maps to an account, subdomains included.
  write(
    join(root, 'etc/userdomains'),
    [
      ...accounts.filter((a) => a.domain).map((a) => `${a.domain}: ${a.user}`),
      ...Object.entries(o.subdomains ?? {}).flatMap(([user, subs]) => subs.map((d) => `${d}: ${user}`)),
      '*: nobody',
    ].join('\n') + '\n',
  );
  accounts.forEach((a, index) => {
    write(
      join(root, 'var/cpanel/users', a.user),
      [
        `USER=${a.user}`,
        `OWNER=${a.owner}`,
        `DNS=${a.domain ?? ''}`,
        `CONTACTEMAIL=${a.email ?? ''}`,
        'PLAN=default',
        `FEATURE-TWOFACTORAUTH=${a.noTwoFactorFeature ? 0 : 1}`,
        `STARTDATE=${String(1_700_000_000 + index)}`,
        // Each account's processes run as its own unprivileged uid (Cpanel hooks use it).
        `UID=${String(a.uid ?? 30000 + index)}`,
        // The account's own language, as WHM and cPanel save it (legacy accounts: LANG=).
        ...(a.locale === undefined ? [] : [`LOCALE=${a.locale}`]),
        ...(a.lang === undefined ? [] : [`LANG=${a.lang}`]),
      ].join('\n') + '\n',
    );
  });
  const domainOf = new Map(accounts.map((a) => [a.user, a.domain]));
  // A pop is `local` (on the account's main domain) or `local@domain` (any of its domains).
  for (const [user, locals] of Object.entries(o.pops ?? {})) {
    const byDomain = new Map();
    for (const pop of locals) {
      const [local, domain = domainOf.get(user)] = pop.split('@');
      if (!domain) continue;
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), local]);
    }
    for (const [domain, names] of byDomain) {
      const passwd = names.map((l) => `${l}:x:30000:30000::/home/${user}/mail/${domain}/${l}:/bin/false`);
      write(join(root, 'home', user, 'etc', domain, 'passwd'), `${passwd.join('\n')}\n`);
    }
  }
  for (const [user, names] of Object.entries(o.teams ?? {}))
    write(join(root, 'var/cpanel/team', user), `${names.join('\n')}\n`);
  write(join(root, 'usr/local/cpanel/version'), `${o.version}\n`);
  write(
    join(root, 'etc/wwwacct.conf'),
    `ADDR 127.0.0.1\nCONTACTEMAIL ${o.rootEmail}\nHOST ${o.hostname}\nNS ns1.sandbox.test\n`,
  );
  write(join(root, 'var/cpanel/cpanel.config'), `SecurityPolicy::TwoFactorAuth=${o.policy ? 1 : 0}\n`);
  // Root's own settings (a YAML file cPanel writes; `locale` is root's language) and the
  // server's default language (WHM › Tweak Settings).
  if (o.rootLocale !== undefined) write(join(root, 'root/.cpanel_config'), `---\nlocale: ${o.rootLocale}\n`);
  if (o.serverLocale !== undefined) write(join(root, 'var/cpanel/server_locale'), `${o.serverLocale}\n`);
  const tfaDir = join(root, 'var/cpanel/authn/twofactor_auth');
  mkdirSync(tfaDir, { recursive: true, mode: 0o700 });
  chmodSync(tfaDir, 0o700);
  const store = {};
  for (const [user, secret] of Object.entries({ ...o.otherEntries, ...o.secrets })) store[user] = { secret };
  write(join(tfaDir, 'tfa_userdata.json'), JSON.stringify(store), 0o600);
  write(join(tfaDir, 'issuer_userdata.json'), JSON.stringify(o.issuers ?? {}), 0o600);
  mkdirSync(join(root, 'usr/local/cpanel/whostmgr/docroot/cgi'), { recursive: true });
  mkdirSync(join(root, 'usr/local/cpanel/whostmgr/docroot/addon_plugins'), { recursive: true });
  mkdirSync(join(root, 'usr/local/sbin'), { recursive: true });
  mkdirSync(join(root, 'usr/local/cpanel/3rdparty'), { recursive: true });
  mkdirSync(join(root, 'var/cpanel/apps'), { recursive: true });
  mkdirSync(join(root, 'var/mail'), { recursive: true });
  mkdirSync(join(root, 'dev'), { recursive: true });
  installFakeTools(root);
  generateChrome(root);
  // As on a server, "/" is world-traversable: hooks that run as an account's uid reach
  // their script (temporary trees are made 0700).
  chmodSync(root, 0o755);
}
