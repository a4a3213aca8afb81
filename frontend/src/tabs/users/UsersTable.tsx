import type { Account, SortKey } from '../../api';
import { ScrollRegion } from '../../components/ScrollRegion';

/** The columns people sort by (the server sorts: users.list's `sort`). */
const COLUMNS: Array<[SortKey, string]> = [
  ['user', 'Account'],
  ['domain', 'Domain'],
  ['owner', 'Owner'],
  ['enabled', '2FA'],
  ['lastReminded', 'Last reminded'],
];

/** When a reminder last went out, as a date in the user's own format. */
function reminded(a: Account) {
  if (a.lastReminded === null) return a.enabled ? null : 'never';
  return <time dateTime={a.lastReminded}>{new Date(a.lastReminded).toLocaleDateString()}</time>;
}

/**
 * One page of accounts. An account with 2FA is checked for a removal ("Select NAME"), one
 * without for a reminder ("Select NAME for a reminder"), so what each action sends is
 * exactly what is checked for it.
 */
export function UsersTable(props: {
  rows: readonly Account[];
  selected: ReadonlyMap<string, Account>;
  sort: { key: SortKey; up: boolean };
  onSort: (key: SortKey) => void;
  onToggle: (accounts: readonly Account[], on: boolean) => void;
  onRemove: (user: string) => void;
}) {
  const { rows, selected, sort } = props;
  const selectable = rows.filter((r) => r.enabled);
  const all = selectable.length > 0 && selectable.every((a) => selected.has(a.user));
  return (
    <ScrollRegion label="Accounts table">
      <table class="table table-striped whm2fa-users">
        <caption class="sr-only">Accounts and their two-factor authentication</caption>
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Select every account on this page that has two-factor authentication"
                checked={all}
                disabled={selectable.length === 0}
                onChange={() => props.onToggle(selectable, !all)}
              />
            </th>
            {COLUMNS.map(([key, label]) => (
              <th
                scope="col"
                key={key}
                aria-sort={sort.key === key ? (sort.up ? 'ascending' : 'descending') : undefined}
              >
                <button type="button" class="btn btn-link whm2fa-sort" onClick={() => props.onSort(key)}>
                  {label}
                  {sort.key === key ? <span aria-hidden="true">{sort.up ? ' ▲' : ' ▼'}</span> : null}
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
                  aria-label={a.enabled ? `Select ${a.user}` : `Select ${a.user} for a reminder`}
                  checked={selected.has(a.user)}
                  onChange={() => props.onToggle([a], !selected.has(a.user))}
                />
              </td>
              <td>{a.user}</td>
              <td>{a.domain}</td>
              <td>{a.owner}</td>
              <td>
                {a.enabled ? <span class="label label-success">On</span> : <span class="label label-default">Off</span>}
              </td>
              <td>{reminded(a)}</td>
              <td>
                {a.enabled ? (
                  <button
                    type="button"
                    class="btn btn-default btn-sm"
                    aria-label={`Remove ${a.user}'s two-factor authentication`}
                    onClick={() => props.onRemove(a.user)}
                  >
                    Remove
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
