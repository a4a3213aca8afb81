import type { CoverageReport, Figure } from '../../api';
import { languageTag, rich, t } from '../../i18n';
import { localDate } from '../../messages';

/** "50% (2 of 4)", in the page language's number formats; "no accounts" when there are none. */
function share(s: { protected: number; total: number }): string {
  if (s.total === 0) return t('coverage.noAccounts');
  const percent = new Intl.NumberFormat(languageTag(), { style: 'percent', maximumFractionDigits: 0 });
  return t('coverage.share', { percent: percent.format(s.protected / s.total), count: s.protected, total: s.total });
}

/** A snapshot's UTC day in the page language's date format. */
function day(iso: string): string {
  return localDate(`${iso}T00:00:00Z`, { timeZone: 'UTC' });
}

/** One figure: the share with 2FA now, and about 30 days ago (or that it is not known yet). */
function FigureText({ figure }: { figure: Figure }) {
  const old = figure.thirtyDaysAgo;
  return (
    <>
      {old === null
        ? t('coverage.figureUnknown', { now: share(figure.now) })
        : t('coverage.figure', { now: share(figure.now), then: share(old), day: day(old.day) })}
    </>
  );
}

/**
 * Coverage over time in the caller's scope: the server's figure and each reseller's for
 * root (the resellers folded away), the reseller's own otherwise.
 */
export function CoverageTrend({ report }: { report: CoverageReport }) {
  const own = report.server === null ? report.resellers[0] : undefined;
  return (
    <div class="whm2fa-trend">
      <h3>{t('coverage.heading')}</h3>
      <ul>
        {report.server === null ? null : (
          <li>
            <strong>{t('coverage.server')}</strong> <FigureText figure={report.server} />
          </li>
        )}
        {own === undefined ? null : (
          <li>
            <strong>{t('coverage.own')}</strong> <FigureText figure={own} />
          </li>
        )}
      </ul>
      {report.server === null || report.resellers.length === 0 ? null : (
        <details>
          <summary>{t('coverage.byReseller', { count: report.resellers.length })}</summary>
          <ul class="whm2fa-resellers">
            {report.resellers.map((r) => (
              <li key={r.reseller}>
                <strong>{t('coverage.reseller', { reseller: r.reseller })}</strong> <FigureText figure={r} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/**
 * How many accounts have 2FA, said so that it never contradicts the policy banner, and
 * what this tab is for: cPanel users set 2FA up in cPanel itself.
 */
export function Coverage(props: {
  counts: { protected: number; total: number };
  policyEnabled: boolean;
  report?: CoverageReport | undefined;
}) {
  const on = props.counts.protected;
  const all = props.counts.total;
  return (
    <>
      <p class="whm2fa-coverage">
        {rich(
          props.policyEnabled ? 'coverage.protected' : 'coverage.setUpPolicyOff',
          { count: on, total: all },
          {
            strong: (s) => <strong>{s}</strong>,
          },
        )}
      </p>
      {props.report === undefined ? null : <CoverageTrend report={props.report} />}
      <p class="help-block">{t('coverage.help')}</p>
    </>
  );
}
