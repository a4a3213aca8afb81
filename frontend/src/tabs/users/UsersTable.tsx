import type { Account, SortKey } from '../../api';
import { ScrollRegion } from '../../components/ScrollRegion';
import { t, type MessageId } from '../../i18n';
import { localDate } from '../../messages';

/** The columns people sort by (the server sorts: users.list's `sort`). */
const COLUMNS: Array<[SortKey, MessageId]> = [
  ['user', 'users.column.account'],
  ['domain', 'users.column.domain'],
  ['owner', 'users.column.owner'],
  ['enabled', 'users.column.enabled'],
  ['lastReminded', 'users.column.lastReminded'],
];

/** When a reminder last went out, as a date in the user's own format. */
function reminded(a: Account) {
  if (a.lastReminded === null) return a.enabled ? null : t('users.never');
  return <time dateTime={a.lastReminded}>{localDate(a.lastReminded)}</time>;
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
    <ScrollRegion label={t('users.tableLabel')}>
      <table class="table table-striped whm2fa-users">
        <caption class="sr-only">{t('users.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                aria-label={t('users.selectAll')}
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
                  {t(label)}
                  {sort.key === key ? <span aria-hidden="true">{sort.up ? ' ▲' : ' ▼'}</span> : null}
                </button>
              </th>
            ))}
            <th scope="col">
              <span class="sr-only">{t('users.column.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.user}>
              <td>
                <input
                  type="checkbox"
                  aria-label={
                    a.enabled ? t('users.select', { user: a.user }) : t('users.selectForReminder', { user: a.user })
                  }
                  checked={selected.has(a.user)}
                  onChange={() => props.onToggle([a], !selected.has(a.user))}
                />
              </td>
              <td>{a.user}</td>
              <td>{a.domain}</td>
              {/* Labelled for the narrow-screen cards, where the header row is hidden (app.css). */}
              <td data-label={t('users.column.owner')}>{a.owner}</td>
              <td>
                {a.enabled ? (
                  <span class="label label-success">{t('state.on')}</span>
                ) : (
                  <span class="label label-default">{t('state.off')}</span>
                )}
              </td>
              <td data-label={t('users.column.lastReminded')}>{reminded(a)}</td>
              <td>
                {a.enabled ? (
                  <button
                    type="button"
                    class="btn btn-default btn-sm"
                    aria-label={t('users.removeOne', { user: a.user })}
                    onClick={() => props.onRemove(a.user)}
                  >
                    {t('users.removeButton')}
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
