import { normalize } from 'node:path';

/**
 * Every server path whm2fa touches, taken under one root ("/" on a server, a temporary
 * tree in tests and in the local WHM), so the same code runs everywhere.
 */
export interface ServerPaths {
  readonly root: string;
  readonly resellers: string;
  readonly trueUserOwners: string;
  readonly trueUserDomains: string;
  /** `/etc/userdomains`: every domain cPanel maps to an account (subdomains included). */
  readonly userDomains: string;
  readonly cpanelUsersDir: string;
  readonly wwwacctConf: string;
  readonly cpanelConfig: string;
  /** Each user's own cPanel settings: root's language is `locale` in root's (a YAML file). */
  readonly rootCpanelConfig: string;
  /** The server's default language (one locale id), set in WHM's Tweak Settings. */
  readonly serverLocale: string;
  readonly cpanelVersionFile: string;
  readonly teamDir: string;
  readonly installConfig: string;
  readonly tfaUserdata: string;
  readonly issuerUserdata: string;
  readonly stateDir: string;
  readonly userStateDir: string;
  readonly settingsFile: string;
  /** whm2fa's own settings (syslog, audit retention, tool timeout) as `key=value` lines (settingsFile.ts). */
  readonly ownSettingsFile: string;
  /** The last cPanel call that failed: when, which tool, and cPanel's (redacted) reason. */
  readonly lastCpanelFailureFile: string;
  readonly auditFile: string;
  readonly lockFile: string;
  /** Where every state file is first written before it is renamed into place. */
  readonly tmpDir: string;
  /** Fingerprints of the keys cPanel's store held when whm2fa last looked (reconcile.ts). */
  readonly knownKeysFile: string;
  /** Keys whm2fa is saving right now (fingerprints), so its own change is not blamed on cPanel. */
  readonly expectedKeysFile: string;
  /** The account events the hook handled, and the domains of accounts being removed. */
  readonly accountEventsFile: string;
  /** When each account was last reminded to set 2FA up (reminders.ts). */
  readonly remindersFile: string;
  /** The daily coverage snapshots of the last weeks (coverage.ts). */
  readonly coverageFile: string;
  readonly whmapi1: string;
  /** util-linux `logger`, which sends audit entries to the system log (syslog.ts). */
  readonly logger: string;
  /** coreutils `timeout`, which bounds a `logger` stuck on a log daemon that does not read. */
  readonly timeoutTool: string;
  /** The system log's socket. */
  readonly devLog: string;
  readonly uapi: string;
  readonly sendmail: string;
  readonly manageHooks: string;
  readonly registerAppconfig: string;
  readonly headerDir: string;
  readonly footerFile: string;
  readonly appsDir: string;
  readonly cgiDir: string;
  readonly programDir: string;
  /** The server's message catalogs (api.json and mail.json of each shipped language but English). */
  readonly localesDir: string;
  readonly iconFile: string;
  readonly cliLink: string;
  readonly passengerNode: string;
  /** The resolver's host table, where the default issuer finds the canonical hostname. */
  readonly hostsFile: string;
  /** The kernel's hostname, the default issuer's last source. */
  readonly kernelHostnameFile: string;
}

/** Every server path whm2fa uses, under `root`. */
export function serverPaths(root: string): ServerPaths {
  // The root is normalized once and each path is a concatenation: path.join for thirty
  // paths was a measurable part of every request's start-up.
  const base = normalize(root).replace(/\/+$/, '');
  const at = (path: string): string => `${base}/${path}`;
  const stateDir = at('var/cpanel/whm2fa');
  const tfaDir = at('var/cpanel/authn/twofactor_auth');
  const programDir = at('usr/local/cpanel/3rdparty/whm2fa');
  const join = (dir: string, name: string): string => `${dir}/${name}`;
  return Object.freeze({
    root,
    resellers: at('var/cpanel/resellers'),
    trueUserOwners: at('etc/trueuserowners'),
    trueUserDomains: at('etc/trueuserdomains'),
    userDomains: at('etc/userdomains'),
    cpanelUsersDir: at('var/cpanel/users'),
    wwwacctConf: at('etc/wwwacct.conf'),
    cpanelConfig: at('var/cpanel/cpanel.config'),
    rootCpanelConfig: at('root/.cpanel_config'),
    serverLocale: at('var/cpanel/server_locale'),
    cpanelVersionFile: at('usr/local/cpanel/version'),
    teamDir: at('var/cpanel/team'),
    installConfig: join(programDir, 'install.json'),
    tfaUserdata: join(tfaDir, 'tfa_userdata.json'),
    issuerUserdata: join(tfaDir, 'issuer_userdata.json'),
    stateDir,
    userStateDir: join(stateDir, 'users'),
    settingsFile: join(stateDir, 'settings.json'),
    ownSettingsFile: join(stateDir, 'settings.conf'),
    lastCpanelFailureFile: join(stateDir, 'last-cpanel-failure.json'),
    auditFile: join(stateDir, 'audit.log'),
    lockFile: join(stateDir, 'state.lock'),
    tmpDir: join(stateDir, 'tmp'),
    knownKeysFile: join(stateDir, 'cpanel-keys.json'),
    expectedKeysFile: join(stateDir, 'expected-keys.json'),
    accountEventsFile: join(stateDir, 'account-events.json'),
    remindersFile: join(stateDir, 'reminders.json'),
    coverageFile: join(stateDir, 'coverage.json'),
    whmapi1: at('usr/local/cpanel/bin/whmapi1'),
    logger: at('usr/bin/logger'),
    timeoutTool: at('usr/bin/timeout'),
    devLog: at('dev/log'),
    uapi: at('usr/local/cpanel/bin/uapi'),
    sendmail: at('usr/sbin/sendmail'),
    manageHooks: at('usr/local/cpanel/bin/manage_hooks'),
    registerAppconfig: at('usr/local/cpanel/bin/register_appconfig'),
    headerDir: at('var/cpanel/caches/_generated_header_files'),
    footerFile: at('var/cpanel/caches/_generated_footer_files/footer.html'),
    appsDir: at('var/cpanel/apps'),
    cgiDir: at('usr/local/cpanel/whostmgr/docroot/cgi/whm2fa'),
    programDir,
    localesDir: join(programDir, 'locales'),
    iconFile: at('usr/local/cpanel/whostmgr/docroot/addon_plugins/whm2fa.png'),
    cliLink: at('usr/local/sbin/whm2fa'),
    passengerNode: at('etc/cpanel/ea4/passenger.nodejs'),
    hostsFile: at('etc/hosts'),
    kernelHostnameFile: at('proc/sys/kernel/hostname'),
  });
}
