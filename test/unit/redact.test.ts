// Log redaction: a base32 run long enough to be a secret (16 characters, 80 bits: cPanel's
// smallest) never reaches a log line; shorter runs and ordinary words stay readable.
import { describe, expect, it } from 'vitest';
import { redactCpanelWords, redactReason, redactText } from '../../plugin/src/redact';
import { base32 } from '../../plugin/src/totp';

describe('redactText', () => {
  it('replaces an 80-bit and a 160-bit secret wherever they appear', () => {
    const short = 'JBSWY3DPEHPK3PXP';
    const long = base32(new Uint8Array(20).fill(0xa5));
    expect(long).toHaveLength(32);
    expect(redactText(`uapi failed for ${short}`)).toBe('uapi failed for [redacted]');
    expect(redactText(`secret=${long}&issuer=x`)).toBe('secret=[redacted]&issuer=x');
    expect(redactText(`${short}\n  at save (${long})`)).toBe('[redacted]\n  at save ([redacted])');
  });

  it('keeps runs shorter than 16 characters, lowercase text and other characters', () => {
    expect(redactText('ABCDEFGHIJKLMNO')).toBe('ABCDEFGHIJKLMNO');
    expect(redactText('jbswy3dpehpk3pxp')).toBe('jbswy3dpehpk3pxp');
    // 0, 1, 8 and 9 are not base32, so they end a run.
    expect(redactText('ABCDEFGH0IJKLMNOP')).toBe('ABCDEFGH0IJKLMNOP');
    expect(redactText('CPANEL_FAILED: whmapi1 exited 1')).toBe('CPANEL_FAILED: whmapi1 exited 1');
  });

  it('redacts a run of exactly 16 and the whole of a longer run', () => {
    expect(redactText('x ABCDEFGHIJKLMNOP y')).toBe('x [redacted] y');
    expect(redactText('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABC')).toBe('[redacted]');
  });
});

describe('redactCpanelWords', () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const body = JSON.stringify({ secret, tfa_token: '123456' });

  it('cuts out a request body it was sent, even when cPanel quotes it without braces around it', () => {
    const quoted = `bad input (before "${body.slice(1, -1)}")`;
    expect(redactCpanelWords(quoted, [body.slice(1, -1)])).toBe('bad input (before "[request]")');
  });

  it('removes an echoed body it does not recognise, between braces', () => {
    expect(redactCpanelWords(`malformed JSON string (before "${body}") at line 1`, [])).toBe(
      'malformed JSON string (before "[request]") at line 1',
    );
  });

  it('replaces a key in any case, and a key cut short of its brace', () => {
    expect(redactCpanelWords(`secret=${secret.toLowerCase()} refused`)).toBe('secret=[redacted] refused');
    expect(redactCpanelWords(`(before "{\\"secret\\":\\"${secret.slice(0, 20)}`)).toBe(
      '(before "{\\"secret\\":\\"[redacted]',
    );
  });

  it('removes the current code of an echoed body that lost its braces and was not recognised', () => {
    const echoed = `bad input (before "${body.slice(1, -1)}")`;
    const out = redactCpanelWords(echoed, []);
    expect(out).not.toContain('123456');
    expect(out).not.toContain(secret);
    expect(redactCpanelWords('tfa_token=654321 refused')).toBe('tfa_token=[redacted] refused');
    // Six digits that are not the code stay: cPanel's own numbers are words worth keeping.
    expect(redactCpanelWords('exit status 123456')).toBe('exit status 123456');
  });

  it('ignores an empty body among those sent', () => {
    expect(redactCpanelWords('no such user', [''])).toBe('no such user');
  });

  it('keeps cPanel’s ordinary words', () => {
    expect(redactCpanelWords('The security code is invalid.')).toBe('The security code is invalid.');
    expect(redactCpanelWords('This feature is not enabled for your account.')).toBe(
      'This feature is not enabled for your account.',
    );
  });
});

describe('redactReason', () => {
  it('removes a key in any case or grouped, and a recovery code in either form', () => {
    expect(redactReason('lost phone, key was JBSWY3DPEHPK3PXP')).toBe('lost phone, key was [redacted]');
    expect(redactReason('key jbswy3dpehpk3pxp')).toBe('key [redacted]');
    expect(redactReason('key JBSW Y3DP EHPK 3PXP ok')).toBe('key [redacted] ok');
    expect(redactReason('code ABCD-EFGH-JK23 used')).toBe('code [redacted] used');
    expect(redactReason('code abcd-efgh-jk23')).toBe('code [redacted]');
    expect(redactReason('code ABCDEFGHJK23.')).toBe('code [redacted].');
  });

  it('keeps an ordinary reason whole', () => {
    const plain = 'Customer left on 2026-12-01; ticket #4821, asked by the owner over the phone';
    expect(redactReason(plain)).toBe(plain);
    expect(redactReason('this user left that team today')).toBe('this user left that team today');
  });
});
