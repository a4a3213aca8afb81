// An audit entry's result in the reader's language (plugin/src/auditResult.ts): entries
// naming a catalog message are said again in the reader's words; anything else is shown
// as recorded, and nothing but plain, cleaned values reaches the text.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { resultIn } from '../../plugin/src/auditResult';
import { requestWords, setRequestLocale } from '../../plugin/src/messages';
import { TOP } from '../support/server';

afterEach(() => setRequestLocale(join(TOP, 'locales'), 'en'));

describe('resultIn', () => {
  it('says a result with a message id in the reader’s language, its numbers in the language’s format', () => {
    setRequestLocale(join(TOP, 'locales'), 'de');
    const entry = {
      result: 'failed: wrong code (1 of 5)',
      said: { id: 'result.wrongCode', values: { failures: 1, max: 5 } },
    };
    expect(resultIn(entry, requestWords())).toBe('fehlgeschlagen: falscher Sicherheitscode (1 von 5)');
  });

  it('shows older entries, unknown ids and malformed ids as recorded', () => {
    setRequestLocale(join(TOP, 'locales'), 'de');
    const words = requestWords();
    expect(resultIn({ result: 'ok' }, words)).toBe('ok');
    for (const said of [
      { id: 'nope' },
      { id: '__proto__' },
      { id: 5 },
      'result.ok',
      null,
      { id: 'result.ok', values: 3 },
    ])
      expect(resultIn({ result: 'as recorded', said }, words)).toBe('as recorded');
  });

  it('keeps only plain values, with control and format characters removed', () => {
    const entry = {
      result: 'set to "x"',
      said: { id: 'result.issuerSet', values: { issuer: 'My\u202EHost\u0007', extra: { secret: 'JBSWY3DP' } } },
    };
    expect(resultIn(entry, requestWords())).toBe('set to "MyHost"');
  });
});
