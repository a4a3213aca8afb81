import { useState } from 'preact/hooks';
import { api, ApiError, type Status } from '../../api';
import { useCodeForm } from '../../codeForm';
import { CurrentCodeCheck } from '../../components/CodeField';
import { Dialog } from '../../components/Dialog';
import { useSecondsLeft } from '../../components/Problem';
import { Submit } from '../../components/Submit';
import { RECOVERY_CODE_COUNT, RECOVERY_CODES_LOW } from '../../../../plugin/src/rules';
import { rich, t } from '../../i18n';

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
      new Blob([`${t('codes.fileHeading', { user: props.user, host: location.hostname })}\n\n${text}\n`], {
        type: 'text/plain',
      }),
    );
    a.download = `whm2fa-recovery-codes-${props.user}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  };
  return (
    <section class="whm2fa-codes" aria-labelledby="whm2fa-codes-title">
      <h3 id="whm2fa-codes-title">{t('codes.heading', { user: props.user })}</h3>
      <p class="alert alert-warning whm2fa-noprint">
        {rich('codes.shownOnce', {}, { strong: (s) => <strong>{s}</strong> })}
      </p>
      <ol class="whm2fa-code-list" dir="ltr">
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
          {copied ? t('codes.copied') : t('codes.copy')}
        </button>{' '}
        <button type="button" class="btn btn-default" onClick={download}>
          {t('codes.download')}
        </button>{' '}
        <button type="button" class="btn btn-default" onClick={() => window.print()}>
          {t('codes.print')}
        </button>{' '}
        <button type="button" class="btn btn-primary" onClick={props.onDone}>
          {t('codes.saved')}
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
      <h3>{t('codes.leftHeading')}</h3>
      <p class={n !== null && n > RECOVERY_CODES_LOW ? undefined : 'alert alert-warning'}>
        {n === null
          ? t('codes.none')
          : n > RECOVERY_CODES_LOW
            ? t('codes.left', { count: n, total: RECOVERY_CODE_COUNT })
            : t('codes.leftLow', { count: n, total: RECOVERY_CODE_COUNT })}
      </p>
      <p>
        <button type="button" class="btn btn-default" disabled={props.locked} onClick={props.onNew}>
          {t('codes.makeNew')}
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
    <Dialog title={t('codes.newTitle')} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>{t('codes.newText')}</p>
        <CurrentCodeCheck id="whm2fa-new-codes-code" form={form} error={error} status={props.status} locked={locked} />
        <p>
          <Submit class="btn-primary" busy={busy} busyText={t('codes.newBusy')} disabled={locked}>
            {t('codes.newButton')}
          </Submit>{' '}
          <button type="button" class="btn btn-default" data-safe onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </p>
      </form>
    </Dialog>
  );
}
