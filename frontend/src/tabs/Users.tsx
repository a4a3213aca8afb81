import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Account, type CoverageReport } from '../api';
import { Notice, Problem } from '../components/Problem';
import { Coverage } from './users/Coverage';
import { Pager } from './users/Pager';
import { useAccountRows } from './users/rows';
import { Toolbar } from './users/Toolbar';
import { RemoveForUsers, type RemovalOutcome } from './users/RemoveForUsers';
import { RemindUsers } from './users/RemindUsers';
import { UsersTable, type SortKey } from './users/UsersTable';
import { t } from '../i18n';

const PAGE_SIZE = 25;

/**
 * "Manage Users": the accounts the caller may manage with coverage over time, reminders
 * to set 2FA up, and the lost-device removal.
 */
export function Users(props: { isRoot: boolean; policyEnabled: boolean }) {
  const [accounts, setAccounts] = useState<Account[] | undefined>();
  const [report, setReport] = useState<CoverageReport | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; up: boolean }>({ key: 'user', up: true });
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState<string[] | undefined>();
  const [reminding, setReminding] = useState<string[] | undefined>();
  const [outcome, setOutcome] = useState<RemovalOutcome | undefined>();

  const load = () =>
    api.usersList().then((d) => {
      setAccounts(d.users);
      setReport(d.coverage);
    }, setError);
  useEffect(() => {
    void load();
  }, []);

  const shown = useAccountRows(accounts, filter, sort);

  if (accounts === undefined) {
    return error === undefined ? <p aria-busy="true">{t('users.loading')}</p> : <Problem error={error} />;
  }
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const rows = shown.slice(current * PAGE_SIZE, current * PAGE_SIZE + PAGE_SIZE);
  const toggle = (users: string[], on: boolean) => {
    const next = new Set(selected);
    for (const u of users) {
      if (on) next.add(u);
      else next.delete(u);
    }
    setSelected(next);
  };
  // Exactly the checked accounts, in the order the table shows them: those with 2FA for a
  // removal, those without for a reminder.
  const checked = shown.filter((a) => a.enabled && selected.has(a.user)).map((a) => a.user);
  const toRemind = shown.filter((a) => !a.enabled && selected.has(a.user)).map((a) => a.user);
  const unprotected = rows.filter((a) => !a.enabled).map((a) => a.user);
  const done = (result: RemovalOutcome) => {
    setConfirming(undefined);
    setReminding(undefined);
    setSelected(new Set());
    setOutcome(result);
    setError(undefined);
    void load();
  };

  return (
    <section aria-labelledby="whm2fa-users-title">
      <h2 id="whm2fa-users-title">{props.isRoot ? t('users.headingRoot') : t('users.heading')}</h2>
      <Coverage accounts={accounts} policyEnabled={props.policyEnabled} report={report} />
      <Notice text={outcome?.text} tone={outcome?.partial === true ? 'warning' : 'success'} />
      <Problem error={error} />
      <Toolbar
        filter={filter}
        onFilter={(value) => {
          // A new filter starts a new selection, so nothing hidden is ever sent.
          setFilter(value);
          setPage(0);
          setSelected(new Set());
        }}
        checked={checked}
        onRemove={setConfirming}
        toRemind={toRemind}
        onRemind={setReminding}
        unprotected={unprotected.length === 0 ? undefined : unprotected.every((u) => selected.has(u))}
        onSelectUnprotected={(on) => toggle(unprotected, on)}
      />
      {accounts.length === 0 ? (
        <p>{t('users.none')}</p>
      ) : (
        <>
          <UsersTable
            rows={rows}
            selected={selected}
            sort={sort}
            onSort={(key) => {
              setSort({ key, up: sort.key === key ? !sort.up : true });
              setPage(0);
            }}
            onToggle={toggle}
            onRemove={(user) => setConfirming([user])}
          />
          {shown.length === 0 ? <p>{t('users.noMatch', { filter })}</p> : null}
        </>
      )}
      <Pager current={current} pages={pages} onPage={setPage} />
      {confirming === undefined ? null : (
        <RemoveForUsers users={confirming} onClose={() => setConfirming(undefined)} onDone={done} />
      )}
      {reminding === undefined ? null : (
        <RemindUsers users={reminding} onClose={() => setReminding(undefined)} onDone={done} />
      )}
    </section>
  );
}
