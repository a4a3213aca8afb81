import type { Status } from '../../api';
import { localTime } from '../../messages';
import { rich, t } from '../../i18n';

/** An administrator removed this account's 2FA: who, when and why, on the account's own page. */
export function AdminRemoved({ status }: { status: Status }) {
  const removal = status.removedByAdmin;
  if (!removal || status.enabled) return null;
  return (
    <div class="alert alert-warning whm2fa-admin-removed">
      <p>
        {rich(
          'mine.adminRemoved',
          { by: removal.by, time: <time dateTime={removal.at}>{localTime(removal.at)}</time> },
          { strong: (s) => <strong>{s}</strong> },
        )}
      </p>
      {removal.reason === '' ? null : <p>{t('mine.adminRemovedReason', { reason: removal.reason })}</p>}
      <p>{t('mine.adminRemovedPasswordOnly')}</p>
    </div>
  );
}

/**
 * Where to turn when the phone is lost, while 2FA is on: root runs the command over SSH;
 * anyone else asks the host (root), or the reseller that owns the account, in Manage Users.
 */
export function LostDevice({ status }: { status: Status }) {
  if (!status.enabled) return null;
  return (
    <div class="whm2fa-lost">
      <h3>{t('lost.heading')}</h3>
      {status.user === 'root' ? (
        <p>{rich('lost.root', { command: <code dir="ltr">{'whm2fa remove root --reason "lost phone"'}</code> }, {})}</p>
      ) : (
        <p>{t('lost.reseller')}</p>
      )}
    </div>
  );
}
