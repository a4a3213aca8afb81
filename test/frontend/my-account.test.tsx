// Manage my Account against a fake API that checks what the page sends: codes are graded
// with the tests' own RFC 6238 (test/support/rfc6238.ts), keys are named and replaced,
// wrong codes count down to a lock, and setups expire after `state.pendingSeconds`.
import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { http, HttpResponse } from 'msw';
import { App } from '../../frontend/src/App';
import { announce } from '../../frontend/src/setupChannel';
import {
  calls,
  clearOverrides,
  codeNow,
  CURRENT_SECRET,
  fail,
  override,
  recoveryCodes,
  RECORDS_WARNING,
  reset,
  SECRET,
  secretOf,
  server,
  rightNow,
  state,
  wrongFor,
} from './fakeApi';

beforeEach(() => {
  reset();
  clearOverrides();
});

const configure = () => fireEvent.click(screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }));
const type = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

async function openSetup(): Promise<void> {
  render(<App />);
  fireEvent.click(await screen.findByRole('button', { name: 'Set up Two-Factor Authentication' }));
  await screen.findByRole('img', { name: /QR code/ });
}

describe('Manage my Account: set up', () => {
  it('shows the state and the four tabs, with the article’s label', async () => {
    render(<App />);
    expect(await screen.findByText(/Two-factor authentication is off/)).toBeTruthy();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual([
      'Manage my Account',
      'Manage Users',
      'Settings',
      'Activity',
    ]);
    expect(screen.getByRole('tab', { name: 'Manage my Account' }).getAttribute('aria-selected')).toBe('true');
  });

  it('shows the QR code, an app link, the account, and the key in fours with a copy button; focus on the step', async () => {
    await openSetup();
    const qr = screen.getByRole('img', { name: /QR code/ });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(screen.getByText('ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy key' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open in authenticator app' }).getAttribute('href')).toBe(
      `otpauth://totp/whm.example.test:reseller1?secret=${SECRET}&issuer=whm.example.test`,
    );
    const field = screen.getByLabelText('Security code') as HTMLInputElement;
    expect(field.getAttribute('autocomplete')).toBe('one-time-code');
    expect(field.getAttribute('inputmode')).toBe('numeric');
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Set up Two-Factor Authentication' }));
    expect(screen.getByText(/This key expires in/).textContent).toMatch(/expires in (10:00|9:5\d) \(at /);
    // Status is read again before a key is made: 2FA may have changed in another tab meanwhile.
    expect(calls.map((c) => c.action)).toEqual(['status', 'status', 'enroll.start']);
  });

  it('keeps values left to right on an inline wrapper, so right to left they sit beside their labels', async () => {
    await openSetup();
    // A whole cell marked dir="ltr" would start at the far left in Arabic, away from its label.
    const cells = [...document.querySelectorAll('.whm2fa-key dd')];
    expect(cells.map((dd) => dd.getAttribute('dir'))).toEqual([null, null, null, null]);
    for (const value of ['reseller1', 'whm.example.test', 'ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567'])
      expect(screen.getByText(value).closest('[dir]')?.getAttribute('dir')).toBe('ltr');
  });

  it('sends the right code with spaces removed and the key’s name, then says what happens at login', async () => {
    await openSetup();
    const code = codeNow(SECRET);
    type('Security code', `${code.slice(0, 3)} ${code.slice(3)}`);
    configure();
    const notice = await screen.findByText(/From your next login, WHM asks for a security code/);
    expect(calls.find((c) => c.action === 'enroll.confirm')).toEqual({
      action: 'enroll.confirm',
      keyId: 'key-1',
      code,
    });
    expect(screen.getByText(/Two-factor authentication is on/)).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(notice));
  });

  it('a change done while the server could not write its records says both, as a warning', async () => {
    state.recordsBroken = true;
    await openSetup();
    type('Security code', codeNow(SECRET));
    configure();
    const notice = await screen.findByText(/From your next login, WHM asks for a security code/);
    expect(notice.textContent).toContain(RECORDS_WARNING);
    expect(notice.closest('.alert')?.className).toMatch(/alert-warning/);
    expect(state.status.enabled).toBe(true);
  });

  it('empty or non-digit codes ask for the 6-digit code, send nothing and do not hint at the clock', async () => {
    await openSetup();
    for (const value of ['', '12a456', '12345']) {
      type('Security code', value);
      configure();
      expect(screen.getByText(/Enter the 6-digit code from your authenticator app/)).toBeTruthy();
      expect(screen.queryByText(/sets its time automatically/)).toBeNull();
      expect(screen.getByLabelText('Security code').getAttribute('aria-invalid')).toBe('true');
    }
    expect(calls.some((c) => c.action === 'enroll.confirm')).toBe(false);
  });

  it('a wrong code suggests the phone’s automatic time, clears the field and shows the attempts left', async () => {
    await openSetup();
    type('Security code', wrongFor(SECRET));
    configure();
    const alert = await screen.findByText(/sets its time automatically/);
    expect(alert.closest('[aria-live]')).not.toBeNull();
    // One field: the announcement needs no lead naming which code was refused.
    expect(alert.closest('[aria-live]')?.textContent).not.toContain('Not accepted');
    expect((screen.getByLabelText('Security code') as HTMLInputElement).value).toBe('');
    expect(await screen.findByText(/4 attempts left before verification is locked/)).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Security code')));
  });

  it('the fifth wrong code locks: Configure is disabled, the end is local time with a countdown', async () => {
    state.status.attemptsLeft = 1;
    await openSetup();
    type('Security code', wrongFor(SECRET));
    configure();
    expect(await screen.findByText(/too many wrong codes/)).toBeTruthy();
    const button = screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }) as HTMLButtonElement;
    await waitFor(() => expect(button.disabled).toBe(true));
    expect(screen.getAllByText(/^(4:59|5:00)$/).length).toBeGreaterThan(0);
    const until = state.status.lockedUntil ?? '';
    expect(screen.getByText(/Verification is locked until/).textContent).toContain(new Date(until).toLocaleString());
    expect(document.body.textContent).not.toContain(until);
  });

  it('an active lock is shown before anything is sent, and no key is made until it ends', async () => {
    reset({ lockedUntil: new Date(Date.now() + 90_000).toISOString(), attemptsLeft: 0 });
    render(<App />);
    expect(await screen.findByText(/Verification is locked until/)).toBeTruthy();
    expect(screen.getAllByText(/^1:(29|30)$/).length).toBeGreaterThan(0);
    const setUp = screen.getByRole('button', { name: 'Set up Two-Factor Authentication' }) as HTMLButtonElement;
    expect(setUp.disabled).toBe(true);
    fireEvent.click(setUp);
    expect(calls.map((c) => c.action)).toEqual(['status']);
  });

  it('a replayed code says to wait for the next one', async () => {
    override('enroll.confirm', (body) =>
      rightNow(SECRET, body['code']) ? fail(422, 'CODE_REPLAYED', 'x', undefined, ['code']) : undefined,
    );
    await openSetup();
    type('Security code', codeNow(SECRET));
    configure();
    expect(await screen.findByText(/already used\. Wait for your app to show the next code/)).toBeTruthy();
    // The field says the same, not "Not accepted".
    expect(await screen.findByText('Already used: wait for the next code and enter that one.')).toBeTruthy();
    expect(screen.queryByText(/Not accepted: enter the code your app shows now/)).toBeNull();
  });

  it('a cPanel failure shows cPanel’s reason', async () => {
    override('enroll.confirm', () =>
      fail(502, 'CPANEL_FAILED', 'cPanel could not complete the change. cPanel said: The feature is disabled.'),
    );
    await openSetup();
    type('Security code', codeNow(SECRET));
    configure();
    expect(await screen.findByText(/cPanel said: The feature is disabled\./)).toBeTruthy();
  });

  it('a key replaced elsewhere: the code is not counted, the old key leaves, one click gets a new one', async () => {
    await openSetup();
    // Another browser starts a setup: the fake's pending key is now key-2.
    state.keys += 1;
    state.status.pendingKeyId = `key-${String(state.keys)}`;
    type('Security code', codeNow(SECRET));
    configure();
    expect(await screen.findByText(/This key was replaced by a newer setup/)).toBeTruthy();
    expect(state.status.attemptsLeft).toBe(5);
    expect(screen.queryByRole('img', { name: /QR code/ })).toBeNull();
    expect(screen.queryByText(/ABCD EFGH/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Get a new key' }));
    await screen.findByRole('img', { name: /QR code/ });
    type('Security code', codeNow(secretOf(3)));
    configure();
    expect(await screen.findByText(/From your next login/)).toBeTruthy();
    expect(calls.filter((c) => c.action === 'enroll.confirm').map((c) => c['keyId'])).toEqual(['key-1', 'key-3']);
  });

  it('another tab of this browser replacing the key shows at once and offers that new key', async () => {
    await openSetup();
    const next = { ...(await (await fetch('/cpsess1234567890/cgi/whm2fa/api.cgi', post('enroll.start'))).json()).data };
    // The page subscribes once the key is on screen; say it until it is heard.
    await waitFor(() => {
      announce({ kind: 'started', user: 'reseller1', enrollment: next });
      expect(screen.getByText(/This key was replaced/)).toBeTruthy();
    });
    expect(screen.queryByRole('img', { name: /QR code/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show the new key' }));
    await screen.findByRole('img', { name: /QR code/ });
    expect(screen.getByText(next.secret.replace(/(.{4})(?=.)/g, '$1 '))).toBeTruthy();
    type('Security code', codeNow(next.secret));
    configure();
    expect(await screen.findByText(/From your next login/)).toBeTruthy();
  });

  it('another tab cancelling, or a change seen on returning to this tab, ends the setup on screen', async () => {
    await openSetup();
    await waitFor(() => {
      announce({ kind: 'cancelled', user: 'reseller1' });
      expect(screen.getByText(/cancelled in another tab/)).toBeTruthy();
    });
    fireEvent.click(screen.getByRole('button', { name: 'Get a new key' }));
    await screen.findByRole('img', { name: /QR code/ });
    state.status.pendingKeyId = null; // cancelled from another browser
    await waitFor(() => {
      fireEvent.focus(window);
      expect(screen.getByText(/This setup ended/)).toBeTruthy();
    });
    await waitFor(() => expect(document.activeElement?.textContent).toMatch(/This setup ended/));
  });

  it('finished in another tab: no new key is offered; the entry is to be deleted only if it was another key', async () => {
    await openSetup();
    await waitFor(() => {
      announce({ kind: 'done', user: 'reseller1', keyId: 'key-1' });
      expect(screen.getByText(/finished in another tab with this key/)).toBeTruthy();
    });
    expect(screen.queryByText(/delete its entry/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Get a new key' })).toBeNull();
    announce({ kind: 'done', user: 'reseller1', keyId: 'key-9' });
    expect(await screen.findByText(/finished in another tab or window, so this key is not needed/)).toBeTruthy();
    expect(screen.getByText(/delete its entry “whm\.example\.test \(reseller1\)” now/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Get a new key' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Back' }).className).toContain('btn-primary');
  });

  it('a setup opened from a page that missed a setup done elsewhere makes no key', async () => {
    render(<App />);
    const setUp = await screen.findByRole('button', { name: 'Set up Two-Factor Authentication' });
    state.status.enabled = true; // set up in another browser meanwhile
    fireEvent.click(setUp);
    expect(await screen.findByText(/changed in another tab or window, so no new key was made/)).toBeTruthy();
    expect(calls.some((c) => c.action === 'enroll.start')).toBe(false);
  });

  it('an expired setup leaves no key on screen, names its dead app entry and offers a new one', async () => {
    state.pendingSeconds = -1;
    await openSetupExpired();
    expect(screen.getByText(/This setup expired at .* before it was confirmed/)).toBeTruthy();
    expect(screen.getByText(/delete its entry “whm\.example\.test \(reseller1\)” now/)).toBeTruthy();
    expect(screen.queryByRole('img', { name: /QR code/ })).toBeNull();
    state.pendingSeconds = 600;
    fireEvent.click(screen.getByRole('button', { name: 'Get a new key' }));
    expect(await screen.findByRole('img', { name: /QR code/ })).toBeTruthy();
  });

  it('a browser clock 10 minutes ahead of the server’s neither ends the setup early nor hides its time left', async () => {
    state.serverClockMs = -600_000;
    await openSetup();
    expect(screen.queryByText(/This setup expired/)).toBeNull();
    // The Date header has whole seconds: the page's estimate is within one.
    expect(screen.getByText(/This key expires in/).textContent).toMatch(/expires in (10:0[01]|9:5\d) \(at /);
    expect(screen.queryByText(/Less than 2 minutes left/)).toBeNull();
  });

  it('a browser clock behind the server’s still sees a lock and its real time left', async () => {
    reset({ lockedUntil: new Date(Date.now() + 600_000 + 90_000).toISOString(), attemptsLeft: 0 });
    state.serverClockMs = 600_000;
    render(<App />);
    await screen.findByText(/Verification is locked until/);
    expect(screen.getAllByText(/^1:(29|30|31)$/).length).toBeGreaterThan(0);
  });

  it('warns when less than two minutes are left', async () => {
    state.pendingSeconds = 90;
    await openSetup();
    expect(screen.getByText(/Less than 2 minutes left/)).toBeTruthy();
  });

  it('Cancel drops the pending setup and goes back', async () => {
    await openSetup();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('button', { name: 'Set up Two-Factor Authentication' })).toBeTruthy();
    expect(state.status.pendingKeyId).toBeNull();
  });

  it('Cancel reloads status: no stale "setup was started" line, and focus is on the account’s heading', async () => {
    reset({ pending: true, pendingKeyId: 'key-0' });
    render(<App />);
    expect(await screen.findByText(/A setup was started and not finished/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Set up Two-Factor Authentication' }));
    await screen.findByRole('img', { name: /QR code/ });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    const heading = await screen.findByRole('heading', { name: 'Your account (reseller1)' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    await waitFor(() => expect(calls.map((c) => c.action).slice(-2)).toEqual(['enroll.cancel', 'status']));
    await waitFor(() => expect(screen.queryByText(/A setup was started and not finished/)).toBeNull());
  });

  it('focus moves to the step’s heading after "Get a new key" and "Show the new key", and home after Back', async () => {
    await openSetup();
    const heading = screen.getByRole('heading', { name: 'Set up Two-Factor Authentication' });
    await waitFor(() => {
      announce({ kind: 'cancelled', user: 'reseller1' });
      expect(screen.getByText(/cancelled in another tab/)).toBeTruthy();
    });
    await waitFor(() => expect(document.activeElement?.textContent).toMatch(/cancelled in another tab/));
    fireEvent.click(screen.getByRole('button', { name: 'Get a new key' }));
    await screen.findByRole('img', { name: /QR code/ });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    const next = { ...(await (await fetch('/cpsess1234567890/cgi/whm2fa/api.cgi', post('enroll.start'))).json()).data };
    await waitFor(() => {
      announce({ kind: 'started', user: 'reseller1', enrollment: next });
      expect(screen.getByText(/This key was replaced/)).toBeTruthy();
    });
    await waitFor(() => expect(document.activeElement?.textContent).toMatch(/This key was replaced/));
    fireEvent.click(screen.getByRole('button', { name: 'Show the new key' }));
    await screen.findByRole('img', { name: /QR code/ });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    announce({ kind: 'cancelled', user: 'reseller1' });
    fireEvent.click(await screen.findByRole('button', { name: 'Back' }));
    const home = await screen.findByRole('heading', { name: 'Your account (reseller1)' });
    await waitFor(() => expect(document.activeElement).toBe(home));
  });

  it('when a lock ends, status is read again: no "0 attempts left", and setup works again', async () => {
    reset({ lockedUntil: new Date(Date.now() + 1500).toISOString(), attemptsLeft: 0 });
    render(<App />);
    const button = (await screen.findByRole('button', {
      name: 'Set up Two-Factor Authentication',
    })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await waitFor(() => expect(button.disabled).toBe(false));
    await waitFor(() => expect(calls.filter((c) => c.action === 'status')).toHaveLength(2));
    fireEvent.click(button);
    await screen.findByRole('img', { name: /QR code/ });
    expect(screen.queryByText(/attempts? left/)).toBeNull();
    type('Security code', wrongFor(SECRET));
    configure();
    expect(await screen.findByText(/4 attempts left before verification is locked/)).toBeTruthy();
  });

  it('a failure to start offers to try again', async () => {
    override('enroll.start', () => fail(500, 'INTERNAL', 'Something went wrong on the server. Nothing was changed.'));
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Set up Two-Factor Authentication' }));
    expect(await screen.findByText(/Something went wrong on the server/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

function post(action: string): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action }) };
}

async function openSetupExpired(): Promise<void> {
  render(<App />);
  fireEvent.click(await screen.findByRole('button', { name: 'Set up Two-Factor Authentication' }));
  await screen.findByText(/This setup expired/);
}

describe('Manage my Account: reconfigure and remove', () => {
  beforeEach(() => reset({ enabled: true }));

  async function openReconfigure(): Promise<void> {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Reconfigure Two-Factor Authentication' }));
    await screen.findByRole('img', { name: /QR code/ });
  }

  it('labels each field for its device and tells the user to delete the old app entry', async () => {
    state.status.keyLabel = { issuer: 'whm.example.test', account: 'reseller1', at: '2026-01-01T00:00:00.000Z' };
    await openReconfigure();
    expect(screen.getByText(/current device keeps working until you prove the new one/)).toBeTruthy();
    const [code, currentCode] = [codeNow(SECRET), codeNow(CURRENT_SECRET)];
    type('Security code from the new device', code);
    type('Current security code from the device you use now', currentCode.replace(/^(...)/, '$1 '));
    configure();
    expect(await screen.findByText(/Your new device is set up\. From now on only its codes work\./)).toBeTruthy();
    expect(screen.getByText(/Delete the old entry for whm\.example\.test \(reseller1\)/)).toBeTruthy();
    // The new key has the same name: which of the two to keep.
    expect(screen.getByText(/If both are in one app, keep the newer\./)).toBeTruthy();
    expect(calls.find((c) => c.action === 'enroll.confirm')).toEqual({
      action: 'enroll.confirm',
      keyId: 'key-1',
      code,
      currentCode,
    });
  });

  it('names the old entry as the app shows it after an issuer change, or says whm2fa has no name for it', async () => {
    state.status.keyLabel = { issuer: 'vm', account: 'reseller1', at: '2026-01-01T00:00:00.000Z' };
    state.status.issuer = 'Acme Hosting';
    await openReconfigure();
    type('Security code from the new device', codeNow(SECRET));
    type('Current security code from the device you use now', codeNow(CURRENT_SECRET));
    configure();
    const done = await screen.findByText(/Your new device is set up/);
    expect(done.textContent).toContain('Delete the old entry for vm (reseller1) from the authenticator app');
    expect(done.textContent).not.toMatch(/Acme Hosting|keep the newer/);
  });

  it('an old key whm2fa did not save is not given a made-up name', async () => {
    await openReconfigure();
    type('Security code from the new device', codeNow(SECRET));
    type('Current security code from the device you use now', codeNow(CURRENT_SECRET));
    configure();
    const done = await screen.findByText(/Your new device is set up/);
    expect(done.textContent).toMatch(/Delete the old entry of this account .*whm2fa did not record its name/);
    expect(done.textContent).not.toContain('whm.example.test');
  });

  it('a wrong current code is named, and only that field is cleared', async () => {
    await openReconfigure();
    const fresh = codeNow(SECRET);
    type('Security code from the new device', fresh);
    type('Current security code from the device you use now', wrongFor(CURRENT_SECRET));
    configure();
    expect(await screen.findByText(/Not accepted: the code from your current device\./)).toBeTruthy();
    const current = screen.getByLabelText('Current security code from the device you use now') as HTMLInputElement;
    expect(current.value).toBe('');
    expect(current.getAttribute('aria-invalid')).toBe('true');
    expect((screen.getByLabelText('Security code from the new device') as HTMLInputElement).value).toBe(fresh);
    await waitFor(() => expect(document.activeElement).toBe(current));
  });

  it('a wrong new-device code is named the same way', async () => {
    await openReconfigure();
    type('Security code from the new device', wrongFor(SECRET));
    const current = codeNow(CURRENT_SECRET);
    type('Current security code from the device you use now', current);
    configure();
    expect(await screen.findByText(/Not accepted: the code from the new device\./)).toBeTruthy();
    expect((screen.getByLabelText('Security code from the new device') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Current security code from the device you use now') as HTMLInputElement).value).toBe(
      current,
    );
  });

  it('remove names the logins it changes, offers Reconfigure, and needs the current code', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    expect(within(dialog).getByText(/WHM, cPanel and Webmail logins will need only your password/)).toBeTruthy();
    const code = codeNow(CURRENT_SECRET);
    fireEvent.input(within(dialog).getByLabelText('Security code'), { target: { value: code } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const notice = await screen.findByText(/Two-factor authentication is off\. Logging in needs only your password/);
    expect(notice.className).toContain('alert-warning');
    expect(calls.find((c) => c.action === 'remove')).toEqual({ action: 'remove', code });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('the removal dialog starts on Cancel, and a wrong code shows the attempts left', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const dialog = await screen.findByRole('dialog');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.input(within(dialog).getByLabelText('Security code'), { target: { value: wrongFor(CURRENT_SECRET) } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    expect(await within(dialog).findByText(/4 attempts left before verification is locked/)).toBeTruthy();
    expect(state.status.enabled).toBe(true);
  });

  it('the removal dialog’s Reconfigure opens the new-phone flow', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reconfigure Two-Factor Authentication' }));
    expect(await screen.findByRole('heading', { name: 'Reconfigure Two-Factor Authentication' })).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('a locked account sees when the lock ends, that logging in still works, and cannot reconfigure or remove', async () => {
    reset({ enabled: true, lockedUntil: new Date(Date.now() + 60_000).toISOString(), attemptsLeft: 0 });
    render(<App />);
    expect(await screen.findByText(/Verification is locked until/)).toBeTruthy();
    expect(screen.getByText('Logging in to WHM with your current phone still works.')).toBeTruthy();
    for (const name of ['Reconfigure Two-Factor Authentication', 'Remove Two-Factor Authentication'])
      expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a locked removal dialog cannot be submitted, and shows when the lock ends', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const dialog = await screen.findByRole('dialog');
    // Locked meanwhile (say, by wrong codes in another tab): the server refuses, and the dialog shows it.
    state.status.lockedUntil = new Date(Date.now() + 60_000).toISOString();
    fireEvent.input(within(dialog).getByLabelText('Security code'), { target: { value: codeNow(CURRENT_SECRET) } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    expect(await within(dialog).findByText(/Verification is locked until/)).toBeTruthy();
    await waitFor(() =>
      expect(
        (within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }) as HTMLButtonElement)
          .disabled,
      ).toBe(true),
    );
  });

  it('Escape closes the dialog', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('with the login policy off, the state does not claim logins ask for a code', async () => {
    reset({ enabled: true, policyEnabled: false });
    render(<App />);
    expect(await screen.findByText(/set up, but logins do not ask for a code/)).toBeTruthy();
    expect(screen.queryByText(/logging in asks for a security code/)).toBeNull();
    expect(screen.queryByText(/turn it on in Settings/)).toBeNull();
  });

  it('with the login policy off, root is told it can turn it on in Settings', async () => {
    reset({ user: 'root', isRoot: true, enabled: true, policyEnabled: false });
    render(<App />);
    expect(
      await screen.findByText(/set up, but logins do not ask for a code.*You can turn it on in Settings\./),
    ).toBeTruthy();
  });
});

describe('what a user needs to know on their own page', () => {
  it('an administrator’s removal: who, when (local time) and why', async () => {
    const at = '2026-11-27T10:15:00.000Z';
    reset({ removedByAdmin: { by: 'reseller1', at, reason: 'Lost phone, ticket 4411' } });
    render(<App />);
    expect(await screen.findByText(/An administrator removed two-factor authentication/)).toBeTruthy();
    expect(screen.getByText(new Date(at).toLocaleString())).toBeTruthy();
    expect(screen.getByText(/Lost phone, ticket 4411/)).toBeTruthy();
  });

  it('lost-phone guidance: a reseller asks the host or its owner in Manage Users; no root command', async () => {
    reset({ enabled: true });
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Lost your phone?' })).toBeTruthy();
    const lost = document.querySelector('.whm2fa-lost')?.textContent ?? '';
    expect(lost).toMatch(/ask your host \(root\), or the reseller that owns your account.*in Manage Users/);
    expect(lost).not.toMatch(/whm2fa remove|SSH/);
  });

  it('lost-phone guidance: root gets its SSH command; with 2FA off there is none', async () => {
    reset({ user: 'root', isRoot: true, enabled: true });
    const { unmount } = render(<App />);
    expect(await screen.findByText('whm2fa remove root --reason "lost phone"')).toBeTruthy();
    unmount();
    reset();
    render(<App />);
    await screen.findByText(/Two-factor authentication is off/);
    expect(screen.queryByRole('heading', { name: 'Lost your phone?' })).toBeNull();
  });

  it('an ended WHM session links to WHM’s login', async () => {
    server.use(http.post('*/api.cgi', () => new HttpResponse('<html>Log in</html>', { status: 401 })));
    render(<App />);
    expect(await screen.findByText(/Your WHM session has ended/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Log in to WHM again' }).getAttribute('href')).toBe('/');
  });

  it('a refused session shows the server’s reason', async () => {
    override('status', () =>
      fail(403, 'FORBIDDEN', 'Only root and resellers can use Two-Factor Authentication in WHM.'),
    );
    render(<App />);
    expect(await screen.findByText('Only root and resellers can use Two-Factor Authentication in WHM.')).toBeTruthy();
  });
});

describe('the login policy banner', () => {
  it('lets root turn the policy on right there', async () => {
    reset({ user: 'root', isRoot: true, policyEnabled: false });
    render(<App />);
    expect(await screen.findByText(/two-factor login policy is off/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Turn on the login policy' }));
    await waitFor(() => expect(screen.queryByText(/two-factor login policy is off/)).toBeNull());
    const notice = screen.getByText(/The two-factor login policy is on: logins ask for a security code again/);
    await waitFor(() => expect(document.activeElement).toBe(notice));
    expect(calls.find((c) => c.action === 'policy.set')).toEqual({ action: 'policy.set', enabled: true });
  });

  it('tells a reseller to ask the host', async () => {
    reset({ policyEnabled: false });
    render(<App />);
    expect(await screen.findByText('Ask your host to turn it on.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Turn on the login policy' })).toBeNull();
  });
});

describe('recovery codes', () => {
  it('are shown once after setup, with Copy, Download and Print, until the user has saved them', async () => {
    await openSetup();
    type('Security code', codeNow(SECRET));
    configure();
    const panel = (await screen.findByRole('heading', { name: 'Recovery codes for reseller1' })).closest('section');
    expect(panel).not.toBeNull();
    const inPanel = within(panel as HTMLElement);
    expect(inPanel.getAllByRole('listitem').map((li) => li.textContent)).toEqual(recoveryCodes(1));
    expect(inPanel.getByText(/They are shown only now/)).toBeTruthy();
    for (const name of ['Copy', 'Download as text', 'Print'])
      expect(inPanel.getByRole('button', { name })).toBeTruthy();
    expect(await screen.findByText('10 of 10 recovery codes left.')).toBeTruthy();
    fireEvent.click(inPanel.getByRole('button', { name: 'I have saved them' }));
    expect(screen.queryByText(recoveryCodes(1)[0] ?? '')).toBeNull();
  });

  it('are not shown again on the next visit: only how many are left', async () => {
    reset({ enabled: true, recoveryCodesLeft: 10 });
    render(<App />);
    expect(await screen.findByText('10 of 10 recovery codes left.')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: /Recovery codes for/ })).toBeNull();
  });

  it('warn at 3 or fewer, and say when there are none for this device', async () => {
    reset({ enabled: true, recoveryCodesLeft: 4 });
    const { unmount } = render(<App />);
    expect((await screen.findByText('4 of 10 recovery codes left.')).className).not.toMatch(/alert/);
    unmount();
    reset({ enabled: true, recoveryCodesLeft: 3 });
    const second = render(<App />);
    const low = await screen.findByText(/^3 of 10 recovery codes left\. Make new ones soon/);
    expect(low.className).toMatch(/alert-warning/);
    second.unmount();
    reset({ enabled: true, recoveryCodesLeft: null });
    render(<App />);
    expect((await screen.findByText('You have no recovery codes for this device.')).className).toMatch(/alert-warning/);
  });

  it('new ones need a current code: a wrong one is refused, a right one shows the new codes', async () => {
    reset({ enabled: true, recoveryCodesLeft: 2 });
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Make new recovery codes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Make new recovery codes?' });
    fireEvent.input(within(dialog).getByLabelText('Security code'), { target: { value: wrongFor(CURRENT_SECRET) } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Make new codes' }));
    expect(await within(dialog).findByText(/sets its time automatically/)).toBeTruthy();
    expect(state.codeSets).toBe(0);
    fireEvent.input(within(dialog).getByLabelText('Security code'), { target: { value: codeNow(CURRENT_SECRET) } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Make new codes' }));
    expect(await screen.findByText('New recovery codes are made. Your earlier codes no longer work.')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(recoveryCodes(1));
    expect(await screen.findByText('10 of 10 recovery codes left.')).toBeTruthy();
    expect(calls.filter((c) => c.action === 'recovery.regenerate').at(-1)).toEqual({
      action: 'recovery.regenerate',
      code: codeNow(CURRENT_SECRET),
    });
  });
});
