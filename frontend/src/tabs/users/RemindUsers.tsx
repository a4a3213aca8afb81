import { REMINDER_INTERVAL_DAYS } from '../../../../plugin/src/rules';
import { useState } from 'preact/hooks';
import { api, ApiError, type RemindOutcome } from '../../api';
import { Dialog } from '../../components/Dialog';
import { Problem } from '../../components/Problem';
import { Submit } from '../../components/Submit';
import { localTime } from '../../messages';
import type { RemovalOutcome } from './RemoveForUsers';

/** What a reminder run did, per account, as the notice says it: sent, not sent (why), skipped (why). */
export function remindNotice(result: RemindOutcome): RemovalOutcome {
  const why = (text: string) => text.replace(/\.$/, '');
  const notSent = Object.entries(result.notSent)
    .map(([user, reason]) => `${user}: ${why(reason)}`)
    .join('; ');
  const skipped = Object.entries(result.skipped)
    .map(([user, skip]) =>
      skip.nextAllowed === undefined
        ? `${user}: ${why(skip.reason)}`
        : `${user}: reminded in the last ${String(REMINDER_INTERVAL_DAYS)} days, the next can go from ${localTime(skip.nextAllowed)}`,
    )
    .join('; ');
  const text = [
    result.sent.length > 0 ? `Reminder sent to ${result.sent.join(', ')}.` : 'No reminder was sent.',
    notSent === '' ? '' : `Not sent: ${notSent}.`,
    skipped === '' ? '' : `Skipped: ${skipped}.`,
    result.warning ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return { text, partial: notSent !== '' || skipped !== '' || result.warning !== undefined };
}

/** The confirmation for reminding exactly `users` (accounts without 2FA) to set it up. */
export function RemindUsers(props: {
  users: string[];
  onClose: () => void;
  onDone: (outcome: RemovalOutcome) => void;
}) {
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    api
      .usersRemind(props.users)
      .then((result) => props.onDone(remindNotice(result)), setError)
      .finally(() => setBusy(false));
  };
  const many = props.users.length > 1;
  return (
    <Dialog title="Send reminders to set up two-factor authentication?" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          {many ? `Each of these ${String(props.users.length)} accounts` : props.users[0]} will get an email at its
          contact address saying how to turn two-factor authentication on in cPanel (Security › Two-Factor
          Authentication), with a link to that page on this server. It asks for no password or code. An account reminded
          in the last {REMINDER_INTERVAL_DAYS} days is skipped.
        </p>
        {many ? <p class="whm2fa-names">{props.users.join(', ')}</p> : null}
        <Problem error={error} />
        <p>
          <Submit class="btn-primary" busy={busy} busyText="Sending…">
            Send reminders
          </Submit>{' '}
          <button type="button" class="btn btn-default" data-safe onClick={props.onClose}>
            Cancel
          </button>
        </p>
      </form>
    </Dialog>
  );
}
