import { useState } from 'preact/hooks';
import { api, ApiError, type SettingsData, type Status } from '../../api';
import { isValidIssuer } from '../../../../plugin/src/rules';
import { issuerProblemText, issuerRule } from '../../issuerText';
import { rich, t } from '../../i18n';
import { Submit } from '../../components/Submit';

/** The issuer field with live checking and a preview of exactly what saving gives. */
export function IssuerForm(props: {
  status: Status;
  data: SettingsData;
  onSaved: (data: SettingsData) => void;
  onError: (error: ApiError) => void;
}) {
  const { data, status } = props;
  const [issuer, setIssuer] = useState(data.issuer === data.systemWideIssuer && !status.isRoot ? '' : data.issuer);
  const [busy, setBusy] = useState(false);
  // The server's own check, naming each refused character.
  const problem = issuerProblemText(issuer.trim());
  // Accents removed, a refused issuer may be one cPanel takes: the preview shows that one.
  const plain = issuer.trim().normalize('NFD').replace(/\p{M}/gu, '');
  const suggestion = problem !== undefined && isValidIssuer(plain) ? plain : undefined;
  const preview = issuer.trim() === '' ? data.defaultIssuer : (suggestion ?? issuer.trim());
  const save = (e: Event) => {
    e.preventDefault();
    if (problem !== undefined || busy) return;
    setBusy(true);
    api
      .settingsSet(issuer.trim())
      .then(props.onSaved, props.onError)
      .finally(() => setBusy(false));
  };
  return (
    <form onSubmit={save} noValidate class="whm2fa-issuer">
      <div class={`form-group${problem === undefined ? '' : ' has-error'}`}>
        <label class="control-label" for="whm2fa-issuer">
          {t('issuer.label')}
        </label>
        <input
          id="whm2fa-issuer"
          class="form-control"
          dir="ltr"
          type="text"
          maxLength={64}
          value={issuer}
          aria-invalid={problem !== undefined}
          aria-describedby="whm2fa-issuer-hint whm2fa-issuer-preview"
          onInput={(e) => setIssuer((e.currentTarget as HTMLInputElement).value)}
        />
        <p class="help-block" id="whm2fa-issuer-hint" aria-live="polite">
          {problem ??
            (status.isRoot
              ? t('issuer.hintRoot', { rule: issuerRule(), default: data.defaultIssuer })
              : t('issuer.hint', { rule: issuerRule(), default: data.defaultIssuer }))}
        </p>
        {problem === undefined || suggestion !== undefined ? (
          <p class="whm2fa-preview" id="whm2fa-issuer-preview">
            {rich(
              suggestion === undefined ? 'issuer.preview' : 'issuer.previewNoAccents',
              { issuer: <strong dir="ltr">{preview}</strong>, user: status.user },
              {},
            )}
          </p>
        ) : null}
      </div>
      <p class="help-block">
        {status.isRoot ? t('issuer.scopeRoot') : t('issuer.scope')} {t('issuer.existingEntries')}
      </p>
      <Submit class="btn-primary" busy={busy} busyText={t('issuer.saving')} disabled={problem !== undefined}>
        {t('issuer.save')}
      </Submit>
    </form>
  );
}
