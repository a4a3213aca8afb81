import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { App } from '../../frontend/src/App';
import { calls, clearOverrides, fail, override, reset } from './fakeApi';

beforeEach(() => {
  reset();
  clearOverrides();
});

async function openSetup(): Promise<void> {
  render(<App />);
  fireEvent.click(await screen.findByRole('button', { name: 'Set up Two-Factor Authentication' }));
  await screen.findByRole('img', { name: /QR code/ });
}

describe('Manage My Account: set up', () => {
  it('shows the state and the four tabs', async () => {
    render(<App />);
    expect(await screen.findByText(/Two-factor authentication is off/)).toBeTruthy();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual([
      'Manage My Account',
      'Manage Users',
      'Settings',
      'Activity',
    ]);
    expect(screen.getByRole('tab', { name: 'Manage My Account' }).getAttribute('aria-selected')).toBe('true');
  });

  it('shows the QR code, the account, and the key in fours with a copy button', async () => {
    await openSetup();
    const qr = screen.getByRole('img', { name: /QR code/ });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(screen.getByText('ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy key' })).toBeTruthy();
    expect(screen.getAllByText('reseller1').length).toBeGreaterThan(0);
    const field = screen.getByLabelText('Security code') as HTMLInputElement;
    expect(field.getAttribute('autocomplete')).toBe('one-time-code');
    expect(field.getAttribute('inputmode')).toBe('numeric');
    expect(field.type).toBe('text');
    expect(calls.map((c) => c.action)).toEqual(['status', 'enroll.start']);
  });

  it('sends the code with spaces removed and says what happens at login', async () => {
    await openSetup();
    fireEvent.input(screen.getByLabelText('Security code'), { target: { value: '123 456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }));
    expect(await screen.findByText(/From your next login, WHM asks for a security code/)).toBeTruthy();
    expect(calls.find((c) => c.action === 'enroll.confirm')).toEqual({ action: 'enroll.confirm', code: '123456' });
    expect(screen.getByText(/Two-factor authentication is on/)).toBeTruthy();
  });

  it('a wrong code suggests checking the phone’s automatic time, in an announced region', async () => {
    override('enroll.confirm', () => fail(422, 'CODE_INVALID', 'server text'));
    await openSetup();
    fireEvent.input(screen.getByLabelText('Security code'), { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }));
    const alert = await screen.findByText(/sets its time automatically/);
    expect(alert.closest('[aria-live]')).not.toBeNull();
    expect((screen.getByLabelText('Security code') as HTMLInputElement).value).toBe('');
  });

  it('a replayed code says to wait for the next one', async () => {
    override('enroll.confirm', () => fail(422, 'CODE_REPLAYED', 'x'));
    await openSetup();
    fireEvent.input(screen.getByLabelText('Security code'), { target: { value: '111111' } });
    fireEvent.click(screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }));
    expect(await screen.findByText(/already used\. Wait for your app to show the next code/)).toBeTruthy();
  });

  it('a lock shows when it ends, counting down', async () => {
    const until = new Date(Date.now() + 4 * 60_000 + 30_000).toISOString();
    override('enroll.confirm', () => fail(429, 'LOCKED', 'locked', until));
    await openSetup();
    fireEvent.input(screen.getByLabelText('Security code'), { target: { value: '111111' } });
    fireEvent.click(screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }));
    expect(await screen.findByText(/Too many wrong security codes/)).toBeTruthy();
    expect(screen.getByText(/Verification is locked until/)).toBeTruthy();
    expect(screen.getByText(/^4:(29|30)$/)).toBeTruthy();
  });

  it('a cPanel failure shows cPanel’s reason', async () => {
    override('enroll.confirm', () =>
      fail(
        502,
        'CPANEL_FAILED',
        'cPanel could not complete the change, so nothing was changed. cPanel said: The feature is disabled.',
      ),
    );
    await openSetup();
    fireEvent.input(screen.getByLabelText('Security code'), { target: { value: '111111' } });
    fireEvent.click(screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }));
    expect(await screen.findByText(/cPanel said: The feature is disabled\./)).toBeTruthy();
  });

  it('an expired setup says to start again', async () => {
    override('enroll.confirm', () => fail(409, 'NO_PENDING', 'x'));
    await openSetup();
    fireEvent.input(screen.getByLabelText('Security code'), { target: { value: '111111' } });
    fireEvent.click(screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }));
    expect(await screen.findByText(/expired or was cancelled/)).toBeTruthy();
  });

  it('Cancel drops the pending setup and goes back', async () => {
    await openSetup();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('button', { name: 'Set up Two-Factor Authentication' })).toBeTruthy();
    expect(calls.map((c) => c.action)).toContain('enroll.cancel');
  });

  it('a failure to start offers to try again', async () => {
    override('enroll.start', () => fail(500, 'INTERNAL', 'Something went wrong on the server. Nothing was changed.'));
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Set up Two-Factor Authentication' }));
    expect(await screen.findByText(/Something went wrong on the server/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

describe('Manage My Account: reconfigure and remove', () => {
  beforeEach(() => reset({ enabled: true }));

  it('reconfigure explains the old device keeps working and asks for both codes', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Reconfigure Two-Factor Authentication' }));
    expect(await screen.findByText(/current device keeps working until you prove the new one/)).toBeTruthy();
    fireEvent.input(screen.getByLabelText('Security code'), { target: { value: '222222' } });
    fireEvent.input(screen.getByLabelText('Current security code'), { target: { value: '333 333' } });
    fireEvent.click(screen.getByRole('button', { name: 'Configure Two-Factor Authentication' }));
    expect(await screen.findByText(/Your new device is set up/)).toBeTruthy();
    expect(calls.find((c) => c.action === 'enroll.confirm')).toEqual({
      action: 'enroll.confirm',
      code: '222222',
      currentCode: '333333',
    });
  });

  it('remove asks for confirmation and the current code, naming the consequence', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    expect(within(dialog).getByText(/Logging in will need only your password/)).toBeTruthy();
    fireEvent.input(within(dialog).getByLabelText('Security code'), { target: { value: '444444' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    expect(
      await screen.findByText(/Two-factor authentication is off\. Logging in needs only your password/),
    ).toBeTruthy();
    expect(calls.find((c) => c.action === 'remove')).toEqual({ action: 'remove', code: '444444' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('remove when it is no longer on says so', async () => {
    override('remove', () => fail(409, 'NOT_ENABLED', 'x'));
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.input(within(dialog).getByLabelText('Security code'), { target: { value: '444444' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    expect(await within(dialog).findByText(/not turned on for this account/)).toBeTruthy();
  });

  it('Escape closes the dialog', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows an active lock from the status with its countdown', async () => {
    reset({ enabled: true, lockedUntil: new Date(Date.now() + 90_000).toISOString() });
    render(<App />);
    expect(await screen.findByText(/Verification is locked until/)).toBeTruthy();
    expect(screen.getByText(/^1:(29|30)$/)).toBeTruthy();
  });
});

describe('the login policy banner', () => {
  it('lets root turn the policy on right there', async () => {
    reset({ user: 'root', isRoot: true, policyEnabled: false });
    render(<App />);
    expect(await screen.findByText(/two-factor login policy is off/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Turn on the login policy' }));
    await waitFor(() => expect(screen.queryByText(/two-factor login policy is off/)).toBeNull());
    expect(calls.find((c) => c.action === 'policy.set')).toEqual({ action: 'policy.set', enabled: true });
  });

  it('tells a reseller to ask the host', async () => {
    reset({ policyEnabled: false });
    render(<App />);
    expect(await screen.findByText('Ask your host to turn it on.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Turn on the login policy' })).toBeNull();
  });

  it('a refused session shows the server’s reason', async () => {
    override('status', () =>
      fail(403, 'FORBIDDEN', 'Only root and resellers can use Two-Factor Authentication in WHM.'),
    );
    render(<App />);
    expect(await screen.findByText('Only root and resellers can use Two-Factor Authentication in WHM.')).toBeTruthy();
  });
});
