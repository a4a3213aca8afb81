import type { AuditEntry } from '../../api';
import { actionLabel } from './ActivityTable';

/** One CSV cell: quoted, with a leading `=`, `+`, `-` or `@` defused so a spreadsheet never runs it as a formula. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The entries as CSV (RFC 4180, CRLF line ends), with a header row and actions as the page
 * names them; times stay ISO 8601 in UTC, whatever the page's language. It starts with a byte-order mark, so spreadsheets read it as UTF-8.
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = [['time', 'actor', 'account', 'action', 'result', 'reason', 'ip']];
  for (const e of entries) rows.push([e.at, e.actor, e.subject, actionLabel(e.action), e.result, e.reason ?? '', e.ip]);
  return `\ufeff${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Offers `text` as a download named `name` (made in the page: nothing is sent anywhere). */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
