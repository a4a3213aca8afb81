// The error log (plugin/src/redact.ts, written by cgi.ts and the hook): an unexpected failure is logged with its message and
// stack, and a key the failure carries (a bug that put one in a message) is not.
import { describe, expect, it } from 'vitest';
import { errorLogText } from '../../plugin/src/redact';
import { StateError } from '../../plugin/src/errors';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('errorLogText', () => {
  it('keeps the message and the stack, but not a key the exception carries', () => {
    const err = new StateError(`cannot save the pending setup {"secret":"${SECRET}"} for reseller1`);
    const text = errorLogText('api', err);
    expect(err.stack).toContain(SECRET);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(0, 16));
    expect(text).toMatch(
      /^whm2fa api: StateError: cannot save the pending setup \{"secret":"\[redacted\]"\} for reseller1\n/,
    );
    expect(text).toMatch(/\n\s+at .*error-log\.test\.ts/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('redacts a key in something thrown that is not an Error', () => {
    const text = errorLogText('hook', `secret=${SECRET}`);
    expect(text).toBe('whm2fa hook: secret=[redacted]\n');
  });
});
