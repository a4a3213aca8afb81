import type { Status } from '../../api';
import { localTime } from '../../messages';

/** An administrator removed this account's 2FA: who, when and why, on the account's own page. */
export function AdminRemoved({ status }: { status: Status }) {
  const removal = status.removedByAdmin;
  if (!removal || status.enabled) return null;
  return (
    <div class="alert alert-warning whm2fa-admin-removed">
      <p>
        <strong>An administrator removed two-factor authentication from this account:</strong> {removal.by}, on{' '}
        <time dateTime={removal.at}>{localTime(removal.at)}</time>.
      </p>
      {removal.reason === '' ? null : <p>Reason given: “{removal.reason}”</p>}
      <p>Logging in needs only your password until you set it up again.</p>
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
      <h3>Lost your phone?</h3>
      {status.user === 'root' ? (
        <p>
          Log in to the server over SSH as root and run <code>whm2fa remove root --reason "lost phone"</code>, then set
          up two-factor authentication again with your new phone.
        </p>
      ) : (
        <p>
          If you cannot get a code, ask your host (root), or the reseller that owns your account if there is one, to
          remove two-factor authentication in Manage Users, and give them one of your recovery codes to prove it is you.
          Then set it up again with your new phone, or use Reconfigure if you still have the old one.
        </p>
      )}
    </div>
  );
}
