/**
 * A generated pseudo-locale: every English message with its letters accented and about 40%
 * longer (extra words at the end), placeholders and markup kept. A page or mail drawn in it
 * shows at once any word that does not come from a catalog (it stays plain ASCII), and any
 * place too narrow for a longer language.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, Message } from '../../plugin/src/messageFormat';

const TOP = join(__dirname, '..', '..');

const PLAIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ACCENTED = 'åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ';
const PAD = ['ļöŕéɱ', 'îþšûɱ', 'ðöļöŕ', 'šîţ', 'åɱéţ'];

/** One text in pseudo form: letters outside `{placeholders}` and `<tags>` accented, then padded. */
export function pseudoText(text: string): string {
  const parts = text.split(/(\{\w+\}|<\/?\w+>)/);
  const body = parts
    .map((p, i) => (i % 2 === 1 ? p : Array.from(p, (c) => ACCENTED[PLAIN.indexOf(c)] ?? c).join('')))
    .join('');
  const extra: string[] = [];
  for (let n = 0; extra.join(' ').length < Math.ceil(text.replace(/\{\w+\}|<\/?\w+>/g, '').length * 0.4); n += 1)
    extra.push(PAD[n % PAD.length] ?? '');
  return extra.length === 0 ? body : `${body} ${extra.join(' ')}`;
}

function pseudoMessage(m: Message, mark: string, forms: readonly string[]): Message {
  if (typeof m === 'string') return `${mark}${pseudoText(m)}`;
  const other = m.other ?? '';
  return Object.fromEntries(forms.map((f) => [f, `${mark}${pseudoText(m[f as keyof typeof m] ?? other)}`]));
}

/**
 * English catalog `name` (page, admin, api, mail) in pseudo form, as language `tag` would
 * have it (its plural forms), each message starting with `mark` (e.g. `[ru]`) so a test can
 * tell which language's catalog answered.
 */
export function pseudoCatalog(name: string, mark = '', tag = 'en'): Catalog {
  const english = JSON.parse(readFileSync(join(TOP, 'locales/en', `${name}.json`), 'utf8')) as Catalog;
  const forms = new Intl.PluralRules(tag).resolvedOptions().pluralCategories;
  return Object.fromEntries(Object.entries(english).map(([id, m]) => [id, pseudoMessage(m, mark, forms)]));
}

/**
 * Words of three or more plain ASCII letters in `text`, apart from `allowed` data (user
 * names, domains, keys the test itself put on the page): in a pseudo-locale page these can
 * only come from text that skipped the catalogs.
 */
export function plainWords(text: string, allowed: readonly string[] = []): string[] {
  let rest = text;
  for (const a of [...allowed].sort((x, y) => y.length - x.length)) rest = rest.split(a).join(' ');
  return rest.match(/[A-Za-z]{3,}/g) ?? [];
}
