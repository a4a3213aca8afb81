/**
 * The security code input (docs/totp.md, requirement 10): one text field, one-time-code autofill,
 * numeric keyboard, paste allowed; spaces are removed when the form is sent.
 */
export function CodeField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  hint?: string | undefined;
}) {
  const hintId = `${props.id}-hint`;
  return (
    <div class="form-group">
      <label class="control-label" for={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        name={props.id}
        class="form-control whm2fa-code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        spellcheck={false}
        maxLength={12}
        required
        aria-describedby={hintId}
        value={props.value}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <p class="help-block" id={hintId}>
        {props.hint ?? 'The 6-digit code your authenticator app shows now.'}
      </p>
    </div>
  );
}

export function cleanCode(value: string): string {
  return value.replace(/[\s-]+/g, '');
}
