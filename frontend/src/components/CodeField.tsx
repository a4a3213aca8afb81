import type { Ref } from 'preact';
import type { ApiError, Status } from '../api';
import type { CodeForm } from '../codeForm';
import { AttemptsLeft, LockNotice, Problem } from './Problem';
import { t } from '../i18n';

/**
 * The security code input (docs/totp.md, requirement 10): one text field, one-time-code autofill,
 * numeric keyboard, paste allowed; spaces are removed when the form is sent. An error
 * names this field's problem and marks it invalid.
 */
export function CodeField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  hint?: string | undefined;
  error?: string | undefined;
  inputRef?: Ref<HTMLInputElement> | undefined;
}) {
  const hintId = `${props.id}-hint`;
  const bad = props.error !== undefined;
  return (
    <div class={`form-group${bad ? ' has-error' : ''}`}>
      <label class="control-label" for={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        name={props.id}
        ref={props.inputRef ?? null}
        class="form-control whm2fa-code"
        dir="ltr"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        spellcheck={false}
        maxLength={12}
        required
        aria-invalid={bad}
        aria-describedby={hintId}
        value={props.value}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <p class="help-block" id={hintId}>
        {props.error ?? props.hint ?? t('code.hint')}
      </p>
    </div>
  );
}

/**
 * The body of a dialog that asks for the current security code: the refusal, the lock
 * while there is one, the field, and the attempts left.
 */
export function CurrentCodeCheck(props: {
  id: string;
  form: CodeForm<'code'>;
  error: ApiError | undefined;
  status: Status;
  locked: boolean;
}) {
  const { form, error, status, locked } = props;
  return (
    <>
      <Problem error={error} />
      {locked && error?.lockedUntil === undefined && status.lockedUntil !== null ? (
        <LockNotice until={status.lockedUntil} />
      ) : null}
      <CodeField
        id={props.id}
        label={t('code.label')}
        value={form.values.code}
        onInput={(v) => form.set('code', v)}
        error={form.errors.code}
        inputRef={form.refs.code}
      />
      <AttemptsLeft status={status} locked={locked} />
    </>
  );
}
