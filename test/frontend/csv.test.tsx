// The Activity export (frontend/src/tabs/activity/csv.ts): a cell a spreadsheet would read
// as a formula (starting `=`, `+`, `-`, `@`, a tab or a carriage return) is defused with
// a leading quote; every other cell is kept as it is.
import { describe, expect, it } from 'vitest';
// The admin tabs' English words (action names) come with them, as on the page.
import '../../frontend/src/admin';
import { auditCsv } from '../../frontend/src/tabs/activity/csv';
import type { AuditEntry } from '../../frontend/src/api';

const row = (reason: string): string => {
  const entry: AuditEntry = {
    at: '2026-11-27T11:00:00.000Z',
    actor: 'root',
    subject: 'shop1',
    action: 'admin.remove',
    ip: '203.0.113.9',
    result: 'ok',
    reason,
  };
  const lines = auditCsv([entry]).split('\r\n');
  return lines[1] ?? '';
};
const reasonCell = (reason: string): string => row(reason).split('","')[5] ?? '';

describe('auditCsv', () => {
  it('defuses every character that starts a formula', () => {
    expect(reasonCell('=1+1')).toBe(`'=1+1`);
    expect(reasonCell('+1+1')).toBe(`'+1+1`);
    expect(reasonCell('-2+3')).toBe(`'-2+3`);
    expect(reasonCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(reasonCell('\t=1')).toBe(`'\t=1`);
    expect(reasonCell('\r=1')).toBe(`'\r=1`);
  });

  it('keeps other cells as they are, quoted, with quotes doubled', () => {
    expect(reasonCell('lost phone - new one = soon')).toBe('lost phone - new one = soon');
    expect(reasonCell(' =1')).toBe(' =1');
    expect(row('say "hi"')).toBe(
      '"2026-11-27T11:00:00.000Z","root","shop1","Removed by an administrator","ok","say ""hi""","203.0.113.9"',
    );
  });
});
