import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type SettingsData, type Status } from '../api';
import { Notice, Problem } from '../components/Problem';
import { IssuerForm } from './settings/IssuerForm';
import { PolicySwitch } from './settings/PolicySwitch';
import { t } from '../i18n';

/** "Settings": the issuer apps show, and (root) cPanel's two-factor login policy. */
export function Settings(props: { status: Status; onChanged: () => void }) {
  const [data, setData] = useState<SettingsData | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [notice, setNotice] = useState<{ text: string; tone: 'success' | 'warning'; policy?: boolean } | undefined>();
  const [busy, setBusy] = useState(false);
  // The policy as the page last read it: the banner above can change it too.
  const policy = props.status.policyEnabled;

  useEffect(() => {
    api.settingsGet().then(setData, setError);
  }, []);
  // A notice about the policy that no longer holds goes.
  useEffect(() => {
    if (notice?.policy !== undefined && notice.policy !== policy) setNotice(undefined);
  }, [policy]);
  if (data === undefined)
    return error === undefined ? <p aria-busy="true">{t('settings.loading')}</p> : <Problem error={error} />;

  // A refused change: the reason, and the settings as the server has them now.
  const refused = (err: ApiError) => {
    setNotice(undefined);
    setError(err);
    api.settingsGet().then(setData, () => undefined);
  };

  const switchPolicy = (enabled: boolean) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    api
      .policySet(enabled)
      .then((d) => {
        setData({ ...data, policyEnabled: d.policyEnabled });
        setNotice(
          d.policyEnabled
            ? { text: t('policy.turnedOn'), tone: 'success', policy: true }
            : {
                text: t('policy.turnedOff'),
                tone: 'warning',
                policy: false,
              },
        );
        props.onChanged();
      }, refused)
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="whm2fa-settings-title">
      <h2 id="whm2fa-settings-title">{t('settings.heading')}</h2>
      <Notice text={notice?.text} tone={notice?.tone} />
      <Problem error={error} />
      <IssuerForm
        status={props.status}
        data={data}
        onError={refused}
        onSaved={(d) => {
          setData(d);
          setError(undefined);
          setNotice({
            text: t('issuer.saved', { issuer: d.issuer }),
            tone: 'success',
          });
          props.onChanged();
        }}
      />
      {props.status.isRoot ? (
        <PolicySwitch enabled={policy} busy={busy} onSwitch={switchPolicy} />
      ) : (
        <p class="help-block">{policy ? t('policy.onHostOnly') : t('policy.offHostOnly')}</p>
      )}
    </section>
  );
}
