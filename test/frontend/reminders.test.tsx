// Manage Users' reminders and coverage over time against the fake API: accounts without
// 2FA are checked for a reminder (never mixed with a removal), the dialog sends exactly
// those, the notice says per account what happened, rows say when each was last
// reminded; coverage now and 30 days ago in the browser's number and date formats.
import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { App } from '../../frontend/src/App';
import { localTime } from '../../frontend/src/messages';
import { calls, clearOverrides, fail, override, reset, state } from './fakeApi';

const DAY_MS = 86_400_000;
const pct = (n: number): string => new Intl.NumberFormat(undefined, { style: 'percent' }).format(n);
const utcDay = (day: string): string => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC' });

beforeEach(() => {
  reset();
  clearOverrides();
});

async function openUsers(): Promise<void> {
  render(<App />);
  fireEvent.click(await screen.findByRole('tab', { name: 'Manage Users' }));
  await screen.findByText(/accounts protected/);
}

/** The text of the "Last reminded" cell of `user`'s row. */
function lastReminded(user: string): string {
  const row = screen.getAllByRole('row').find((r) => within(r).queryByRole('cell', { name: user }) !== null);
  return row?.querySelectorAll('td')[5]?.textContent ?? '(no row)';
}

describe('reminders', () => {
  beforeEach(() => {
    state.users = [
      { user: 'shop1', domain: 'shop1.example.com', owner: 'reseller1', enabled: true },
      { user: 'shop2', domain: 'shop2.example.com', owner: 'reseller1', enabled: false },
      { user: 'shop3', domain: 'shop3.example.com', owner: 'reseller1', enabled: false },
      {
        user: 'shop4',
        domain: 'shop4.example.com',
        owner: 'reseller1',
        enabled: false,
        lastReminded: new Date(Date.now() - 2 * DAY_MS).toISOString(),
      },
    ];
    state.noContact = ['shop3'];
  });

  it('sends exactly the checked accounts without 2FA; the notice says per account; rows say when last reminded', async () => {
    await openUsers();
    expect(lastReminded('shop1')).toBe('');
    expect(lastReminded('shop2')).toBe('never');
    const shop4 = state.users[3]?.lastReminded ?? '';
    expect(lastReminded('shop4')).toBe(new Date(shop4).toLocaleDateString());
    const send = screen.getByRole('button', { name: 'Send reminders to 0 selected accounts' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Check every account without 2FA on this page' }));
    expect(send.textContent).toBe('Send reminders to 3 selected accounts');
    // Checking them did not touch the removal, and checking shop1 does not touch the reminders.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop1' }));
    expect(screen.getByRole('button', { name: /Remove Two-Factor Authentication \(1 selected\)/ })).toBeTruthy();
    expect(send.textContent).toBe('Send reminders to 3 selected accounts');
    fireEvent.click(send);
    const dialog = await screen.findByRole('dialog', { name: 'Send reminders to set up two-factor authentication?' });
    expect(within(dialog).getByText('shop2, shop3, shop4')).toBeTruthy();
    expect(within(dialog).getByText(/Security › Two-Factor Authentication/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send reminders' }));
    const next = new Date(Date.parse(shop4) + 7 * DAY_MS).toISOString();
    const notice = await screen.findByText(
      `Reminder sent to shop2. Not sent: shop3: no contact address on file. Skipped: shop4: reminded in the last 7 days, the next can go from ${localTime(next)}.`,
    );
    // Not everyone was emailed: a warning, not a success.
    expect(notice.className).toContain('alert-warning');
    expect(calls.filter((c) => c.action === 'users.remind')).toEqual([
      { action: 'users.remind', users: ['shop2', 'shop3', 'shop4'] },
    ]);
    expect(calls.some((c) => c.action === 'users.remove')).toBe(false);
    await screen.findByText(new Date().toLocaleDateString(), { selector: 'time' });
    expect(lastReminded('shop2')).toBe(new Date().toLocaleDateString());
    expect(lastReminded('shop3')).toBe('never');
    // The selection is spent.
    expect(screen.getByRole('button', { name: 'Send reminders to 0 selected accounts' })).toBeTruthy();
  });

  it('one account from its box; all sent is a success', async () => {
    await openUsers();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop2 for a reminder' }));
    fireEvent.click(screen.getByRole('button', { name: 'Send reminders to 1 selected account' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/shop2 will get an email at its contact address/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send reminders' }));
    const notice = await screen.findByText('Reminder sent to shop2.');
    expect(notice.className).toContain('alert-success');
  });

  it('a refusal stays in the dialog, and Cancel sends nothing', async () => {
    override('users.remind', () => fail(403, 'FORBIDDEN', 'You cannot manage the account "shop2".'));
    await openUsers();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop2 for a reminder' }));
    fireEvent.click(screen.getByRole('button', { name: /Send reminders to 1 / }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send reminders' }));
    expect(await within(dialog).findByText('You cannot manage the account "shop2".')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.filter((c) => c.action === 'users.remind')).toHaveLength(1);
  });
});

describe('coverage over time', () => {
  it('a reseller sees its own figure now, and “not known yet” without a snapshot 30 days old', async () => {
    await openUsers();
    expect(screen.getByRole('heading', { name: 'Coverage over time' })).toBeTruthy();
    const own = screen.getByText('Your accounts:').parentElement;
    expect(own?.textContent).toBe(`Your accounts: ${pct(0.5)} (1 of 2) with 2FA now; 30 days ago: not known yet.`);
    expect(screen.queryByText('This server:')).toBeNull();
  });

  it('root sees the server’s figure and each reseller’s, numbers and dates in the browser’s formats', async () => {
    reset({ isRoot: true, user: 'root' });
    state.coverage = {
      server: {
        now: { protected: 1234, total: 2000 },
        thirtyDaysAgo: { protected: 500, total: 2000, day: '2026-01-15' },
      },
      resellers: [
        { reseller: 'empty', now: { protected: 0, total: 0 }, thirtyDaysAgo: null },
        {
          reseller: 'reseller1',
          now: { protected: 1, total: 2 },
          thirtyDaysAgo: { protected: 0, total: 1, day: '2026-01-15' },
        },
      ],
    };
    await openUsers();
    const count = new Intl.NumberFormat();
    expect(screen.getByText('This server:').parentElement?.textContent).toBe(
      `This server: ${pct(0.617)} (${count.format(1234)} of ${count.format(2000)}) with 2FA now; 30 days ago: ${pct(0.25)} (500 of ${count.format(2000)}) on ${utcDay('2026-01-15')}.`,
    );
    expect(screen.getByText('By reseller (2)')).toBeTruthy();
    expect(screen.getByText('empty:').parentElement?.textContent).toBe(
      'empty: no accounts with 2FA now; 30 days ago: not known yet.',
    );
    expect(screen.getByText('reseller1:').parentElement?.textContent).toBe(
      `reseller1: ${pct(0.5)} (1 of 2) with 2FA now; 30 days ago: ${pct(0)} (0 of 1) on ${utcDay('2026-01-15')}.`,
    );
    expect(screen.queryByText('Your accounts:')).toBeNull();
  });
});
