// whm2fa's message format: {name} placeholders, plural forms chosen by Intl.PluralRules in
// the message's language (never by rules of our own), numbers written by Intl.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMessage, pluralCategory } from '../../plugin/src/messageFormat';
import {
  english,
  mailWords,
  type ApiMessageId,
  requestWords,
  setRequestLocale,
  t,
  utcClock,
} from '../../plugin/src/messages';

const left = { one: '{count} Versuch', few: '{count} попытки', many: '{count} попыток', other: '{count} Versuche' };

describe('plural forms', () => {
  it('are picked by the language’s own rules: Russian few/many, Arabic zero…many, Japanese one form', () => {
    expect([1, 2, 5, 21, 22, 25].map((n) => pluralCategory('ru', n))).toEqual([
      'one',
      'few',
      'many',
      'one',
      'few',
      'many',
    ]);
    expect([0, 1, 2, 3, 11, 100].map((n) => pluralCategory('ar', n))).toEqual([
      'zero',
      'one',
      'two',
      'few',
      'many',
      'other',
    ]);
    expect([0, 1, 2].map((n) => pluralCategory('ja', n))).toEqual(['other', 'other', 'other']);
    expect(formatMessage(left, 'ru', { count: 22 })).toBe('22 попытки');
    expect(formatMessage(left, 'ru', { count: 25 })).toBe('25 попыток');
    expect(formatMessage(left, 'de', { count: 1 })).toBe('1 Versuch');
    // A form the catalog lacks falls back to `other`.
    expect(formatMessage({ other: '{count} x' }, 'ar', { count: 2 })).toBe(
      `${new Intl.NumberFormat('ar').format(2)} x`,
    );
  });

  it('write numbers as the language does, and leave unknown placeholders visible', () => {
    expect(formatMessage('{count} of {total}', 'en', { count: 1500, total: 2000 })).toBe('1,500 of 2,000');
    expect(formatMessage('{count} of {total}', 'de', { count: 1500, total: 2000 })).toBe('1.500 of 2.000');
    expect(formatMessage('{user} has {n}', 'en', { user: 'shop1' })).toBe('shop1 has {n}');
    // A value that looks like a placeholder is not filled in again, and "constructor" is no value.
    expect(formatMessage('{a} {constructor}', 'en', { a: '{b}', b: 'x' })).toBe('{b} {constructor}');
  });
});

describe('the server’s words', () => {
  it('are English until a request sets its language, and records stay English', () => {
    setRequestLocale('/nonexistent', 'en');
    expect(requestWords().locale).toBe('en');
    expect(t('access.notYours', { user: 'x' })).toBe('You cannot manage the account "x".');
    expect(utcClock(1_800_000_300)).toBe('08:05');
    // A language whose catalog cannot be read answers in English rather than failing.
    setRequestLocale('/nonexistent', 'de');
    expect(t('access.notYours', { user: 'x' })).toBe('You cannot manage the account "x".');
    expect(utcClock(1_800_000_300)).toBe('08:05');
    setRequestLocale('/nonexistent', 'ar');
    expect(utcClock(1_800_000_300)).toBe(
      new Intl.DateTimeFormat('ar', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(
        new Date(1_800_000_300_000),
      ),
    );
    expect(english('access.notYours', { user: 'x' })).toBe('You cannot manage the account "x".');
    setRequestLocale('/nonexistent', 'en');
    expect(mailWords('/nonexistent', 'ja').text('mail.hello', { user: 'shop1' })).toBe('Hello shop1,');
  });
});

describe('the catalog files', () => {
  let dir: string;
  const catalog = (locale: string, name: string, text: string): void => {
    mkdirSync(join(dir, locale), { recursive: true });
    writeFileSync(join(dir, locale, `${name}.json`), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'whm2fa-locales-'));
  });
  afterEach(() => {
    setRequestLocale(dir, 'en');
    rmSync(dir, { recursive: true, force: true });
  });

  it('are read from the locales folder, with English under any id a catalog lacks', () => {
    catalog('de', 'api', JSON.stringify({ 'access.notYours': 'Nicht Ihr Konto {user}.' }));
    catalog('de', 'mail', JSON.stringify({ 'mail.hello': 'Hallo {user},' }));
    setRequestLocale(dir, 'de');
    expect(t('access.notYours', { user: 'x' })).toBe('Nicht Ihr Konto x.');
    expect(t('access.badUserName')).toBe('This WHM user name is not valid.');
    expect(english('access.notYours', { user: 'x' })).toBe('You cannot manage the account "x".');
    expect(mailWords(dir, 'de').text('mail.hello', { user: 'shop1' })).toBe('Hallo shop1,');
    // An id no catalog has is shown as itself.
    expect(t('no.such.id' as ApiMessageId)).toBe('no.such.id');
  });

  it('English is the one built in: an English file in the folder is never read', () => {
    catalog('en', 'api', JSON.stringify({ 'access.notYours': 'Changed {user}' }));
    catalog('en', 'mail', JSON.stringify({ 'mail.hello': 'Changed {user}' }));
    setRequestLocale(dir, 'en');
    expect(t('access.notYours', { user: 'x' })).toBe('You cannot manage the account "x".');
    expect(mailWords(dir, 'en').text('mail.hello', { user: 'shop1' })).toBe('Hello shop1,');
  });

  it('a catalog that is JSON but not an object, or not JSON at all, is no catalog: English answers', () => {
    for (const text of ['null', '["Hallo"]', '"Hallo"', '5', 'true', '{broken']) {
      catalog('de', 'api', text);
      catalog('de', 'mail', text);
      setRequestLocale(dir, 'de');
      expect(t('access.notYours', { user: 'x' }), text).toBe('You cannot manage the account "x".');
      expect(mailWords(dir, 'de').text('mail.hello', { user: 'shop1' }), text).toBe('Hello shop1,');
    }
  });
});
