import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Account, type SortKey, type UsersListData } from '../api';
import { Notice, Problem } from '../components/Problem';
import { Coverage } from './users/Coverage';
import { Pager } from './users/Pager';
import { Toolbar } from './users/Toolbar';
import { RemoveForUsers, type RemovalOutcome } from './users/RemoveForUsers';
import { RemindUsers } from './users/RemindUsers';
import { UsersTable } from './users/UsersTable';
import { t } from '../i18n';

/** How long typing in the filter may pause before the server is asked (ms). */
const SEARCH_DELAY_MS = 300;

/**
 * "Manage Users": one page of the accounts the caller may manage, searched, sorted and
 * paged by the server, with coverage over time, reminders to set 2FA up, and the
 * lost-device removal. Checked accounts stay checked by name across pages, sorts and
 * searches, so an action may name accounts on other pages; its dialog lists them.
 */
export function Users(props: { isRoot: boolean; policyEnabled: boolean }) {
  const [data, setData] = useState<UsersListData | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [filter, setFilter] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; up: boolean }>({ key: 'user', up: true });
  const [page, setPage] = useState(1);
  // Checked accounts by name, with the row last seen for each: an action needs to know
  // whether each has 2FA even when it is on another page.
  const [selected, setSelected] = useState<ReadonlyMap<string, Account>>(new Map());
  const [confirming, setConfirming] = useState<string[] | undefined>();
  const [reminding, setReminding] = useState<string[] | undefined>();
  const [outcome, setOutcome] = useState<RemovalOutcome | undefined>();
  // Only the answer to the latest request is shown: an older one may arrive after it.
  const latest = useRef(0);

  const load = () => {
    latest.current += 1;
    const mine = latest.current;
    return api.usersList({ search, sort: sort.up ? sort.key : `-${sort.key}`, page }).then(
      (d) => {
        if (mine !== latest.current) return;
        setData(d);
        // What the server says now about checked accounts shown on this page.
        setSelected((old) => {
          if (!d.users.some((a) => old.has(a.user))) return old;
          const next = new Map(old);
          for (const a of d.users) if (next.has(a.user)) next.set(a.user, a);
          return next;
        });
      },
      (err: ApiError) => {
        if (mine === latest.current) setError(err);
      },
    );
  };
  useEffect(() => {
    void load();
  }, [search, sort, page]);
  // The server is asked once typing pauses, from the first page.
  useEffect(() => {
    if (filter.trim() === search.trim()) return undefined;
    const timer = setTimeout(() => {
      setSearch(filter);
      setPage(1);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filter]);

  if (data === undefined) {
    return error === undefined ? <p aria-busy="true">{t('users.loading')}</p> : <Problem error={error} />;
  }
  const rows = data.users;
  const toggle = (accounts: readonly Account[], on: boolean) => {
    const next = new Map(selected);
    for (const a of accounts) {
      if (on) next.set(a.user, a);
      else next.delete(a.user);
    }
    setSelected(next);
  };
  // Exactly the checked accounts: those with 2FA for a removal, those without for a reminder.
  const checked = [...selected.values()].filter((a) => a.enabled).map((a) => a.user);
  const toRemind = [...selected.values()].filter((a) => !a.enabled).map((a) => a.user);
  const unprotected = rows.filter((a) => !a.enabled);
  const done = (result: RemovalOutcome) => {
    setConfirming(undefined);
    setReminding(undefined);
    setSelected(new Map());
    setOutcome(result);
    setError(undefined);
    void load();
  };

  return (
    <section aria-labelledby="whm2fa-users-title">
      <h2 id="whm2fa-users-title">{props.isRoot ? t('users.headingRoot') : t('users.heading')}</h2>
      <Coverage counts={data} policyEnabled={props.policyEnabled} report={data.coverage} />
      <Notice text={outcome?.text} tone={outcome?.partial === true ? 'warning' : 'success'} />
      <Problem error={error} />
      <Toolbar
        filter={filter}
        onFilter={setFilter}
        checked={checked}
        onRemove={setConfirming}
        toRemind={toRemind}
        onRemind={setReminding}
        unprotected={unprotected.length === 0 ? undefined : unprotected.every((a) => selected.has(a.user))}
        onSelectUnprotected={(on) => toggle(unprotected, on)}
      />
      {data.total === 0 ? (
        <p>{t('users.none')}</p>
      ) : (
        <>
          <UsersTable
            rows={rows}
            selected={selected}
            sort={sort}
            onSort={(key) => {
              setSort({ key, up: sort.key === key ? !sort.up : true });
              setPage(1);
            }}
            onToggle={toggle}
            onRemove={(user) => setConfirming([user])}
          />
          {data.matching === 0 ? <p>{t('users.noMatch', { filter: search.trim() })}</p> : null}
        </>
      )}
      <Pager current={data.page - 1} pages={data.pages} onPage={(p) => setPage(p + 1)} />
      {confirming === undefined ? null : (
        <RemoveForUsers users={confirming} onClose={() => setConfirming(undefined)} onDone={done} />
      )}
      {reminding === undefined ? null : (
        <RemindUsers users={reminding} onClose={() => setReminding(undefined)} onDone={done} />
      )}
    </section>
  );
}
