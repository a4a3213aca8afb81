import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, type Account } from '../api';
import { Dialog, RemoveActions } from '../components/Dialog';
import { Notice, Problem } from '../components/Problem';
import { MAX_REASON_LENGTH } from '../../../plugin/src/rules';

const PAGE_SIZE = 25;
type SortKey = 'user' | 'domain' | 'owner' | 'enabled';
const COLUMNS: Array<[SortKey, string]> = [
  ['user', 'Account'],
  ['domain', 'Domain'],
  ['owner', 'Owner'],
  ['enabled', '2FA'],
];

/** "Manage Users": the accounts the caller may manage, and the lost-device removal. */
export function Users(props: { isRoot: boolean }) {
  const [accounts, setAccounts] = useState<Account[] | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; up: boolean }>({ key: 'user', up: true });
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState<string[] | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const load = () => api.usersList().then((d) => setAccounts(d.users), setError);
  useEffect(() => {
    void load();
  }, []);

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const rows = (accounts ?? []).filter(
      (a) => needle === '' || `${a.user} ${a.domain} ${a.owner}`.toLowerCase().includes(needle),
    );
    const dir = sort.up ? 1 : -1;
    return rows.sort((a, b) => {
      const x = String(a[sort.key]);
      const y = String(b[sort.key]);
      return (x < y ? -1 : x > y ? 1 : a.user < b.user ? -1 : 1) * dir;
    });
  }, [accounts, filter, sort]);

  if (accounts === undefined) {
    return error === undefined ? <p aria-busy="true">Loading accounts…</p> : <Problem error={error} />;
  }
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const rows = shown.slice(current * PAGE_SIZE, current * PAGE_SIZE + PAGE_SIZE);
  const protectedCount = accounts.filter((a) => a.enabled).length;
  const toggle = (user: string) => {
    const next = new Set(selected);
    if (next.has(user)) next.delete(user);
    else next.add(user);
    setSelected(next);
  };
  const pageAllSelected = rows.length > 0 && rows.every((r) => selected.has(r.user));
  const togglePage = () => {
    const next = new Set(selected);
    for (const r of rows) {
      if (pageAllSelected) next.delete(r.user);
      else next.add(r.user);
    }
    setSelected(next);
  };
  const selectedEnabled = accounts.filter((a) => selected.has(a.user) && a.enabled).map((a) => a.user);

  return (
    <section aria-labelledby="whm2fa-users-title">
      <h2 id="whm2fa-users-title">{props.isRoot ? 'All accounts' : 'Your accounts'}</h2>
      <p class="whm2fa-coverage">
        <strong>
          {protectedCount} of {accounts.length} accounts protected
        </strong>{' '}
        with two-factor authentication.
      </p>
      <Notice text={notice} />
      <Problem error={error} />
      <div class="whm2fa-toolbar">
        <div class="form-group">
          <label for="whm2fa-filter" class="control-label">
            Filter accounts
          </label>
          <input
            id="whm2fa-filter"
            class="form-control"
            type="search"
            value={filter}
            onInput={(e) => {
              setFilter((e.currentTarget as HTMLInputElement).value);
              setPage(0);
            }}
          />
        </div>
        <button
          type="button"
          class="btn btn-danger"
          disabled={selectedEnabled.length === 0}
          onClick={() => setConfirming(selectedEnabled)}
        >
          Remove Two-Factor Authentication ({selectedEnabled.length} selected)
        </button>
      </div>
      {accounts.length === 0 ? (
        <p>There are no accounts for you to manage.</p>
      ) : (
        <div class="table-responsive">
          <table class="table table-striped whm2fa-users">
            <caption class="sr-only">Accounts and their two-factor authentication</caption>
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every account on this page"
                    checked={pageAllSelected}
                    onChange={togglePage}
                  />
                </th>
                {COLUMNS.map(([key, label]) => (
                  <th
                    scope="col"
                    key={key}
                    aria-sort={sort.key === key ? (sort.up ? 'ascending' : 'descending') : 'none'}
                  >
                    <button
                      type="button"
                      class="btn btn-link whm2fa-sort"
                      onClick={() => {
                        setSort({ key, up: sort.key === key ? !sort.up : true });
                        setPage(0);
                      }}
                    >
                      {label}
                    </button>
                  </th>
                ))}
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.user}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${a.user}`}
                      checked={selected.has(a.user)}
                      onChange={() => toggle(a.user)}
                    />
                  </td>
                  <td>{a.user}</td>
                  <td>{a.domain}</td>
                  <td>{a.owner}</td>
                  <td>
                    {a.enabled ? (
                      <span class="label label-success">On</span>
                    ) : (
                      <span class="label label-default">Off</span>
                    )}
                  </td>
                  <td>
                    {a.enabled ? (
                      <button
                        type="button"
                        class="btn btn-default btn-sm"
                        aria-label={`Remove ${a.user}'s two-factor authentication`}
                        onClick={() => setConfirming([a.user])}
                      >
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 ? <p>No account matches “{filter}”.</p> : null}
        </div>
      )}
      {pages > 1 ? (
        <nav aria-label="Account pages" class="whm2fa-pager">
          <button type="button" class="btn btn-default" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span>
            Page {current + 1} of {pages}
          </span>
          <button
            type="button"
            class="btn btn-default"
            disabled={current >= pages - 1}
            onClick={() => setPage(current + 1)}
          >
            Next
          </button>
        </nav>
      ) : null}
      {confirming === undefined ? null : (
        <RemoveForUsers
          users={confirming}
          onClose={() => setConfirming(undefined)}
          onDone={(text) => {
            setConfirming(undefined);
            setSelected(new Set());
            setNotice(text);
            setError(undefined);
            void load();
          }}
        />
      )}
    </section>
  );
}

function RemoveForUsers(props: { users: string[]; onClose: () => void; onDone: (text: string) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setMissing(true);
      return;
    }
    setBusy(true);
    api
      .usersRemove(props.users, reason)
      .then((result) => {
        const failed = Object.entries(result.failed).map(([user, why]) => `${user}: ${why}`);
        const done =
          result.removed.length > 0
            ? `Two-factor authentication removed from ${result.removed.join(', ')}; they were emailed.`
            : '';
        props.onDone([done, failed.length > 0 ? `Not removed: ${failed.join('; ')}` : ''].filter(Boolean).join(' '));
      }, setError)
      .finally(() => setBusy(false));
  };
  const many = props.users.length > 1;
  return (
    <Dialog title="Remove Two-Factor Authentication?" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          {many ? `These ${props.users.length} accounts` : props.users[0]} will log in with a password only until{' '}
          {many ? 'they set' : 'the user sets'} up two-factor authentication again. The reason is recorded and emailed
          to {many ? 'each account' : 'the account'}.
        </p>
        {many ? <p class="whm2fa-names">{props.users.join(', ')}</p> : null}
        <Problem error={error} />
        <div class={`form-group${missing ? ' has-error' : ''}`}>
          <label class="control-label" for="whm2fa-reason">
            Reason
          </label>
          <textarea
            id="whm2fa-reason"
            class="form-control"
            rows={3}
            maxLength={MAX_REASON_LENGTH}
            required
            aria-invalid={missing}
            aria-describedby="whm2fa-reason-hint"
            value={reason}
            onInput={(e) => {
              setReason((e.currentTarget as HTMLTextAreaElement).value);
              setMissing(false);
            }}
          />
          <p class="help-block" id="whm2fa-reason-hint">
            {missing
              ? 'Enter a reason: it is required.'
              : 'For example: “Customer lost their phone, identity checked by ticket 4411”.'}
          </p>
        </div>
        <RemoveActions busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
