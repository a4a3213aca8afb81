import { REMINDER_INTERVAL_DAYS } from '../../../../plugin/src/rules';
import { useState } from 'preact/hooks';
import { api, ApiError, type RemindOutcome } from '../../api';
import { Dialog } from '../../components/Dialog';
import { Problem } from '../../components/Problem';
import { Submit } from '../../components/Submit';
import { listOf, localTime } from '../../messages';
import { t } from '../../i18n';
import type { RemovalOutcome } from './RemoveForUsers';

/** What a reminder run did, per account, as the notice says it: sent, not sent (why), skipped (why). */
export function remindNotice(result: RemindOutcome): RemovalOutcome {
  const why = (text: string) => text.replace(/\.$/, '');
  const notSent = Object.entries(result.notSent)
    .map(([user, reason]) => t('notice.userReason', { user, reason: why(reason) }))
    .join(t('notice.separator'));
  const skipped = Object.entries(result.skipped)
    .map(([user, skip]) =>
      skip.nextAllowed === undefined
        ? t('notice.userReason', { user, reason: why(skip.reason) })
        : t('remind.skippedRecently', { user, count: REMINDER_INTERVAL_DAYS, time: localTime(skip.nextAllowed) }),
    )
    .join(t('notice.separator'));
  const text = [
    result.sent.length > 0 ? t('remind.sent', { users: listOf(result.sent) }) : t('remind.noneSent'),
    notSent === '' ? '' : t('remind.notSent', { list: notSent }),
    skipped === '' ? '' : t('remind.skipped', { list: skipped }),
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
    <Dialog title={t('remind.title')} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          {many
            ? t('remind.textMany', { count: props.users.length, days: REMINDER_INTERVAL_DAYS })
            : t('remind.textOne', { user: props.users[0] ?? '', days: REMINDER_INTERVAL_DAYS })}
        </p>
        {many ? <p class="whm2fa-names">{listOf(props.users)}</p> : null}
        <Problem error={error} />
        <p>
          <Submit class="btn-primary" busy={busy} busyText={t('remind.busy')}>
            {t('remind.button')}
          </Submit>{' '}
          <button type="button" class="btn btn-default" data-safe onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </p>
      </form>
    </Dialog>
  );
}
