import type { Account } from '../../api';
import { ScrollRegion } from '../../components/ScrollRegion';

/** The columns people sort by. */
export type SortKey = 'user' | 'domain' | 'owner' | 'enabled';
const COLUMNS: Array<[SortKey, string]> = [
  ['user', 'Account'],
  ['domain', 'Domain'],
  ['owner', 'Owner'],
  ['enabled', '2FA'],
];

/**
 * One page of accounts. Only accounts with 2FA on can be checked (there is nothing to
 * remove from the others), so what is checked is exactly what a removal sends.
 */
export function UsersTable(props: {
  rows: Account[];
  selected: ReadonlySet<string>;
  sort: { key: SortKey; up: boolean };
  onSort: (key: SortKey) => void;
  onToggle: (users: string[], on: boolean) => void;
  onRemove: (user: string) => void;
}) {
  const { rows, selected, sort } = props;
  const selectable = rows.filter((r) => r.enabled).map((r) => r.user);
  const all = selectable.length > 0 && selectable.every((u) => selected.has(u));
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
                {a.enabled ? (
                  <input
                    type="checkbox"
                    aria-label={`Select ${a.user}`}
                    checked={selected.has(a.user)}
                    onChange={() => props.onToggle([a.user], !selected.has(a.user))}
                  />
                ) : null}
              </td>
              <td>{a.user}</td>
              <td>{a.domain}</td>
              <td>{a.owner}</td>
              <td>
                {a.enabled ? <span class="label label-success">On</span> : <span class="label label-default">Off</span>}
              </td>
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
