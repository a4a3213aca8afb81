import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, SESSION_ENDED_EVENT, type Status } from './api';
import { Notice, Problem } from './components/Problem';
import { Tabs } from './components/Tabs';
import { MyAccount } from './tabs/MyAccount';

type AdminTabs = typeof import('./admin');

const TABS = [
  { id: 'mine', label: 'Manage my Account' },
  { id: 'users', label: 'Manage Users' },
  { id: 'settings', label: 'Settings' },
  { id: 'activity', label: 'Activity' },
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
  const title = props.ownTitle === false ? null : <h1 class="whm2fa-title">Two-Factor Authentication</h1>;
  const [status, setStatus] = useState<Status | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [tab, setTab] = useState(tabInUrl);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [admin, setAdmin] = useState<AdminTabs | undefined>();
  // Any request refused because WHM's session ended: said once, here (api.ts).
  const [ended, setEnded] = useState<ApiError | undefined>();
  useEffect(() => {
    const show = () => setEnded(new ApiError('SESSION_ENDED', 'Your WHM session has ended.'));
    window.addEventListener(SESSION_ENDED_EVENT, show);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, show);
  }, []);
  const refresh = () => api.status().then(setStatus, setError);
  // The other tabs arrive with the first visit to one of them (admin.ts).
  useEffect(() => {
    if (tab === 'mine' || admin !== undefined) return;
    import('./admin').then(setAdmin, () =>
      setError(new ApiError('NETWORK', 'This part of the page could not be loaded. Reload the page and try again.')),
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
        {error === undefined ? <p aria-busy="true">Loading…</p> : <Problem error={error} page />}
      </div>
    );
  }
  const turnOn = () => {
    setBusy(true);
    api
      .policySet(true)
      .then(() => {
        // The banner and its button go away: the focus moves to the outcome instead.
        setNotice('The two-factor login policy is on: logins ask for a security code again.');
        return refresh();
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <div class="whm2fa-app">
      {title}
      {status.policyEnabled ? null : (
        <div class="alert alert-warning whm2fa-banner" role="region" aria-label="Login policy">
          <p>
            <strong>cPanel's two-factor login policy is off:</strong> logins do not ask for security codes, even for
            accounts that have two-factor authentication set up.
          </p>
          {status.isRoot ? (
            <button type="button" class="btn btn-warning" disabled={busy} onClick={turnOn}>
              Turn on the login policy
            </button>
          ) : (
            <p>Ask your host to turn it on.</p>
          )}
        </div>
      )}
      <Problem error={ended ?? error} page />
      <Notice text={notice} />
      <Tabs tabs={TABS} active={tab} onSelect={select}>
        {tab === 'mine' ? <MyAccount status={status} onChanged={() => void refresh()} /> : null}
        {tab !== 'mine' && admin === undefined ? <p aria-busy="true">Loading…</p> : null}
        {tab === 'users' && admin ? <admin.Users isRoot={status.isRoot} policyEnabled={status.policyEnabled} /> : null}
        {tab === 'settings' && admin ? <admin.Settings status={status} onChanged={() => void refresh()} /> : null}
        {tab === 'activity' && admin ? <admin.Activity /> : null}
      </Tabs>
    </div>
  );
}
