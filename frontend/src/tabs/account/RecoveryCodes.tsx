import { useState } from 'preact/hooks';
import { api, ApiError, type Status } from '../../api';
import { useCodeForm } from '../../codeForm';
import { CurrentCodeCheck } from '../../components/CodeField';
import { Dialog } from '../../components/Dialog';
import { useSecondsLeft } from '../../components/Problem';
import { Submit } from '../../components/Submit';
import { RECOVERY_CODE_COUNT, RECOVERY_CODES_LOW } from '../../../../plugin/src/rules';

/**
 * New recovery codes, shown this once (the server keeps only their hashes): the list, and
 * Copy, Download as text and Print (the print style sheet shows only this panel).
 */
export function ShownCodes(props: { user: string; codes: readonly string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = props.codes.join('\n');
  const download = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(
      new Blob([`Two-factor authentication recovery codes for ${props.user} (${location.hostname})\n\n${text}\n`], {
        type: 'text/plain',
      }),
    );
    a.download = `whm2fa-recovery-codes-${props.user}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  };
  return (
    <section class="whm2fa-codes" aria-labelledby="whm2fa-codes-title">
      <h3 id="whm2fa-codes-title">Recovery codes for {props.user}</h3>
      <p class="alert alert-warning whm2fa-noprint">
        <strong>They are shown only now.</strong> Save them somewhere safe, away from your phone. If you lose your
        phone, give one to your host (or the reseller that owns your account): it proves it is you when they remove
        two-factor authentication. Each code works once.
      </p>
      <ol class="whm2fa-code-list">
        {props.codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <p class="whm2fa-noprint">
        <button
          type="button"
          class="btn btn-default"
          onClick={() => void navigator.clipboard?.writeText(text).then(() => setCopied(true))}
        >
          {copied ? 'Codes copied' : 'Copy'}
        </button>{' '}
        <button type="button" class="btn btn-default" onClick={download}>
          Download as text
        </button>{' '}
        <button type="button" class="btn btn-default" onClick={() => window.print()}>
          Print
        </button>{' '}
        <button type="button" class="btn btn-primary" onClick={props.onDone}>
          I have saved them
        </button>
      </p>
    </section>
  );
}

/** How many recovery codes are left (a warning at 3 or fewer), and the way to new ones. */
export function CodesLeft(props: { status: Status; locked: boolean; onNew: () => void }) {
  const n = props.status.recoveryCodesLeft;
  if (!props.status.enabled) return null;
  return (
    <div class="whm2fa-codes-left">
      <h3>Recovery codes</h3>
      <p class={n !== null && n > RECOVERY_CODES_LOW ? undefined : 'alert alert-warning'}>
        {n === null
          ? 'You have no recovery codes for this device.'
          : `${String(n)} of ${String(RECOVERY_CODE_COUNT)} recovery codes left.${n > RECOVERY_CODES_LOW ? '' : ' Make new ones soon: without one, your identity cannot be confirmed if you lose your phone.'}`}
      </p>
      <p>
        <button type="button" class="btn btn-default" disabled={props.locked} onClick={props.onNew}>
          Make new recovery codes
        </button>
      </p>
    </div>
  );
}

/** "Make new recovery codes?": the earlier ones stop working; a current code confirms it. */
export function NewCodes(props: {
  status: Status;
  onClose: () => void;
  onDone: (codes: readonly string[], warning?: string) => void;
  onChanged: () => void;
}) {
  const form = useCodeForm({ code: '' });
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const locked = useSecondsLeft(props.status.lockedUntil) > 0;
  const submit = (e: Event) => {
    e.preventDefault();
    const codes = form.checked();
    if (busy || codes === undefined) return;
    setBusy(true);
    api
      .recoveryRegenerate(codes.code)
      .then(
        (done) => props.onDone(done.recoveryCodes, done.warning),
        (err: ApiError) => {
          setError(err);
          form.refused(err);
          props.onChanged();
        },
      )
      .finally(() => setBusy(false));
  };
  return (
    <Dialog title="Make new recovery codes?" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>Your current recovery codes stop working. Enter a current code to confirm it is you.</p>
        <CurrentCodeCheck id="whm2fa-new-codes-code" form={form} error={error} status={props.status} locked={locked} />
        <p>
          <Submit class="btn-primary" busy={busy} busyText="Making codes…" disabled={locked}>
            Make new codes
          </Submit>{' '}
          <button type="button" class="btn btn-default" data-safe onClick={props.onClose}>
            Cancel
          </button>
        </p>
      </form>
    </Dialog>
  );
}
