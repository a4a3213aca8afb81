import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { App } from '../../frontend/src/App';
import { ApiError, type ErrorCode } from '../../frontend/src/api';
import { errorMessage } from '../../frontend/src/messages';
import { HTTP_STATUS } from '../../plugin/src/errors';
import { calls, clearOverrides, fail, override, reset, state } from './fakeApi';

beforeEach(() => {
  reset();
  clearOverrides();
});

async function openTab(name: string): Promise<void> {
  render(<App />);
  fireEvent.click(await screen.findByRole('tab', { name }));
}

describe('Manage Users', () => {
  it('shows coverage and each account with domain, owner and state', async () => {
    await openTab('Manage Users');
    expect(await screen.findByText('1 of 2 accounts protected')).toBeTruthy();
    const rows = screen.getAllByRole('row').slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .slice(1, 5)
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ['shop1', 'shop1.example.com', 'reseller1', 'On'],
      ['shop2', 'shop2.example.com', 'reseller1', 'Off'],
    ]);
  });

  it('filters, sorts and pages thousands of accounts', async () => {
    state.users = Array.from({ length: 2000 }, (_, i) => ({
      user: `user${String(i).padStart(4, '0')}`,
      domain: `d${String(i)}.example.com`,
      owner: 'reseller1',
      enabled: i % 3 === 0,
    }));
    await openTab('Manage Users');
    expect(await screen.findByText('667 of 2000 accounts protected')).toBeTruthy();
    expect(screen.getByText('Page 1 of 80')).toBeTruthy();
    expect(screen.getAllByRole('row')).toHaveLength(26);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByText('Page 2 of 80')).toBeTruthy();
    expect(screen.getAllByRole('row')[1]?.textContent).toContain('user0025');
    fireEvent.click(screen.getByRole('button', { name: 'Account' }));
    expect(screen.getAllByRole('row')[1]?.textContent).toContain('user1999');
    expect(screen.getByRole('columnheader', { name: 'Account' }).getAttribute('aria-sort')).toBe('descending');
    fireEvent.input(screen.getByLabelText('Filter accounts'), { target: { value: 'user19' } });
    expect(screen.getByText('Page 1 of 4')).toBeTruthy();
    fireEvent.input(screen.getByLabelText('Filter accounts'), { target: { value: 'nobody-matches' } });
    expect(screen.getByText(/No account matches/)).toBeTruthy();
  });

  it('removes selected accounts with a required reason and a confirmation', async () => {
    state.users.push({ user: 'shop3', domain: 'shop3.example.com', owner: 'reseller1', enabled: true });
    await openTab('Manage Users');
    await screen.findByText('2 of 3 accounts protected');
    const removeSelected = screen.getByRole('button', {
      name: /Remove Two-Factor Authentication \(0 selected\)/,
    }) as HTMLButtonElement;
    expect(removeSelected.disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop1' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop3' }));
    fireEvent.click(screen.getByRole('button', { name: /Remove Two-Factor Authentication \(2 selected\)/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    expect(within(dialog).getByText('shop1, shop3')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    expect(within(dialog).getByText('Enter a reason: it is required.')).toBeTruthy();
    expect(calls.some((c) => c.action === 'users.remove')).toBe(false);
    fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'Lost phones' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    expect(await screen.findByText(/removed from shop1, shop3; they were emailed/)).toBeTruthy();
    expect(calls.find((c) => c.action === 'users.remove')).toEqual({
      action: 'users.remove',
      users: ['shop1', 'shop3'],
      reason: 'Lost phones',
    });
    expect(await screen.findByText('0 of 3 accounts protected')).toBeTruthy();
  });

  it('removes one account from its row; a refusal shows the reason', async () => {
    override('users.remove', () => fail(403, 'FORBIDDEN', 'You cannot manage the account "shop1".'));
    await openTab('Manage Users');
    fireEvent.click(await screen.findByRole('button', { name: "Remove shop1's two-factor authentication" }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'x' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    expect(await within(dialog).findByText('You cannot manage the account "shop1".')).toBeTruthy();
  });

  it('says when there is nothing to manage', async () => {
    state.users = [];
    await openTab('Manage Users');
    expect(await screen.findByText('There are no accounts for you to manage.')).toBeTruthy();
  });
});

describe('Settings', () => {
  it('validates the issuer live, previews it, and saves; empty resets to the default', async () => {
    await openTab('Settings');
    const field = (await screen.findByLabelText('Issuer')) as HTMLInputElement;
    expect(screen.getByText(/Leave it empty to use the default \(whm\.example\.test\)/)).toBeTruthy();
    fireEvent.input(field, { target: { value: 'Bad:Name' } });
    expect(screen.getByText(/Use only letters, digits, spaces/)).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect((screen.getByRole('button', { name: 'Save issuer' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.input(field, { target: { value: 'x'.repeat(33) } });
    expect(screen.getByText('Use at most 32 characters.')).toBeTruthy();
    fireEvent.input(field, { target: { value: 'Reseller One' } });
    expect(screen.getByText('Reseller One')).toBeTruthy(); // the preview
    fireEvent.click(screen.getByRole('button', { name: 'Save issuer' }));
    expect(await screen.findByText(/Issuer saved/)).toBeTruthy();
    expect(calls.find((c) => c.action === 'settings.set')).toEqual({ action: 'settings.set', issuer: 'Reseller One' });
    expect(screen.getByText(/only your host can change it/)).toBeTruthy();
  });

  it('gives root the login policy switch with an explanation', async () => {
    reset({ user: 'root', isRoot: true });
    await openTab('Settings');
    const toggle = (await screen.findByRole('switch')) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    expect(screen.getByText(/asks for a security code at WHM, cPanel and Webmail login/)).toBeTruthy();
    fireEvent.click(toggle);
    expect(await screen.findByText('The two-factor login policy is off.')).toBeTruthy();
    expect(calls.find((c) => c.action === 'policy.set')).toEqual({ action: 'policy.set', enabled: false });
  });
});

describe('Activity', () => {
  it('lists entries newest first and pages to older ones', async () => {
    state.entries = Array.from({ length: 30 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 27, 12, 0, 59 - i)).toISOString(),
      actor: 'reseller1',
      subject: i === 0 ? 'shop1' : 'reseller1',
      action: i === 0 ? 'admin.remove' : 'verify',
      ip: '203.0.113.9',
      result: 'ok',
      ...(i === 0 ? { reason: 'lost phone' } : {}),
    }));
    await openTab('Activity');
    await screen.findByText('Removed by an administrator');
    expect(screen.getAllByRole('row')).toHaveLength(26);
    expect(screen.getByText(/reason: lost phone/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show older entries' }));
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(31));
    expect(calls.filter((c) => c.action === 'audit.list').at(-1)).toMatchObject({
      limit: 25,
      before: state.entries[24]?.['at'],
    });
    expect(screen.queryByRole('button', { name: 'Show older entries' })).toBeNull();
  });

  it('says when nothing happened yet', async () => {
    await openTab('Activity');
    expect(await screen.findByText('Nothing has happened yet.')).toBeTruthy();
  });
});

describe('tabs by keyboard', () => {
  it('arrow keys move between tabs', async () => {
    render(<App />);
    const first = await screen.findByRole('tab', { name: 'Manage My Account' });
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'Manage Users' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Manage Users' }), { key: 'End' });
    expect(screen.getByRole('tab', { name: 'Activity' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Activity' }), { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'Manage My Account' }).getAttribute('aria-selected')).toBe('true');
  });
});

describe('every error code has its own message', () => {
  const codes: ErrorCode[] = [...(Object.keys(HTTP_STATUS) as ErrorCode[]), 'NETWORK'];
  it('and no two codes read the same', () => {
    const texts = codes.map((code) => errorMessage(new ApiError(code, '')));
    expect(new Set(texts).size).toBe(codes.length);
    for (const t of texts) expect(t.length).toBeGreaterThan(20);
  });
});
