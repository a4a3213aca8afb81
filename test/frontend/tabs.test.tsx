import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { App } from '../../frontend/src/App';
import { ApiError, type ErrorCode } from '../../frontend/src/api';
import { errorMessage } from '../../frontend/src/messages';
import { HTTP_STATUS } from '../../plugin/src/errors';
import { calls, clearOverrides, fail, override, recoveryCodes, reset, state } from './fakeApi';

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

  it('filters, sorts and pages thousands of accounts on the server, a typed filter sent once typing pauses', async () => {
    state.users = Array.from({ length: 2000 }, (_, i) => ({
      user: `user${String(i).padStart(4, '0')}`,
      domain: `d${String(i)}.example.com`,
      owner: 'reseller1',
      enabled: i % 3 === 0,
    }));
    await openTab('Manage Users');
    expect(await screen.findByText('667 of 2,000 accounts protected')).toBeTruthy();
    expect(screen.getByText('Page 1 of 80')).toBeTruthy();
    expect(screen.getAllByRole('row')).toHaveLength(26);
    const lists = () => calls.filter((c) => c.action === 'users.list');
    expect(lists()).toEqual([{ action: 'users.list', search: '', sort: 'user', page: 1 }]);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Page 2 of 80')).toBeTruthy();
    expect(screen.getAllByRole('row')[1]?.textContent).toContain('user0025');
    fireEvent.click(screen.getByRole('button', { name: 'Account' }));
    await waitFor(() => expect(screen.getAllByRole('row')[1]?.textContent).toContain('user1999'));
    expect(screen.getByRole('columnheader', { name: 'Account' }).getAttribute('aria-sort')).toBe('descending');
    expect(lists().at(-1)).toEqual({ action: 'users.list', search: '', sort: '-user', page: 1 });
    const asked = lists().length;
    for (const typed of ['u', 'us', 'user1', 'user19'])
      fireEvent.input(screen.getByLabelText('Filter accounts'), { target: { value: typed } });
    expect(await screen.findByText('Page 1 of 4')).toBeTruthy();
    // One request for the whole word, from the first page.
    expect(lists().slice(asked)).toEqual([{ action: 'users.list', search: 'user19', sort: '-user', page: 1 }]);
    expect(screen.getByText('667 of 2,000 accounts protected')).toBeTruthy();
    fireEvent.input(screen.getByLabelText('Filter accounts'), { target: { value: 'nobody-matches' } });
    expect(await screen.findByText('No account matches “nobody-matches”.')).toBeTruthy();
  });

  it('sorting a column either way keeps equal values in name order', async () => {
    state.users = [
      { user: 'bravo', domain: 'b.example.com', owner: 'reseller1', enabled: true },
      { user: 'alpha', domain: 'a.example.com', owner: 'reseller1', enabled: true },
      { user: 'charlie', domain: 'c.example.com', owner: 'reseller2', enabled: true },
    ];
    await openTab('Manage Users');
    const owner = await screen.findByRole('columnheader', { name: 'Owner' });
    const names = (): string[] =>
      screen
        .getAllByRole('row')
        .slice(1)
        .map((row) => /alpha|bravo|charlie/.exec(row.textContent ?? '')?.[0] ?? '');
    fireEvent.click(within(owner).getByRole('button'));
    await waitFor(() => expect(calls.at(-1)).toMatchObject({ sort: 'owner' }));
    await waitFor(() => expect(names()).toEqual(['alpha', 'bravo', 'charlie']));
    fireEvent.click(within(owner).getByRole('button'));
    expect(owner.getAttribute('aria-sort')).toBe('descending');
    await waitFor(() => expect(names()).toEqual(['charlie', 'alpha', 'bravo']));
  });

  it('the sorted column shows its direction; the pager hands focus on when its button disables', async () => {
    state.users = Array.from({ length: 30 }, (_, i) => ({
      user: `acct${String(i).padStart(2, '0')}`,
      domain: `a${String(i)}.example.com`,
      owner: 'reseller1',
      enabled: true,
    }));
    await openTab('Manage Users');
    const header = await screen.findByRole('columnheader', { name: 'Account' });
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    expect(header.textContent).toBe('Account ▲');
    expect(document.querySelectorAll('th[aria-sort]')).toHaveLength(1);
    fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(header.textContent).toBe('Account ▼');
    const next = screen.getByRole('button', { name: 'Next' });
    next.focus();
    fireEvent.click(next);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Previous' })));
    fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Next' })));
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
    expect(
      await screen.findByText('Two-factor authentication removed from shop1, shop3. Emailed: shop1, shop3.'),
    ).toBeTruthy();
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

  it('removes one account with a recovery code it was given: no reason needed, a wrong code refused', async () => {
    state.recovery['shop1'] = recoveryCodes(1);
    await openTab('Manage Users');
    fireEvent.click(await screen.findByRole('button', { name: "Remove shop1's two-factor authentication" }));
    const dialog = await screen.findByRole('dialog');
    const remove = () =>
      fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    remove();
    expect(within(dialog).getByText('Enter a reason or a recovery code: it is required.')).toBeTruthy();
    const field = within(dialog).getByLabelText('Recovery code (if the user gave you one)');
    fireEvent.input(field, { target: { value: 'ZZZZ-ZZZZ-ZZZZ' } });
    remove();
    expect(await within(dialog).findByText(/not correct/)).toBeTruthy();
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    await waitFor(() => expect(document.activeElement).toBe(field));
    fireEvent.input(field, { target: { value: ` ${recoveryCodes(1)[2] ?? ''} ` } });
    remove();
    expect(
      await screen.findByText(
        'Two-factor authentication removed from shop1: identity confirmed with a recovery code. Emailed: shop1.',
      ),
    ).toBeTruthy();
    expect(calls.filter((c) => c.action === 'users.remove').at(-1)).toEqual({
      action: 'users.remove',
      users: ['shop1'],
      reason: '',
      recoveryCode: recoveryCodes(1)[2],
    });
  });

  it('offers the recovery code only when one account is removed', async () => {
    state.users.push({ user: 'shop3', domain: 'shop3.example.com', owner: 'reseller1', enabled: true });
    await openTab('Manage Users');
    await screen.findByText('2 of 3 accounts protected');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop1' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop3' }));
    fireEvent.click(screen.getByRole('button', { name: /Remove Two-Factor Authentication \(2 selected\)/ }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByLabelText(/Recovery code/)).toBeNull();
  });

  it('select all checks only accounts with 2FA on this page; the dialog counts and sends exactly those', async () => {
    state.users = Array.from({ length: 30 }, (_, i) => ({
      user: `acct${String(i).padStart(2, '0')}`,
      domain: `a${String(i)}.example.com`,
      owner: 'reseller1',
      enabled: i % 2 === 0,
    }));
    await openTab('Manage Users');
    await screen.findByText('15 of 30 accounts protected');
    expect(screen.queryByRole('checkbox', { name: 'Select acct01' })).toBeNull();
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Select every account on this page that has two-factor authentication' }),
    );
    // Page 1 holds acct00–acct24: 13 of them have 2FA.
    const bulk = screen.getByRole('button', { name: /Remove Two-Factor Authentication \(13 selected\)/ });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select acct04' }));
    expect(bulk.textContent).toContain('(12 selected)');
    fireEvent.click(bulk);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/These 12 accounts/)).toBeTruthy();
    fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'Audit' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    await screen.findByText(/removed from acct00/);
    const sent = calls.find((c) => c.action === 'users.remove')?.['users'];
    expect(sent).toEqual([0, 2, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24].map((i) => `acct${String(i).padStart(2, '0')}`));
    expect(await screen.findByText('3 of 30 accounts protected')).toBeTruthy();
  });

  it('a partial failure lists what was not removed, as a warning, not a success', async () => {
    state.users.push({ user: 'shop3', domain: 'shop3.example.com', owner: 'reseller1', enabled: true });
    state.refuse = { shop3: 'cPanel said: the account is suspended.' };
    await openTab('Manage Users');
    await screen.findByText('2 of 3 accounts protected');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop1' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop3' }));
    fireEvent.click(screen.getByRole('button', { name: /\(2 selected\)/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'Lost phones' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const notice = await screen.findByText(
      'Two-factor authentication removed from shop1. Emailed: shop1. Not removed: shop3: cPanel said: the account is suspended.',
    );
    expect(notice.className).toContain('alert-warning');
    expect(await screen.findByText('1 of 3 accounts protected')).toBeTruthy();
  });

  it('says per account whether it was emailed: one without a contact address is a warning, not “they were emailed”', async () => {
    state.users.push({ user: 'shop3', domain: 'shop3.example.com', owner: 'reseller1', enabled: true });
    state.noContact = ['shop3'];
    await openTab('Manage Users');
    await screen.findByText('2 of 3 accounts protected');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop1' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select shop3' }));
    fireEvent.click(screen.getByRole('button', { name: /\(2 selected\)/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'Lost phones' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove Two-Factor Authentication' }));
    const notice = await screen.findByText(
      'Two-factor authentication removed from shop1, shop3. Emailed: shop1. Not emailed: shop3: no contact address on file.',
    );
    expect(notice.className).toContain('alert-warning');
    expect(document.body.textContent).not.toMatch(/they were emailed/);
  });

  it('checked accounts stay checked by name across pages and searches; the dialog names every one', async () => {
    state.users = Array.from({ length: 30 }, (_, i) => ({
      user: `acct${String(i).padStart(2, '0')}`,
      domain: `a${String(i)}.example.com`,
      owner: 'reseller1',
      enabled: i % 2 === 0,
    }));
    await openTab('Manage Users');
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select acct02' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select acct03 for a reminder' }));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select acct28' }));
    expect(screen.getByRole('button', { name: /\(2 selected\)/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send reminders to 1 selected account' })).toBeTruthy();
    fireEvent.input(screen.getByLabelText('Filter accounts'), { target: { value: 'acct0' } });
    const box = (await screen.findByRole('checkbox', { name: 'Select acct02' })) as HTMLInputElement;
    await waitFor(() => expect(screen.queryByRole('checkbox', { name: 'Select acct28' })).toBeNull());
    expect(box.checked).toBe(true);
    expect(screen.getByRole('button', { name: /\(2 selected\)/ })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /\(2 selected\)/ }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('acct02, acct28')).toBeTruthy();
  });

  it('explains that cPanel users set 2FA up in cPanel, and does not claim protection with the policy off', async () => {
    reset({ policyEnabled: false });
    await openTab('Manage Users');
    expect(await screen.findByText(/cPanel users turn two-factor authentication on in cPanel itself/)).toBeTruthy();
    expect(screen.queryByText(/accounts protected/)).toBeNull();
    expect(screen.getByText(/no login asks for a code while the login policy is off/)).toBeTruthy();
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
    expect(
      screen.getByText(/^“:” cannot be used in the issuer\. Use 1 to 32 characters: the letters A–Z/),
    ).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect((screen.getByRole('button', { name: 'Save issuer' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.input(field, { target: { value: 'x'.repeat(33) } });
    expect(screen.getByText(/^The issuer has 33 characters, more than 32\./)).toBeTruthy();
    fireEvent.input(field, { target: { value: 'Reseller One' } });
    expect(screen.getByText('Reseller One')).toBeTruthy(); // the preview
    fireEvent.click(screen.getByRole('button', { name: 'Save issuer' }));
    // While it saves the button says so and is busy, not merely faded.
    const saving = screen.getByRole('button', { name: 'Saving…' });
    expect([saving.getAttribute('aria-busy'), saving.getAttribute('aria-disabled')]).toEqual(['true', 'true']);
    expect(await screen.findByText(/Issuer saved/)).toBeTruthy();
    expect(calls.find((c) => c.action === 'settings.set')).toEqual({ action: 'settings.set', issuer: 'Reseller One' });
    expect(screen.getByText(/only your host can change it/)).toBeTruthy();
  });

  it('previews exactly what saving gives: the hostname for root when the field is empty', async () => {
    reset({ user: 'root', isRoot: true });
    state.issuer = 'Old Name';
    state.systemWideIssuer = 'Old Name';
    await openTab('Settings');
    const field = (await screen.findByLabelText('Issuer')) as HTMLInputElement;
    expect(field.value).toBe('Old Name');
    fireEvent.input(field, { target: { value: '  ' } });
    expect(screen.getByText(/new setups show:/).textContent).toBe(
      'After saving, new setups show: host.example.test (root)',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save issuer' }));
    expect(await screen.findByText(/Issuer saved: authenticator apps will show “host\.example\.test”/)).toBeTruthy();
    expect(calls.find((c) => c.action === 'settings.set')).toEqual({ action: 'settings.set', issuer: '' });
  });

  it('turning the login policy off asks first, in danger style, and the result is not a green success', async () => {
    reset({ user: 'root', isRoot: true });
    await openTab('Settings');
    const toggle = await screen.findByRole('switch', { name: 'Ask for a security code at login' });
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    expect(screen.getByText(/asks for a security code at WHM, cPanel and Webmail login/)).toBeTruthy();
    fireEvent.click(toggle);
    let dialog = await screen.findByRole('dialog', { name: 'Turn off the two-factor login policy?' });
    expect(within(dialog).getByText(/Every login on this server/).className).toContain('alert-danger');
    // Focus starts on the safe choice: Enter right away keeps the policy on.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Keep it on' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it on' }));
    expect(calls.some((c) => c.action === 'policy.set')).toBe(false);
    expect(screen.getByRole('switch').getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('switch'));
    dialog = await screen.findByRole('dialog');
    const off = within(dialog).getByRole('button', { name: 'Turn off the login policy' });
    expect(off.className).toContain('btn-danger');
    fireEvent.click(off);
    const notice = await screen.findByText(/The two-factor login policy is off: no login on this server asks/);
    expect(notice.className).toContain('alert-warning');
    expect(calls.find((c) => c.action === 'policy.set')).toEqual({ action: 'policy.set', enabled: false });
    // The banner and the switch now agree with the server.
    expect(await screen.findByText(/two-factor login policy is off:/)).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('switch').getAttribute('aria-checked')).toBe('false'));
    // The banner turns it on again: Settings follows, and its "off" notice goes.
    fireEvent.click(await screen.findByRole('button', { name: 'Turn on the login policy' }));
    await waitFor(() => expect(screen.getByRole('switch').getAttribute('aria-checked')).toBe('true'));
    expect(screen.queryByText(/no login on this server asks for a security code now/)).toBeNull();
  });
});

describe('Activity', () => {
  const entry = (i: number, subject: string, action: string, extra: Record<string, string> = {}) => ({
    at: new Date(Date.UTC(2026, 10, 27, 12, 0, 59 - i)).toISOString(),
    actor: 'reseller1',
    subject,
    action,
    ip: '203.0.113.9',
    result: 'ok',
    ...extra,
  });

  it('lists entries newest first in local time and pages to older ones', async () => {
    state.entries = Array.from({ length: 30 }, (_, i) =>
      i === 0 ? entry(i, 'shop1', 'admin.remove', { reason: 'lost phone' }) : entry(i, 'reseller1', 'verify'),
    );
    await openTab('Activity');
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(26));
    expect(screen.getByRole('cell', { name: 'Removed by an administrator' })).toBeTruthy();
    expect(screen.getByText(/reason: lost phone/)).toBeTruthy();
    expect(screen.getByText(new Date(state.entries[0]?.['at'] ?? '').toLocaleString())).toBeTruthy();
    const older = screen.getByRole('button', { name: 'Show older entries' });
    older.focus();
    fireEvent.click(older);
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(31));
    // The button is gone with the last page: focus goes to the count, not to the page's top.
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Showing 30 entries, newest first.'));
    expect(calls.filter((c) => c.action === 'audit.list').at(-1)).toEqual({
      action: 'audit.list',
      limit: 25,
      before: state.entries[24]?.['at'],
      skip: 1,
    });
    expect(screen.queryByRole('button', { name: 'Show older entries' })).toBeNull();
  });

  it('entries sharing a time at a page’s edge are each shown once when paging', async () => {
    // Entries 22 to 27 were written in the same millisecond (one change of several accounts).
    state.entries = Array.from({ length: 30 }, (_, i) => ({
      ...entry(i >= 22 && i <= 27 ? 22 : i, 'reseller1', 'verify'),
      result: `ok #${String(i)}`,
    }));
    await openTab('Activity');
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(26));
    fireEvent.click(screen.getByRole('button', { name: 'Show older entries' }));
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(31));
    expect(calls.filter((c) => c.action === 'audit.list').at(-1)).toMatchObject({
      before: state.entries[22]?.['at'],
      skip: 3,
    });
    const results = screen.getAllByText(/^ok #\d+$/).map((cell) => cell.textContent);
    expect(results).toEqual(state.entries.map((e) => e['result']));
  });

  it('filters by account and action on the server, and pages within the filter', async () => {
    state.entries = Array.from({ length: 60 }, (_, i) =>
      entry(i, i % 2 === 0 ? 'shop1' : 'shop2', i % 3 === 0 ? 'admin.remove' : 'verify'),
    );
    await openTab('Activity');
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(26));
    fireEvent.input(screen.getByLabelText('Account'), { target: { value: ' shop1 ' } });
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'admin.remove' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show matching entries' }));
    // shop1 is every even entry, admin.remove every third: i = 0, 6, 12, … 54 → 10 entries.
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(11));
    expect(calls.at(-1)).toEqual({ action: 'audit.list', limit: 25, user: 'shop1', auditAction: 'admin.remove' });
    for (const row of screen.getAllByRole('row').slice(1)) {
      expect(row.textContent).toContain('shop1');
      expect(row.textContent).toContain('Removed by an administrator');
    }
    expect(screen.getByText('Showing 10 matching entries, newest first.')).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Showing 10 matching entries, newest first.'));
    fireEvent.input(screen.getByLabelText('Account'), { target: { value: 'nobody' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show matching entries' }));
    expect(await screen.findByText('No entry matches these filters.')).toBeTruthy();
  });

  it('shows a lock entry’s end in local time, not as an ISO string', async () => {
    const until = '2026-11-27T12:05:00.000Z';
    state.entries = [entry(0, 'reseller1', 'lock', { result: `locked until ${until}` })];
    await openTab('Activity');
    expect(await screen.findByText(`locked until ${new Date(until).toLocaleString()}`)).toBeTruthy();
    expect(document.body.textContent).not.toContain(until);
  });

  it('exports every matching entry as CSV (not only those shown), UTF-8 with a BOM, actions named, formulas defused', async () => {
    // More than one export request's worth, four of them sharing a time across its edge.
    state.entries = [
      entry(0, 'shop1', 'admin.remove', { reason: '=HYPERLINK("x") "quoted"' }),
      entry(1, 'shop2', 'verify', { result: 'ok – ✓' }),
      ...Array.from({ length: 600 }, (_, i) => ({
        ...entry(2, 'shop2', 'verify'),
        at: new Date(Date.UTC(2026, 10, 27, 11, 0, 0, 600 - (i >= 496 && i <= 499 ? 496 : i))).toISOString(),
        result: `ok #${String(i)}`,
      })),
    ];
    const blobs: Blob[] = [];
    const original = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return 'blob:test';
    };
    // The download link is clicked in the page; here it only records its file name.
    const names: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    try {
      await openTab('Activity');
      await screen.findByText('Showing 25 entries, newest first.');
      fireEvent.click(screen.getByRole('button', { name: 'Export all entries as CSV' }));
      await waitFor(() => expect(blobs).toHaveLength(1));
    } finally {
      URL.createObjectURL = original;
      click.mockRestore();
    }
    expect(names).toEqual(['whm2fa-activity.csv']);
    const bytes = new Uint8Array(await (blobs[0] as Blob).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).split('\r\n');
    const [first, second] = state.entries.map((e) => e['at'] ?? '');
    expect(lines.slice(0, 3)).toEqual([
      '"time","actor","account","action","result","reason","ip"',
      `"${first ?? ''}","reseller1","shop1","Removed by an administrator","ok","'=HYPERLINK(""x"") ""quoted""","203.0.113.9"`,
      `"${second ?? ''}","reseller1","shop2","Code check","ok – ✓","","203.0.113.9"`,
    ]);
    // Every entry once, in order, across the requests (500 at a time; the entries at the edge's time are skipped).
    expect(lines.slice(3, -1).map((l) => /"ok #(\d+)"/.exec(l)?.[1])).toEqual(
      Array.from({ length: 600 }, (_, i) => String(i)),
    );
    expect(calls.filter((c) => c.action === 'audit.list').slice(-2)).toEqual([
      { action: 'audit.list', limit: 500 },
      { action: 'audit.list', limit: 500, before: state.entries[499]?.['at'], skip: 2 },
    ]);
  });

  it('says when nothing happened yet', async () => {
    await openTab('Activity');
    expect(await screen.findByText('Nothing has happened yet.')).toBeTruthy();
  });
});

describe('tabs by keyboard', () => {
  it('arrow keys move between tabs', async () => {
    render(<App />);
    const first = await screen.findByRole('tab', { name: 'Manage my Account' });
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'Manage Users' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Manage Users' }), { key: 'End' });
    expect(screen.getByRole('tab', { name: 'Activity' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Activity' }), { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'Manage my Account' }).getAttribute('aria-selected')).toBe('true');
  });

  it('right to left, the arrows follow the tabs as they are drawn: ArrowLeft is the next tab', async () => {
    // index.cgi puts dir="rtl" on the page's own element for Arabic.
    render(
      <div dir="rtl">
        <App />
      </div>,
    );
    const first = await screen.findByRole('tab', { name: 'Manage my Account' });
    fireEvent.keyDown(first, { key: 'ArrowLeft' });
    expect(screen.getByRole('tab', { name: 'Manage Users' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Manage Users' }), { key: 'ArrowRight' });
    expect(first.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'Activity' }).getAttribute('aria-selected')).toBe('true');
  });
});

describe('the tab is in the URL', () => {
  it('opening a tab records it; Back returns; a reload opens the same tab', async () => {
    await openTab('Activity');
    expect(location.hash).toBe('#activity');
    expect(await screen.findByRole('heading', { name: 'Activity' })).toBeTruthy();
    history.replaceState(null, '', '#users');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await waitFor(() =>
      expect(screen.getByRole('tab', { name: 'Manage Users' }).getAttribute('aria-selected')).toBe('true'),
    );
    cleanup();
    history.replaceState(null, '', '#settings');
    render(<App />);
    expect((await screen.findByRole('tab', { name: 'Settings' })).getAttribute('aria-selected')).toBe('true');
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
