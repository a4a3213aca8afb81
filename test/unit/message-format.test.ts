// whm2fa's message format: {name} placeholders, plural forms chosen by Intl.PluralRules in
// the message's language (never by rules of our own), numbers written by Intl.
import { describe, expect, it } from 'vitest';
import { formatMessage, pluralCategory } from '../../plugin/src/messageFormat';
import { english, mailWords, requestWords, setRequestLocale, t, utcClock } from '../../plugin/src/messages';

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
