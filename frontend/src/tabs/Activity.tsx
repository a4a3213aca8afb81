import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type AuditEntry, type AuditFilter } from '../api';
import { Problem } from '../components/Problem';
import { ActivityTable } from './activity/ActivityTable';
import { auditCsv, download } from './activity/csv';
import { Filters } from './activity/Filters';
import { t } from '../i18n';

const PAGE = 25;
/** The most audit.list gives at once: an export asks for this many a time. */
const EXPORT_PAGE = 500;

/** "Activity": the audit entries the caller may see, newest first, filtered, a page at a time, as CSV. */
export function Activity() {
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [filter, setFilter] = useState<AuditFilter>({});
  // Focus goes to the count once a filter is applied (not when the tab opens).
  const [applied, setApplied] = useState(0);
  const count = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (applied > 0) count.current?.focus();
  }, [applied]);
  const [more, setMore] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const load = (f: AuditFilter, before?: string) =>
    // Times repeat (one change of several accounts): also say how many at `before` are shown.
    api.auditList(PAGE, f, before, entries?.filter((e) => e.at === before).length).then((d) => {
      setError(undefined);
      setEntries((old) => [...(before === undefined ? [] : (old ?? [])), ...d.entries]);
      setMore(d.entries.length === PAGE);
      return d.entries.length === PAGE;
    }, setError);
  useEffect(() => {
    void load(filter);
  }, [filter]);
  // Every matching entry, not only those shown: older pages until one comes back short.
  const exportAll = async () => {
    if (exporting) return;
    setExporting(true);
    try {
      const all: AuditEntry[] = [];
      for (let got = EXPORT_PAGE; got === EXPORT_PAGE;) {
        const before = all.at(-1)?.at;
        const d = await api.auditList(EXPORT_PAGE, filter, before, all.filter((e) => e.at === before).length);
        all.push(...d.entries);
        got = d.entries.length;
      }
      download('whm2fa-activity.csv', auditCsv(all));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setExporting(false);
    }
  };
  if (entries === undefined)
    return error === undefined ? <p aria-busy="true">{t('activity.loading')}</p> : <Problem error={error} />;
  const filtered = filter.user !== undefined || filter.auditAction !== undefined;
  return (
    <section aria-labelledby="whm2fa-activity-title">
      <h2 id="whm2fa-activity-title">{t('activity.heading')}</h2>
      <Filters
        onApply={(f) => {
          setFilter(f);
          setApplied(applied + 1);
        }}
      />
      <Problem error={error} />
      <p role="status" class="whm2fa-count" tabIndex={-1} ref={count}>
        {entries.length === 0
          ? filtered
            ? t('activity.noMatch')
            : t('activity.nothing')
          : filtered
            ? t('activity.showingMatching', { count: entries.length })
            : t('activity.showing', { count: entries.length })}
      </p>
      {entries.length === 0 ? null : (
        <>
          <ActivityTable entries={entries} />
          <p>
            {more ? (
              <button
                type="button"
                class="btn btn-default"
                onClick={() =>
                  // With the last page the button goes: focus moves to the count of what is shown.
                  void load(filter, entries.at(-1)?.at).then((left) => {
                    if (left === false) count.current?.focus();
                  })
                }
              >
                {t('activity.older')}
              </button>
            ) : null}{' '}
            <button
              type="button"
              class="btn btn-default"
              aria-busy={exporting}
              aria-disabled={exporting}
              onClick={() => void exportAll()}
            >
              {exporting ? t('activity.exporting') : filtered ? t('activity.exportMatching') : t('activity.export')}
            </button>
          </p>
        </>
      )}
    </section>
  );
}
