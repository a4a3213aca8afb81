// Text a person typed, as stored and shown (plugin/src/userText.ts): no Unicode Cc or Cf
// character survives, neither in new text nor in entries written before the rule (the
// audit trail, an administrator's removal, issuers, mail).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanTextMembers, cleanUserText } from '../../plugin/src/userText';
import { listAudit } from '../../plugin/src/audit';
import { statusDetails } from '../../plugin/src/accountStatus';
import { issuerFor, systemWideIssuer } from '../../plugin/src/issuer';
import { noticeText } from '../../plugin/src/notice';
import { writeUserState } from '../../plugin/src/userState';
import type { ServerPaths } from '../../plugin/src/paths';
import { keyFingerprint } from '../../plugin/src/keyFingerprint';
import { scratchServer, writeStore } from '../support/fakeBridge';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** NUL, ESC, the C1 CSI, the bidi override, a zero-width space, a BOM and a soft hyphen. */
const HOSTILE = ['\u0000', '\u001b', '\u009b', '\u202e', '\u200b', '\ufeff', '\u00ad'];
const ANY_CC_OR_CF = /[\p{Cc}\p{Cf}]/u;

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  ({ root, paths } = scratchServer('whm2fa-text-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('cleanUserText', () => {
  it('removes each control and format character', () => {
    for (const c of HOSTILE) expect(cleanUserText(`lost${c}phone`), JSON.stringify(c)).toBe('lostphone');
    expect(cleanUserText('phone\u202egnp.exe')).toBe('phonegnp.exe');
    expect(cleanUserText('\u001b[31mred\u009b0m')).toBe('[31mred0m');
  });

  it('leaves one space for a run that broke a line or a word, and keeps every other character', () => {
    expect(cleanUserText('lost\r\n\u0000phone\tnew\u0085one')).toBe('lost phone new one');
    expect(cleanUserText('Téléphone perdu – 電話 ✓ ok')).toBe('Téléphone perdu – 電話 ✓ ok');
  });

  it('cleans every string member of an entry, and returns the entry itself when it is clean', () => {
    const clean = { a: 'x', n: 1 };
    expect(cleanTextMembers(clean)).toBe(clean);
    const dirty = { a: 'x\u202ey', b: 'ok', n: 2 };
    expect(cleanTextMembers(dirty)).toEqual({ a: 'xy', b: 'ok', n: 2 });
    expect(dirty.a).toBe('x\u202ey');
  });
});

describe('stored text shown again', () => {
  const reason = `lost ${HOSTILE.join('')}phone`;

  it('lists old audit entries without their control characters', () => {
    mkdirSync(dirname(paths.auditFile), { recursive: true });
    const line = {
      at: '2026-01-01T00:00:00.000Z',
      actor: 'root',
      subject: 'shop1',
      action: 'admin.remove',
      ip: '203.0.113.1',
      result: 'ok\u202e',
      reason,
    };
    writeFileSync(paths.auditFile, `${JSON.stringify(line)}\n`);
    const [entry] = listAudit(paths, { limit: 10, visible: () => true });
    expect(entry).toEqual({ ...line, result: 'ok', reason: 'lost phone' });
  });

  it('shows an administrator’s old removal reason and a key’s old issuer cleaned', () => {
    writeUserState(paths, 'shop1', {
      failures: 0,
      lockCount: 0,
      adminRemoval: { by: 'root', at: 1_800_000_000, reason },
    });
    expect(statusDetails(paths, 'shop1', false, 1_800_000_100).removedByAdmin?.reason).toBe('lost phone');
    writeStore(paths, { shop1: KEY });
    writeUserState(paths, 'shop1', {
      failures: 0,
      lockCount: 0,
      keyLabel: { key: keyFingerprint(KEY), issuer: 'Acme\u202e\u200bHost', account: 'shop1\u0000', at: 1_800_000_000 },
    });
    expect(statusDetails(paths, 'shop1', true, 1_800_000_100).keyLabel).toEqual({
      issuer: 'AcmeHost',
      account: 'shop1',
      at: new Date(1_800_000_000_000).toISOString(),
    });
  });

  it('cleans issuers read from cPanel’s file', () => {
    mkdirSync(dirname(paths.issuerUserdata), { recursive: true });
    writeFileSync(
      paths.issuerUserdata,
      JSON.stringify({ system_wide_issuer: 'Acme\u202e Host', reseller1: 'R\u0000one' }),
    );
    expect(systemWideIssuer(paths)).toBe('Acme Host');
    expect(issuerFor(paths, 'reseller1', true)).toBe('Rone');
    expect(issuerFor(paths, 'shop1', false)).toBe('Acme Host');
  });

  it('mails a reason without them', () => {
    const { body } = noticeText(
      { kind: 'removed-by-admin', user: 'shop1', actor: 'root', ip: '', epochSeconds: 1_800_000_000, reason },
      'host.example',
    );
    expect(body).toContain('Reason:   lost phone');
    // The mail's own line breaks are its only controls.
    expect(body.replace(/\n/g, '')).not.toMatch(ANY_CC_OR_CF);
  });
});
