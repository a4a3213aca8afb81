import type { AuditAction } from '../../../../plugin/src/audit';
import type { AuditEntry } from '../../api';
import { ScrollRegion } from '../../components/ScrollRegion';
import { localTime } from '../../messages';

/** What each audit action reads as on the page (and in the Activity filter). */
export const ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'enroll.start': 'Setup started',
  'enroll.cancel': 'Setup cancelled',
  enable: 'Turned on',
  replace: 'Device replaced',
  remove: 'Turned off',
  'admin.remove': 'Removed by an administrator',
  'recovery.regenerate': 'Recovery codes made',
  verify: 'Code check',
  lock: 'Locked after wrong codes',
  'issuer.set': 'Issuer changed',
  'policy.set': 'Login policy switched',
  'config.set': 'Settings changed',
  mail: 'Email',
  remind: 'Reminded to set up',
  'account.create': 'Account created',
  'account.remove': 'Account removed',
  'account.rename': 'Account renamed',
  'cpanel.change': 'Changed outside whm2fa',
  'orphan.remove': 'Orphan entry removed',
};

/** The audit entries as a table, times in the user's local time. */
export function ActivityTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <ScrollRegion label="Activity table">
      <table class="table table-striped whm2fa-activity">
        <caption class="sr-only">Two-factor authentication activity, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Account</th>
            <th scope="col">What</th>
            <th scope="col">Result</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={`${e.at}-${String(i)}`}>
              <td>
                <time dateTime={e.at}>{localTime(e.at)}</time>
              </td>
              <td>{e.actor}</td>
              <td>{e.subject}</td>
              <td>{ACTION_LABELS[e.action] ?? e.action}</td>
              <td>
                {e.result.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, localTime)}
                {e.reason === undefined ? null : <span class="whm2fa-reason"> — reason: {e.reason}</span>}
              </td>
              <td>{e.ip}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
