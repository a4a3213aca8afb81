import { MAX_REASON_LENGTH, MAX_RECOVERY_CODE_INPUT_LENGTH } from '../../../../plugin/src/rules';
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { Dialog, RemoveActions } from '../../components/Dialog';
import { Problem } from '../../components/Problem';
import { t } from '../../i18n';
import { listOf } from '../../messages';

/** What a bulk removal did, for the notice: removed, emailed or not (why), and any not removed with cPanel's reason. */
export interface RemovalOutcome {
  text: string;
  partial: boolean;
}

/**
 * The lost-device removal for exactly `users`: which logins change, and a required reason;
 * for one account, a recovery code its holder gives instead confirms who asked.
 */
export function RemoveForUsers(props: {
  users: string[];
  onClose: () => void;
  onDone: (outcome: RemovalOutcome) => void;
}) {
  const [reason, setReason] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (reason.trim() === '' && code.trim() === '') {
      setMissing(true);
      document.getElementById('whm2fa-reason')?.focus();
      return;
    }
    setBusy(true);
    api
      .usersRemove(props.users, reason, code.trim())
      .then(
        (result) => {
          // Per account: removed or not (why), and for each removed one whether it was emailed (why not).
          const named = (m: Record<string, string>) =>
            Object.entries(m)
              .map(([user, reason]) => t('notice.userReason', { user, reason }))
              .join(t('notice.separator'));
          const failed = named(result.failed);
          const notMailed = named(result.notMailed);
          const text = [
            result.removed.length === 0
              ? t('removeUsers.nothingRemoved')
              : code.trim() === ''
                ? t('removeUsers.removed', { users: listOf(result.removed) })
                : t('removeUsers.removedWithCode', { users: listOf(result.removed) }),
            result.mailed.length > 0 ? t('removeUsers.mailed', { users: listOf(result.mailed) }) : '',
            notMailed === '' ? '' : t('removeUsers.notMailed', { list: notMailed }),
            failed === '' ? '' : t('removeUsers.notRemoved', { list: failed }),
            result.warning ?? '',
          ]
            .filter(Boolean)
            .join(' ');
          props.onDone({ text, partial: failed !== '' || notMailed !== '' || result.warning !== undefined });
        },
        (err: ApiError) => {
          setError(err);
          if (err.fields.includes('recoveryCode')) document.getElementById('whm2fa-recovery-code')?.focus();
        },
      )
      .finally(() => setBusy(false));
  };
  const many = props.users.length > 1;
  return (
    <Dialog title={t('removeUsers.title')} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          {many
            ? t('removeUsers.textMany', { count: props.users.length })
            : t('removeUsers.textOne', { user: props.users[0] ?? '' })}
        </p>
        {many ? <p class="whm2fa-names">{listOf(props.users)}</p> : null}
        <Problem error={error} />
        {many ? null : (
          <div class={`form-group${error?.fields.includes('recoveryCode') === true ? ' has-error' : ''}`}>
            <label class="control-label" for="whm2fa-recovery-code">
              {t('removeUsers.codeLabel')}
            </label>
            <input
              id="whm2fa-recovery-code"
              class="form-control whm2fa-code whm2fa-recovery"
              dir="ltr"
              autoComplete="off"
              spellcheck={false}
              maxLength={MAX_RECOVERY_CODE_INPUT_LENGTH}
              aria-describedby="whm2fa-recovery-code-hint"
              aria-invalid={error?.fields.includes('recoveryCode') === true}
              value={code}
              onInput={(e) => {
                setCode((e.currentTarget as HTMLInputElement).value);
                setMissing(false);
              }}
            />
            <p class="help-block" id="whm2fa-recovery-code-hint">
              {t('removeUsers.codeHint')}
            </p>
          </div>
        )}
        <div class={`form-group${missing ? ' has-error' : ''}`}>
          <label class="control-label" for="whm2fa-reason">
            {t('removeUsers.reasonLabel')}
          </label>
          <textarea
            id="whm2fa-reason"
            class="form-control"
            rows={3}
            maxLength={MAX_REASON_LENGTH}
            required={code.trim() === ''}
            aria-invalid={missing}
            aria-describedby="whm2fa-reason-hint"
            value={reason}
            onInput={(e) => {
              setReason((e.currentTarget as HTMLTextAreaElement).value);
              setMissing(false);
            }}
          />
          <p class="help-block" id="whm2fa-reason-hint">
            {missing
              ? many
                ? t('removeUsers.reasonMissingMany')
                : t('removeUsers.reasonMissing')
              : many
                ? t('removeUsers.reasonHintMany')
                : t('removeUsers.reasonHint')}
          </p>
        </div>
        <RemoveActions busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
