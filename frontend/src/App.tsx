import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, SESSION_ENDED_EVENT, type Status } from './api';
import { Notice, Problem } from './components/Problem';
import { Tabs } from './components/Tabs';
import { MyAccount } from './tabs/MyAccount';
import { loadAdminWords, rich, t } from './i18n';

type AdminTabs = typeof import('./admin');

const TABS = [
  { id: 'mine', label: () => t('app.tab.mine') },
  { id: 'users', label: () => t('app.tab.users') },
  { id: 'settings', label: () => t('app.tab.settings') },
  { id: 'activity', label: () => t('app.tab.activity') },
];

/** The tab named in the URL's hash (`#users`), so Back and reload keep the user's place. */
function tabInUrl(): string {
  const id = location.hash.slice(1);
  return TABS.some((t) => t.id === id) ? id : 'mine';
}

/**
 * The page: a banner when the login policy is off, then the four tabs. Inside WHM's
 * chrome the page title is WHM's own heading; the plain fallback page shows its own.
 */
export function App(props: { ownTitle?: boolean }) {
  const title = props.ownTitle === false ? null : <h1 class="whm2fa-title">{t('app.title')}</h1>;
  const [status, setStatus] = useState<Status | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [tab, setTab] = useState(tabInUrl);
  // Labels in the page's language, made once: the tab strip need not redraw with every status.
  const tabs = useMemo(() => TABS.map((t) => ({ id: t.id, label: t.label() })), []);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [admin, setAdmin] = useState<AdminTabs | undefined>();
  // Any request refused because WHM's session ended: said once, here (api.ts).
  const [ended, setEnded] = useState<ApiError | undefined>();
  useEffect(() => {
    const show = () => setEnded(new ApiError('SESSION_ENDED', t('error.sessionEnded')));
    window.addEventListener(SESSION_ENDED_EVENT, show);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, show);
  }, []);
  const refresh = () => api.status().then(setStatus, setError);
  // The other tabs arrive with the first visit to one of them (admin.ts).
  useEffect(() => {
    if (tab === 'mine' || admin !== undefined) return;
    // The tabs and their words in the page's language arrive together.
    Promise.all([import('./admin'), loadAdminWords()]).then(
      ([m]) => setAdmin(m),
      () => setError(new ApiError('NETWORK', t('error.partNotLoaded'))),
    );
  }, [tab, admin]);
  useEffect(() => {
    void refresh();
    const follow = () => setTab(tabInUrl());
    window.addEventListener('popstate', follow);
    return () => window.removeEventListener('popstate', follow);
  }, []);
  const select = (id: string) => {
    // One history entry per tab the user opens; only the tab's name is ever in the URL.
    if (id !== tab) history.pushState(null, '', `#${id}`);
    setTab(id);
  };

  if (status === undefined) {
    return (
      <div class="whm2fa-app">
        {title}
        {error === undefined ? <p aria-busy="true">{t('app.loading')}</p> : <Problem error={error} page />}
      </div>
    );
  }
  const turnOn = () => {
    setBusy(true);
    api
      .policySet(true)
      .then(() => {
        // The banner and its button go away: the focus moves to the outcome instead.
        setNotice(t('app.policyTurnedOn'));
        return refresh();
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <div class="whm2fa-app">
      {title}
      {status.policyEnabled ? null : (
        <div class="alert alert-warning whm2fa-banner" role="region" aria-label={t('app.banner.label')}>
          <p>{rich('app.banner.text', {}, { strong: (s) => <strong>{s}</strong> })}</p>
          {status.isRoot ? (
            <button type="button" class="btn btn-warning" disabled={busy} onClick={turnOn}>
              {t('app.banner.turnOn')}
            </button>
          ) : (
            <p>{t('app.banner.askHost')}</p>
          )}
        </div>
      )}
      <Problem error={ended ?? error} page />
      <Notice text={notice} />
      <Tabs tabs={tabs} active={tab} onSelect={select}>
        {tab === 'mine' ? <MyAccount status={status} onChanged={() => void refresh()} /> : null}
        {tab !== 'mine' && admin === undefined ? <p aria-busy="true">{t('app.loading')}</p> : null}
        {tab === 'users' && admin ? <admin.Users isRoot={status.isRoot} policyEnabled={status.policyEnabled} /> : null}
        {tab === 'settings' && admin ? <admin.Settings status={status} onChanged={() => void refresh()} /> : null}
        {tab === 'activity' && admin ? <admin.Activity /> : null}
      </Tabs>
    </div>
  );
}
