import type { CoverageReport, Figure } from '../../api';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const count = new Intl.NumberFormat();

/** "50% (2 of 4)", through the browser's number formats; "no accounts" when there are none. */
function share(s: { protected: number; total: number }): string {
  if (s.total === 0) return 'no accounts';
  return `${percent.format(s.protected / s.total)} (${count.format(s.protected)} of ${count.format(s.total)})`;
}

/** A snapshot's UTC day in the user's own date format. */
function day(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC' });
}

/** One figure: the share with 2FA now, and about 30 days ago (or that it is not known yet). */
function FigureText({ figure }: { figure: Figure }) {
  const old = figure.thirtyDaysAgo;
  return (
    <>
      {share(figure.now)} with 2FA now; 30 days ago:{' '}
      {old === null ? 'not known yet' : `${share(old)} on ${day(old.day)}`}.
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
      <h3>Coverage over time</h3>
      <ul>
        {report.server === null ? null : (
          <li>
            <strong>This server:</strong> <FigureText figure={report.server} />
          </li>
        )}
        {own === undefined ? null : (
          <li>
            <strong>Your accounts:</strong> <FigureText figure={own} />
          </li>
        )}
      </ul>
      {report.server === null || report.resellers.length === 0 ? null : (
        <details>
          <summary>By reseller ({count.format(report.resellers.length)})</summary>
          <ul class="whm2fa-resellers">
            {report.resellers.map((r) => (
              <li key={r.reseller}>
                <strong>{r.reseller}:</strong> <FigureText figure={r} />
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
        {props.policyEnabled ? (
          <>
            <strong>
              {on} of {all} accounts protected
            </strong>{' '}
            with two-factor authentication.
          </>
        ) : (
          <>
            <strong>
              {on} of {all} accounts
            </strong>{' '}
            have two-factor authentication set up, but no login asks for a code while the login policy is off.
          </>
        )}
      </p>
      {props.report === undefined ? null : <CoverageTrend report={props.report} />}
      <p class="help-block">
        cPanel users turn two-factor authentication on in cPanel itself (Security › Two-Factor Authentication). Here you
        can send them a reminder that says how, or remove it, for example when someone loses their phone; they are
        emailed if they have a contact address.
      </p>
    </>
  );
}
