import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type SettingsData, type Status } from '../api';
import { Notice, Problem } from '../components/Problem';
import { ISSUER_PATTERN as ISSUER, MAX_ISSUER_INPUT_LENGTH, MAX_ISSUER_LENGTH } from '../../../plugin/src/rules';

export function issuerProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === '' || ISSUER.test(v)) return undefined;
  return v.length > MAX_ISSUER_LENGTH
    ? `Use at most ${String(MAX_ISSUER_LENGTH)} characters.`
    : 'Use only letters, digits, spaces, dots (.), underscores (_) and hyphens (-).';
}

/** "Settings": the issuer apps show, and (root) cPanel's two-factor login policy. */
export function Settings(props: { status: Status; onChanged: () => void }) {
  const [data, setData] = useState<SettingsData | undefined>();
  const [issuer, setIssuer] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.settingsGet().then((d) => {
      setData(d);
      setIssuer(d.issuer === d.systemWideIssuer && !props.status.isRoot ? '' : d.issuer);
    }, setError);
  }, []);
  if (data === undefined)
    return error === undefined ? <p aria-busy="true">Loading settings…</p> : <Problem error={error} />;

  const problem = issuerProblem(issuer);
  const fallback = props.status.isRoot ? 'the server hostname' : data.systemWideIssuer;
  const preview =
    issuer.trim() === '' ? (props.status.isRoot ? data.systemWideIssuer : data.systemWideIssuer) : issuer.trim();
  const save = (e: Event) => {
    e.preventDefault();
    if (problem !== undefined) return;
    setBusy(true);
    setError(undefined);
    api
      .settingsSet(issuer.trim())
      .then((d) => {
        setData(d);
        setNotice(`Issuer saved: authenticator apps will show “${d.issuer}” for new setups.`);
        props.onChanged();
      }, setError)
      .finally(() => setBusy(false));
  };
  const switchPolicy = (enabled: boolean) => {
    setBusy(true);
    setError(undefined);
    api
      .policySet(enabled)
      .then((d) => {
        setData({ ...data, policyEnabled: d.policyEnabled });
        setNotice(d.policyEnabled ? 'The two-factor login policy is on.' : 'The two-factor login policy is off.');
        props.onChanged();
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="whm2fa-settings-title">
      <h2 id="whm2fa-settings-title">Settings</h2>
      <Notice text={notice} />
      <Problem error={error} />
      <form onSubmit={save} noValidate class="whm2fa-issuer">
        <div class={`form-group${problem === undefined ? '' : ' has-error'}`}>
          <label class="control-label" for="whm2fa-issuer">
            Issuer
          </label>
          <input
            id="whm2fa-issuer"
            class="form-control"
            type="text"
            maxLength={MAX_ISSUER_INPUT_LENGTH}
            value={issuer}
            aria-invalid={problem !== undefined}
            aria-describedby="whm2fa-issuer-hint whm2fa-issuer-preview"
            onInput={(e) => setIssuer((e.currentTarget as HTMLInputElement).value)}
          />
          <p class="help-block" id="whm2fa-issuer-hint" aria-live="polite">
            {problem ??
              `The name authenticator apps show above the code: 1 to 32 letters, digits, spaces, dots, underscores or hyphens. Leave it empty to use the default (${props.status.isRoot ? fallback : data.systemWideIssuer}).`}
          </p>
          <p class="whm2fa-preview" id="whm2fa-issuer-preview">
            Your app will show: <strong>{preview}</strong> ({props.status.user})
          </p>
        </div>
        <p class="help-block">
          {props.status.isRoot
            ? 'This is the server-wide issuer; resellers may set their own.'
            : 'This is your own issuer; it does not change the server-wide one.'}{' '}
          Existing app entries keep their old name until they are set up again.
        </p>
        <button type="submit" class="btn btn-primary" disabled={busy || problem !== undefined}>
          Save issuer
        </button>
      </form>
      {props.status.isRoot ? (
        <div class="whm2fa-policy">
          <h3>Two-factor login policy</h3>
          <p>
            When it is on, cPanel asks for a security code at WHM, cPanel and Webmail login for every account that has
            two-factor authentication set up. When it is off, no login asks for a code, even for those accounts.
          </p>
          <div class="checkbox">
            <label>
              <input
                type="checkbox"
                role="switch"
                checked={data.policyEnabled}
                disabled={busy}
                onChange={(e) => switchPolicy((e.currentTarget as HTMLInputElement).checked)}
              />{' '}
              Ask for a security code at login (cPanel's two-factor authentication policy)
            </label>
          </div>
        </div>
      ) : (
        <p class="help-block">
          The two-factor login policy is {data.policyEnabled ? 'on' : 'off'}; only your host can change it.
        </p>
      )}
    </section>
  );
}
