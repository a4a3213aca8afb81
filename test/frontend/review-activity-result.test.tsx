// Review of issue 17 (fresh-eye, branch r17): the Activity tab's Result column shows the
// audit trail's English record ("failed: wrong code (1 of 5)", "turned on outside whm2fa …")
// to a reseller reading any other language. The pseudo-locale test did not see it because its
// only entry's result is "ok" (two letters, below plainWords' three). Fixed on the server:
// an entry stores its result's message id beside the English, and audit.list answers the
// result in the caller's language (the fake does it with the plugin's own resultIn).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/preact';
import { App } from '../../frontend/src/App';
import { setCatalog } from '../../frontend/src/i18n';
import { plainWords, pseudoCatalog, pseudoText } from '../support/pseudoLocale';
import { reset, state } from './fakeApi';

beforeEach(() => {
  reset({ enabled: true, isRoot: true, policyEnabled: true, recoveryCodesLeft: 10, user: 'reseller1' });
  // Results exactly as the server records them (plugin/src/verification.ts, reconcile, reminders.ts),
  // with their message ids.
  state.entries = [
    {
      at: '2026-01-31T12:00:00.000Z',
      actor: 'reseller1',
      subject: 'reseller1',
      action: 'verify',
      ip: '203.0.113.7',
      result: 'failed: wrong code (1 of 5)',
      said: { id: 'result.wrongCode', values: { failures: 1, max: 5 } },
    },
    {
      at: '2026-01-31T11:00:00.000Z',
      actor: 'cPanel',
      subject: 'shop1',
      action: 'cpanel.change',
      ip: '',
      result: 'turned on outside whm2fa (cPanel’s own pages or API)',
      said: { id: 'result.turnedOnInCpanel' },
    },
    {
      at: '2026-01-31T10:00:00.000Z',
      actor: 'reseller1',
      subject: 'shop1',
      action: 'remind',
      ip: '203.0.113.7',
      result: 'sent to the contact address',
      said: { id: 'result.reminderSent' },
    },
  ];
  state.apiCatalog = pseudoCatalog('api');
  setCatalog({ ...pseudoCatalog('page'), ...pseudoCatalog('admin') }, 'en');
});
afterEach(() => setCatalog({}, 'en'));

describe('review of issue 17: Activity in another language', () => {
  it('shows no plain English in the Result column', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('tab', { name: pseudoText('Activity') }));
    const table = await screen.findByRole('table');
    const data = ['reseller1', 'shop1', 'cPanel', 'whm2fa', '203.0.113.7'];
    expect(plainWords(table.textContent ?? '', data)).toEqual([]);
  });
});

describe('review of issue 17: the narrow-screen cards', () => {
  it('name each cell by its column in the page’s language (the stylesheet shows data-label)', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('tab', { name: pseudoText('Activity') }));
    const row = (await screen.findByRole('table')).querySelector('tbody tr');
    const labels = [...(row?.querySelectorAll('td') ?? [])].map((td) => td.getAttribute('data-label'));
    const admin = pseudoCatalog('admin');
    const columns = ['who', 'account', 'what', 'result', 'from'].map((c) => admin[`activity.column.${c}`]);
    expect(labels).toEqual([null, ...columns]);
  });
});
