// Every language's catalogs say everything English says, with the same placeholders and
// markup, and the plural forms its own Intl.PluralRules asks for: a missing or extra id, a
// lost placeholder or a wrong set of plural forms fails here, not in front of a user.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES, isLocale, languageTag, type Locale } from '../../plugin/src/locale';
import { AUDIT_ACTIONS } from '../../plugin/src/rules';
import { ACTIONS } from '../../plugin/src/api/actions';
import type { Catalog, Message } from '../../plugin/src/messageFormat';

const TOP = join(__dirname, '..', '..');
const FILES = ['page', 'admin', 'api', 'mail'] as const;

/** The languages that must be present, each with its glossary: every shipped one. */
const REQUIRED: readonly Locale[] = LOCALES.filter((l) => l !== 'en');

const read = (locale: string, file: string): Catalog =>
  JSON.parse(readFileSync(join(TOP, 'locales', locale, `${file}.json`), 'utf8')) as Catalog;
const present = readdirSync(join(TOP, 'locales')).filter((d) => d !== 'en');

/** The `{placeholders}` and `<tags>` of a text, sorted. */
function marks(text: string): { placeholders: string[]; tags: string[] } {
  return {
    placeholders: [...new Set(text.match(/\{\w+\}/g) ?? [])].sort(),
    tags: (text.match(/<\/?\w+>/g) ?? []).sort(),
  };
}

/** Every difference between a translated catalog and English, as readable lines. */
export function catalogProblems(english: Catalog, other: Catalog, tag: string): string[] {
  const problems: string[] = [];
  const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories;
  for (const id of Object.keys(other)) if (!Object.hasOwn(english, id)) problems.push(`extra id ${id}`);
  for (const [id, source] of Object.entries(english)) {
    const own: Message | undefined = Object.hasOwn(other, id) ? other[id] : undefined;
    if (own === undefined) {
      problems.push(`missing id ${id}`);
      continue;
    }
    const want = marks(typeof source === 'string' ? source : (source.other ?? ''));
    if (typeof source === 'string') {
      if (typeof own !== 'string') problems.push(`${id}: plural forms where English has one text`);
      else if (JSON.stringify(marks(own)) !== JSON.stringify(want))
        problems.push(`${id}: placeholders or markup differ`);
      continue;
    }
    if (typeof own === 'string') {
      problems.push(`${id}: one text where English has plural forms`);
      continue;
    }
    const forms = Object.keys(own).sort();
    if (JSON.stringify(forms) !== JSON.stringify([...categories].sort()))
      problems.push(`${id}: plural forms ${forms.join(',')} but ${tag} has ${[...categories].sort().join(',')}`);
    for (const [form, text] of Object.entries(own)) {
      const got = marks(text ?? '');
      // A form for exactly one number (zero, one, two) may say it in words instead of {count}.
      const need =
        form === 'zero' || form === 'one' || form === 'two'
          ? { ...want, placeholders: want.placeholders.filter((p) => p !== '{count}') }
          : want;
      const have =
        form === 'zero' || form === 'one' || form === 'two'
          ? { ...got, placeholders: got.placeholders.filter((p) => p !== '{count}') }
          : got;
      if (JSON.stringify(have) !== JSON.stringify(need)) problems.push(`${id}.${form}: placeholders or markup differ`);
    }
  }
  return problems;
}

describe('the English catalogs', () => {
  it('have plural forms exactly as English asks (one, other), and no id that is also an action name', () => {
    const actions = new Set<string>([...Object.keys(ACTIONS), ...AUDIT_ACTIONS]);
    for (const file of FILES) {
      const english = read('en', file);
      expect(catalogProblems(english, english, 'en'), file).toEqual([]);
      // The page's build rewrites every quoted id in the page's source (scripts/catalogs.mjs).
      for (const id of Object.keys(english)) expect(actions.has(id), id).toBe(false);
    }
  });
});

describe('every other language', () => {
  it('is a shipped locale, and every required one is present with its glossary', () => {
    for (const locale of present) expect(isLocale(locale), locale).toBe(true);
    for (const locale of REQUIRED) {
      expect(present, locale).toContain(locale);
      expect(existsSync(join(TOP, 'docs/glossary', `${locale}.md`)), `docs/glossary/${locale}.md`).toBe(true);
    }
    expect(LOCALES).toContain('en');
  });

  for (const locale of present.filter(isLocale)) {
    it(`${locale}: every catalog has every id, with English’s placeholders and its own plural forms`, () => {
      for (const file of FILES) {
        expect(existsSync(join(TOP, 'locales', locale, `${file}.json`)), `${locale}/${file}.json`).toBe(true);
        expect(catalogProblems(read('en', file), read(locale, file), languageTag(locale)), `${locale}/${file}`).toEqual(
          [],
        );
      }
    });
  }
});

describe('the check itself', () => {
  const english: Catalog = {
    a: 'Hello {user}, <strong>look</strong>',
    n: { one: '{count} code', other: '{count} codes' },
  };
  it('finds a missing or extra id, a lost placeholder or tag, and wrong plural forms', () => {
    expect(
      catalogProblems(
        english,
        { a: 'Hallo {user}, <strong>schau</strong>', n: { one: 'ein Code', other: '{count} Codes' } },
        'de',
      ),
    ).toEqual([]);
    expect(catalogProblems(english, { n: { one: 'x', other: '{count}' }, b: 'x' }, 'de')).toEqual([
      'extra id b',
      'missing id a',
    ]);
    expect(catalogProblems(english, { a: 'Hallo {name}, schau', n: { other: '{count}' } }, 'de')).toEqual([
      'a: placeholders or markup differ',
      'n: plural forms other but de has one,other',
    ]);
    expect(
      catalogProblems(english, { a: 'Hallo {user}, <strong>x</strong>', n: { one: '{count}', other: 'x' } }, 'ru'),
    ).toEqual(['n: plural forms one,other but ru has few,many,one,other', 'n.other: placeholders or markup differ']);
  });
});
