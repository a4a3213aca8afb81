import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AuditEntry } from '../api';
import { Problem } from '../components/Problem';
import { localTime } from '../messages';

const PAGE = 25;

const ACTIONS: Record<string, string> = {
  'enroll.start': 'Setup started',
  'enroll.cancel': 'Setup cancelled',
  enable: 'Turned on',
  replace: 'Device replaced',
  remove: 'Turned off',
  'admin.remove': 'Removed by an administrator',
  verify: 'Code check',
  lock: 'Locked after wrong codes',
  'issuer.set': 'Issuer changed',
  'policy.set': 'Login policy switched',
  mail: 'Email',
  'account.remove': 'Account removed',
  'account.rename': 'Account renamed',
  'cpanel.change': 'Changed in cPanel',
};

/** "Activity": the audit entries the caller may see, newest first, a page at a time. */
export function Activity() {
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [more, setMore] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const load = (before?: string) =>
    api.auditList(PAGE, before).then((d) => {
      setEntries((old) => (before === undefined ? d.entries : [...(old ?? []), ...d.entries]));
      setMore(d.entries.length === PAGE);
    }, setError);
  useEffect(() => {
    void load();
  }, []);
  if (entries === undefined)
    return error === undefined ? <p aria-busy="true">Loading activity…</p> : <Problem error={error} />;
  return (
    <section aria-labelledby="whm2fa-activity-title">
      <h2 id="whm2fa-activity-title">Activity</h2>
      <Problem error={error} />
      {entries.length === 0 ? (
        <p>Nothing has happened yet.</p>
      ) : (
        <div class="table-responsive">
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
                  <td>{ACTIONS[e.action] ?? e.action}</td>
                  <td>
                    {e.result}
                    {e.reason === undefined ? null : <span class="whm2fa-reason"> — reason: {e.reason}</span>}
                  </td>
                  <td>{e.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? (
        <button type="button" class="btn btn-default" onClick={() => void load(entries[entries.length - 1]?.at)}>
          Show older entries
        </button>
      ) : null}
    </section>
  );
}
