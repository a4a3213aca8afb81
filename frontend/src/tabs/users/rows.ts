import { useMemo } from 'preact/hooks';
import type { Account } from '../../api';
import type { SortKey } from './UsersTable';

/** The accounts that match `filter` (name, domain or owner), sorted by `sort`, then by name. */
export function useAccountRows(
  accounts: Account[] | undefined,
  filter: string,
  sort: { key: SortKey; up: boolean },
): Account[] {
  return useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const rows = (accounts ?? []).filter(
      (a) => needle === '' || `${a.user} ${a.domain} ${a.owner}`.toLowerCase().includes(needle),
    );
    const dir = sort.up ? 1 : -1;
    return rows.sort((a, b) => {
      const x = String(a[sort.key]);
      const y = String(b[sort.key]);
      // The direction applies to the column; equal values stay in name order either way.
      if (x !== y) return (x < y ? -1 : 1) * dir;
      return a.user < b.user ? -1 : a.user > b.user ? 1 : 0;
    });
  }, [accounts, filter, sort]);
}
