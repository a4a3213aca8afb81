// Reading an action's parameters (plugin/src/api/params.ts): types, bounds and the exact
// BAD_REQUEST message for each refusal.
import { describe, expect, it } from 'vitest';
import {
  optionalCode,
  optionalInteger,
  optionalString,
  requiredBoolean,
  requiredCode,
  requiredString,
  requiredUsers,
} from '../../plugin/src/api/params';
import { Whm2faError } from '../../plugin/src/errors';
import { MAX_CODE_INPUT_LENGTH } from '../../plugin/src/rules';

/** The coded error `fn` throws, as `code: message` (status too when it is not 400). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Whm2faError);
    const e = err as Whm2faError;
    return `${e.code}${e.status === 400 ? '' : ` ${String(e.status)}`}: ${e.message}`;
  }
  throw new Error('expected a refusal');
}

describe('optionalString / requiredString', () => {
  it('takes text up to the limit, and nothing for absent or null', () => {
    expect(optionalString({ a: 'abc' }, 'a', 3)).toBe('abc');
    expect(optionalString({ a: '' }, 'a', 3)).toBe('');
    expect(optionalString({}, 'a', 3)).toBeUndefined();
    expect(optionalString({ a: null }, 'a', 3)).toBeUndefined();
    expect(requiredString({ a: 'abc' }, 'a', 3)).toBe('abc');
  });

  it('refuses other types, text over the limit, and a missing required value', () => {
    expect(refusal(() => optionalString({ a: 5 }, 'a', 3))).toBe('BAD_REQUEST: "a" must be text.');
    expect(refusal(() => optionalString({ a: ['x'] }, 'a', 3))).toBe('BAD_REQUEST: "a" must be text.');
    expect(refusal(() => optionalString({ a: 'abcd' }, 'a', 3))).toBe(
      'BAD_REQUEST: "a" is too long (at most 3 characters).',
    );
    expect(refusal(() => requiredString({}, 'reason', 3))).toBe('BAD_REQUEST: "reason" is required.');
    expect(refusal(() => requiredString({ reason: null }, 'reason', 3))).toBe('BAD_REQUEST: "reason" is required.');
  });
});

describe('optionalCode / requiredCode', () => {
  it('takes a code as typed, up to the input limit', () => {
    expect(optionalCode({ code: '123 456' }, 'code')).toBe('123 456');
    const longest = '1'.repeat(MAX_CODE_INPUT_LENGTH);
    expect(optionalCode({ code: longest }, 'code')).toBe(longest);
    expect(refusal(() => optionalCode({ code: `${longest}1` }, 'code'))).toBe(
      `BAD_REQUEST: "code" is too long (at most ${String(MAX_CODE_INPUT_LENGTH)} characters).`,
    );
    expect(optionalCode({}, 'code')).toBeUndefined();
  });

  it('turns a whole number from 0 to 999999 into six digits, and refuses other numbers', () => {
    expect(optionalCode({ code: 42 }, 'code')).toBe('000042');
    expect(optionalCode({ code: 0 }, 'code')).toBe('000000');
    expect(optionalCode({ code: 999_999 }, 'code')).toBe('999999');
    for (const bad of [1_000_000, -1, 12.5, Number.NaN])
      expect(refusal(() => optionalCode({ code: bad }, 'code'))).toBe('BAD_REQUEST: "code" must be text.');
  });

  it('a required code that is missing says where to find one', () => {
    expect(requiredCode({ code: 7 }, 'code')).toBe('000007');
    expect(refusal(() => requiredCode({}, 'currentCode'))).toBe(
      'BAD_REQUEST: "currentCode" is required: enter the 6-digit security code from your app.',
    );
  });
});

describe('requiredBoolean', () => {
  it('takes true and false only', () => {
    expect(requiredBoolean({ on: true }, 'on')).toBe(true);
    expect(requiredBoolean({ on: false }, 'on')).toBe(false);
    for (const bad of ['true', 1, 0, null, undefined])
      expect(refusal(() => requiredBoolean({ on: bad }, 'on'))).toBe('BAD_REQUEST: "on" must be true or false.');
  });
});

describe('optionalInteger', () => {
  it('takes whole numbers within the bounds, both ends included', () => {
    expect(optionalInteger({ n: 1 }, 'n', 1, 500)).toBe(1);
    expect(optionalInteger({ n: 500 }, 'n', 1, 500)).toBe(500);
    expect(optionalInteger({}, 'n', 1, 500)).toBeUndefined();
    expect(optionalInteger({ n: null }, 'n', 1, 500)).toBeUndefined();
  });

  it('refuses values outside the bounds, fractions and text', () => {
    for (const bad of [0, 501, 2.5, '5', Number.POSITIVE_INFINITY])
      expect(refusal(() => optionalInteger({ n: bad }, 'n', 1, 500))).toBe(
        'BAD_REQUEST: "n" must be a whole number from 1 to 500.',
      );
  });
});

describe('requiredUsers', () => {
  it('takes a list of valid names, drops repeats and keeps the order', () => {
    expect(requiredUsers({ u: ['b', 'a', 'b'] }, 'u', 3)).toEqual(['b', 'a']);
    expect(requiredUsers({ u: ['a', 'b', 'c'] }, 'u', 3)).toEqual(['a', 'b', 'c']);
  });

  it('refuses no list, an empty one, one over the limit and a bad name', () => {
    const atLeastOne = 'BAD_REQUEST: "u" must list at least one account.';
    expect(refusal(() => requiredUsers({}, 'u', 3))).toBe(atLeastOne);
    expect(refusal(() => requiredUsers({ u: 'a' }, 'u', 3))).toBe(atLeastOne);
    expect(refusal(() => requiredUsers({ u: [] }, 'u', 3))).toBe(atLeastOne);
    expect(refusal(() => requiredUsers({ u: ['a', 'b', 'c', 'd'] }, 'u', 3))).toBe(
      'BAD_REQUEST: "u" can list at most 3 accounts at once.',
    );
    for (const bad of ['Root', '../x', 'a\u0000', '', 5])
      expect(refusal(() => requiredUsers({ u: ['ok', bad] }, 'u', 3))).toBe(
        'BAD_REQUEST: "u" holds a name that is not a valid account name.',
      );
  });
});
