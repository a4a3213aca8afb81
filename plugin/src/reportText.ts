/**
 * The report's text forms: lines for root's terminal, and the Prometheus text exposition
 * format (version 0.0.4: `# HELP`, `# TYPE`, then `name{label="value"} number` lines) for
 * node_exporter's textfile collector or a scrape wrapper. Metric names are whm2fa_*.
 */
import { exitCodeOf, type Report } from './report';

/** A label value as the exposition format writes it: backslash, double quote and line feed escaped. */
export function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Readonly<Record<string, string>>): string {
  const parts = Object.entries(pairs).map(([k, v]) => `${k}="${labelValue(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

const flag = (value: boolean): number => (value ? 1 : 0);

/** The report in the Prometheus text exposition format; unknown values are left out. */
export function prometheusText(report: Report): string {
  const out: string[] = [];
  const metric = (
    name: string,
    help: string,
    samples: ReadonlyArray<readonly [Readonly<Record<string, string>>, number]>,
  ): void => {
    if (samples.length === 0) return;
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [pairs, value] of samples) out.push(`${name}${labels(pairs)} ${String(value)}`);
  };
  const one = (value: number | null): ReadonlyArray<readonly [Record<string, string>, number]> =>
    value === null ? [] : [[{}, value]];
  metric(
    'whm2fa_status',
    'Overall status: 0 ok, 1 warning, 2 critical (the exit code).',
    one(exitCodeOf(report.status)),
  );
  metric('whm2fa_info', 'Versions and issuer of this server (always 1).', [
    [
      {
        version: report.versions.whm2fa,
        cpanel: report.versions.cpanel,
        node: report.versions.node,
        issuer: report.issuer,
      },
      1,
    ],
  ]);
  metric(
    'whm2fa_login_policy_enabled',
    'Whether cPanel asks for 2FA codes at login.',
    one(report.loginPolicy === null ? null : flag(report.loginPolicy)),
  );
  metric(
    'whm2fa_root_2fa_enabled',
    'Whether root has 2FA.',
    one(report.root2fa === null ? null : flag(report.root2fa)),
  );
  metric(
    'whm2fa_accounts',
    'Accounts by owner and 2FA state.',
    report.accounts.byOwner.flatMap((o) => [
      [{ owner: o.owner, twofa: 'on' }, o.with2fa] as const,
      [{ owner: o.owner, twofa: 'off' }, o.without2fa] as const,
    ]),
  );
  metric(
    'whm2fa_orphan_entries',
    'Entries in cPanel’s 2FA store with no account behind them.',
    one(report.orphanEntries),
  );
  metric(
    'whm2fa_hooks_registered',
    'Whether the account hooks are registered.',
    one(report.hooksRegistered === null ? null : flag(report.hooksRegistered)),
  );
  metric('whm2fa_pending_setups', '2FA setups started and not finished.', one(report.pendingSetups));
  metric('whm2fa_locked_users', 'Users whose verification is locked now.', one(report.lockedUsers.length));
  metric(
    'whm2fa_last_cpanel_failure_timestamp_seconds',
    'When a cPanel call last failed (Unix time).',
    one(report.lastCpanelFailure === null ? null : Date.parse(report.lastCpanelFailure.at) / 1000),
  );
  metric('whm2fa_settings_valid', 'Whether the settings file is valid.', one(flag(report.settingsValid)));
  metric(
    'whm2fa_check_status',
    'Each check: 0 ok, 1 warning, 2 critical.',
    report.checks.map((c) => [{ check: c.name }, exitCodeOf(c.level)] as const),
  );
  return `${out.join('\n')}\n`;
}

/** The report for root's terminal. */
export function reportText(report: Report): string {
  const a = report.accounts;
  const yesNo = (value: boolean | null, yes: string, no: string): string =>
    value === null ? 'unknown' : value ? yes : no;
  return [
    `status: ${report.status.toUpperCase()}`,
    `whm2fa ${report.versions.whm2fa}, cPanel ${report.versions.cpanel}, Node.js ${report.versions.node}`,
    `login policy: ${yesNo(report.loginPolicy, 'on', 'OFF')}`,
    `issuer: ${report.issuer}`,
    `root 2FA: ${yesNo(report.root2fa, 'on', 'off')}`,
    `accounts: ${String(a.with2fa)} of ${String(a.total)} with 2FA`,
    ...a.byOwner.map((o) => `  ${o.owner}: ${String(o.with2fa)} with, ${String(o.without2fa)} without`),
    `orphan entries: ${report.orphanEntries === null ? 'unknown' : String(report.orphanEntries)}`,
    `hooks: ${yesNo(report.hooksRegistered, 'registered', 'MISSING')}`,
    `pending setups: ${String(report.pendingSetups)}`,
    `locked users: ${report.lockedUsers.length === 0 ? 'none' : report.lockedUsers.join(', ')}`,
    `last failed cPanel call: ${
      report.lastCpanelFailure === null
        ? 'none recorded'
        : `${report.lastCpanelFailure.at} ${report.lastCpanelFailure.call}: ${report.lastCpanelFailure.reason}`
    }`,
    '',
    ...report.checks.map(
      (c) => `${c.level === 'ok' ? 'ok      ' : c.level.toUpperCase().padEnd(8)}  ${c.name}: ${c.detail}`,
    ),
  ].join('\n');
}
