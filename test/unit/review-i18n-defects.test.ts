// Review of issue 17 (fresh-eye, branch r17): defects found in the running local WHM, each
// written as a test that fails until it is fixed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pageQuery } from '../../plugin/src/accountPage';
import { setRequestLocale } from '../../plugin/src/messages';
import { TOP } from '../support/server';

afterEach(() => setRequestLocale(join(TOP, 'locales'), 'en'));

describe('review of issue 17: words outside the catalogs', () => {
  it('users.list answers a bad `sort` in the caller’s language (German here), not in English', () => {
    setRequestLocale(join(TOP, 'locales'), 'de');
    let message = '';
    try {
      pageQuery('', 'nonsense', 1);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toMatch(/must be one of|for the reverse order/);
  });

  it('the stylesheet writes no words of its own (the narrow-screen cards label their cells in English)', () => {
    const css = readFileSync(join(TOP, 'frontend/app.css'), 'utf8');
    const words = [...css.matchAll(/content:\s*(['"])(.*?)\1/g)].map((m) => m[2] ?? '').filter((s) => /\p{L}/u.test(s));
    expect(words).toEqual([]);
  });
});
