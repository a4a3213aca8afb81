import type { ApiError, Status } from '../../api';
import type { CodeForm } from '../../codeForm';
import { CodeField } from '../../components/CodeField';
import { Submit } from '../../components/Submit';
import { AttemptsLeft, LockNotice, Problem, useSecondsLeft } from '../../components/Problem';
import { clockTime, countdown } from '../../messages';

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
        label={props.replacing ? 'Security code from the new device' : 'Security code'}
        value={form.values.code}
        onInput={(v) => form.set('code', v)}
        error={form.errors.code}
        inputRef={form.refs.code}
        hint={props.replacing ? 'The 6-digit code the app shows for the new key above.' : undefined}
      />
      {props.replacing ? (
        <CodeField
          id="whm2fa-current-code"
          label="Current security code from the device you use now"
          value={form.values.currentCode}
          onInput={(v) => form.set('currentCode', v)}
          error={form.errors.currentCode}
          inputRef={form.refs.currentCode}
          hint="The 6-digit code from the device that works today (your old phone)."
        />
      ) : null}
      <AttemptsLeft status={status} locked={locked} />
      <p>
        <Submit class="btn-primary" busy={props.busy} busyText="Checking the code…" disabled={locked}>
          Configure Two-Factor Authentication
        </Submit>{' '}
        <button type="button" class="btn btn-default" onClick={props.onCancel}>
          Cancel
        </button>
      </p>
      <p class="help-block">
        This key expires in <span class="whm2fa-countdown">{countdown(left)}</span> (at {clockTime(props.expiresAt)}) if
        it is not confirmed.
      </p>
      <div role="status">
        {left < WARN_SECONDS ? (
          <p class="alert alert-warning">
            Less than 2 minutes left: enter the code soon. If the key expires, you can get a new one with one click.
          </p>
        ) : null}
      </div>
    </form>
  );
}
