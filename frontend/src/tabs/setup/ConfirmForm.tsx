import type { ApiError, Status } from '../../api';
import type { CodeForm } from '../../codeForm';
import { CodeField } from '../../components/CodeField';
import { Submit } from '../../components/Submit';
import { AttemptsLeft, LockNotice, Problem, useSecondsLeft } from '../../components/Problem';
import { clockTime, countdown } from '../../messages';
import { rich, t } from '../../i18n';

/** Warn this long before the pending key expires. */
const WARN_SECONDS = 120;

/** The codes that prove the new key (and the current device when replacing), with the key's time left. */
export function ConfirmForm(props: {
  status: Status;
  form: CodeForm<'code' | 'currentCode'>;
  replacing: boolean;
  expiresAt: string;
  error: ApiError | undefined;
  busy: boolean;
  onSubmit: () => void;
  onCancel: () => void;
}) {
  const { status, form, error } = props;
  const left = useSecondsLeft(props.expiresAt);
  const locked = useSecondsLeft(status.lockedUntil) > 0;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
      noValidate
    >
      <Problem error={error} lead={form.lead} />
      {locked && error?.lockedUntil === undefined && status.lockedUntil !== null ? (
        <LockNotice until={status.lockedUntil} />
      ) : null}
      <CodeField
        id="whm2fa-code"
        label={props.replacing ? t('code.labelNewDevice') : t('code.label')}
        value={form.values.code}
        onInput={(v) => form.set('code', v)}
        error={form.errors.code}
        inputRef={form.refs.code}
        hint={props.replacing ? t('code.hintNewDevice') : undefined}
      />
      {props.replacing ? (
        <CodeField
          id="whm2fa-current-code"
          label={t('code.labelCurrent')}
          value={form.values.currentCode}
          onInput={(v) => form.set('currentCode', v)}
          error={form.errors.currentCode}
          inputRef={form.refs.currentCode}
          hint={t('code.hintCurrent')}
        />
      ) : null}
      <AttemptsLeft status={status} locked={locked} />
      <p>
        <Submit class="btn-primary" busy={props.busy} busyText={t('setup.checking')} disabled={locked}>
          {t('setup.configure')}
        </Submit>{' '}
        <button type="button" class="btn btn-default" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </p>
      <p class="help-block">
        {rich('setup.expiresIn', {
          countdown: <span class="whm2fa-countdown">{countdown(left)}</span>,
          time: clockTime(props.expiresAt),
        })}
      </p>
      <div role="status">
        {left < WARN_SECONDS ? <p class="alert alert-warning">{t('setup.expiresSoon')}</p> : null}
      </div>
    </form>
  );
}
