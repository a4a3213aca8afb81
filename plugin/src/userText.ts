/**
 * Text a person typed (a removal reason, an issuer) as whm2fa stores and shows it.
 * Control and format characters (Unicode Cc and Cf: NUL, ESC, C1 controls such as U+009B,
 * the bidi overrides such as U+202E, zero-width spaces) would reach root's terminal,
 * Activity, the CSV and mail, where they can hide or reorder what an entry says. They are
 * taken out when the text arrives and again when it is shown, because entries written
 * before this rule may hold them.
 */

/** A run of control and format characters. */
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]+/gu;
/**
 * The ones that separate words (tab, line and page breaks, NEL): a run holding one becomes a
 * space. The vertical tab is written `\x0B`, not `\v`: Stryker's regex mutant of `\v` is
 * `\V`, a syntax error under the `u` flag that stopped every module importing this one from
 * loading in `npm run mutate`.
 */
const BREAK = /[\t\n\x0B\f\r\u0085]/u;

/** `text` without Cc and Cf characters; a run of them that broke a line or a word leaves one space. */
export function cleanUserText(text: string): string {
  return text.replace(CONTROL_OR_FORMAT, (run) => (BREAK.test(run) ? ' ' : ''));
}

/** `entry` with every string member cleaned ({@link cleanUserText}); the same object when nothing changes. */
export function cleanTextMembers<T extends object>(entry: T): T {
  let out: T | undefined;
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') continue;
    const clean = cleanUserText(value);
    if (clean === value) continue;
    out ??= { ...entry };
    (out as Record<string, unknown>)[key] = clean;
  }
  return out ?? entry;
}
