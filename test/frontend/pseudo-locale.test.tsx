// The page drawn in a generated pseudo-locale (every catalog text accented and 40% longer):
// any word a user can read or hear (text, aria-label, alt, title) that is still plain
// English did not come from a catalog. Only the data the fake server sends (account names,
// domains, the key) may stay plain.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { App } from '../../frontend/src/App';
import { setCatalog } from '../../frontend/src/i18n';
import { groupKey } from '../../frontend/src/tabs/setup/KeyPanel';
import { plainWords, pseudoCatalog, pseudoText } from '../support/pseudoLocale';
import { SECRET, reset, state } from './fakeApi';

const DATA = [
  'reseller1',
  'shop1',
  'shop2',
  'shop1.example.com',
  'shop2.example.com',
  'whm.example.test',
  'host.example.test',
  groupKey(SECRET),
  SECRET,
  '203.0.113.7',
  'Lost phone',
];

/** Every plain-English word on the page: its text and what assistive technology reads out. */
function plainOnPage(): string[] {
  const said = [document.body.textContent ?? ''];
  for (const el of Array.from(document.body.querySelectorAll('*')))
    for (const attr of ['aria-label', 'alt', 'title', 'placeholder'])
      if (el.hasAttribute(attr)) said.push(el.getAttribute(attr) ?? '');
  return plainWords(said.join('\n'), DATA);
}

const tr = (english: string) => pseudoText(english);

beforeEach(() => {
  reset({ enabled: true, isRoot: true, policyEnabled: false, recoveryCodesLeft: 2, user: 'reseller1' });
  state.entries = [
    {
      at: '2026-01-31T12:00:00.000Z',
      actor: 'reseller1',
      subject: 'shop1',
      action: 'admin.remove',
      ip: '203.0.113.7',
      result: 'ok',
      reason: 'Lost phone',
    },
  ];
  setCatalog({ ...pseudoCatalog('page'), ...pseudoCatalog('admin') }, 'en');
});
afterEach(() => setCatalog({}, 'en'));

describe('a pseudo-locale page', () => {
  it('Manage my Account, its dialogs and the set-up screens: no plain English', async () => {
    render(<App />);
    await screen.findByRole('button', { name: tr('Reconfigure Two-Factor Authentication') });
    expect(plainOnPage()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: tr('Make new recovery codes') }));
    await screen.findByRole('dialog');
    expect(plainOnPage()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: tr('Cancel') }));
    fireEvent.click(screen.getAllByRole('button', { name: tr('Remove Two-Factor Authentication') })[0] as HTMLElement);
    await screen.findByRole('dialog');
    expect(plainOnPage()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: tr('Cancel') }));
    fireEvent.click(screen.getByRole('button', { name: tr('Reconfigure Two-Factor Authentication') }));
    await screen.findByRole('img', { name: /ǪŔ/ });
    expect(plainOnPage()).toEqual([]);
    // A wrong code: the refusal, the field's own error and the attempts left.
    fireEvent.click(screen.getByRole('button', { name: tr('Configure Two-Factor Authentication') }));
    await waitFor(() => expect(document.querySelector('.has-error')).not.toBeNull());
    expect(plainOnPage()).toEqual([]);
  });

  it('Manage Users, Settings and Activity: no plain English', async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole('tab', { name: tr('Manage Users') }));
    await screen.findByRole('table');
    expect(plainOnPage()).toEqual([]);
    fireEvent.click(screen.getAllByRole('checkbox')[2] as HTMLElement);
    fireEvent.click(screen.getAllByRole('button', { name: /Ŕéɱöṽé/ })[0] as HTMLElement);
    await screen.findByRole('dialog');
    expect(plainOnPage()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: tr('Cancel') }));
    fireEvent.click(screen.getByRole('tab', { name: tr('Settings') }));
    await screen.findByRole('switch');
    expect(plainOnPage()).toEqual([]);
    fireEvent.click(screen.getByRole('tab', { name: tr('Activity') }));
    await screen.findByRole('table');
    expect(plainOnPage()).toEqual([]);
  });

  it('finds a hard-coded word (the check can fail)', async () => {
    render(<App />);
    await screen.findByRole('button', { name: tr('Reconfigure Two-Factor Authentication') });
    const planted = document.createElement('p');
    planted.textContent = 'Loading accounts';
    document.body.appendChild(planted);
    expect(plainOnPage()).toEqual(['Loading', 'accounts']);
    planted.remove();
  });
});
