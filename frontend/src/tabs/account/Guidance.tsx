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

/** Where to turn when the phone is lost: who can remove 2FA, and root's command. */
export function LostDevice({ status }: { status: Status }) {
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
          If you cannot get a code, ask whoever manages your account to remove two-factor authentication: the reseller
          that owns your account, or your host. On the server, root can also run{' '}
          <code>whm2fa remove {status.user} --reason "lost phone"</code>. Then set it up again with your new phone. If
          you still have the old phone, use Reconfigure instead.
        </p>
      )}
    </div>
  );
}
