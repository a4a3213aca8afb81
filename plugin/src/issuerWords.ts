/**
 * An issuer cPanel refuses, in words: the same message ids in the page's catalog
 * (admin.json) and the server's (api.json), so the page's live check and the server's
 * refusal say the same thing in each language.
 */
import { MAX_ISSUER_LENGTH, type IssuerProblem, type RefusedCharacter } from './rules';

/** The ids this module needs from a catalog. */
export type IssuerMessageId =
  | 'issuer.rule'
  | 'issuer.tooLong'
  | 'issuer.refusedOne'
  | 'issuer.refusedMany'
  | 'issuer.problemAndRule'
  | 'issuer.char.tab'
  | 'issuer.char.mark'
  | 'issuer.char.invisible'
  | 'issuer.char.visible'
  | 'list.separator';

/** A catalog lookup of the page's or the server's. */
export type Translate = (id: IssuerMessageId, values?: Readonly<Record<string, string | number>>) => string;

/** Each kind of refused character's message (ids written out: the page's build finds them in the source). */
const CHARACTER_IDS = {
  tab: 'issuer.char.tab',
  mark: 'issuer.char.mark',
  invisible: 'issuer.char.invisible',
  visible: 'issuer.char.visible',
} as const satisfies Record<RefusedCharacter['kind'], IssuerMessageId>;

function characterName(t: Translate, c: RefusedCharacter): string {
  return t(CHARACTER_IDS[c.kind], { char: c.char, code: c.code });
}

/** cPanel's rule for an issuer, as a person is told it. */
export function issuerRuleText(t: Translate): string {
  return t('issuer.rule', { max: MAX_ISSUER_LENGTH });
}

/** Why an issuer is refused, naming each refused character, then the rule. */
export function issuerProblemText(t: Translate, problem: IssuerProblem): string {
  let what: string;
  if ('length' in problem) {
    what = t('issuer.tooLong', { count: problem.length, max: MAX_ISSUER_LENGTH });
  } else {
    const names = problem.refused.map((c) => characterName(t, c));
    const last = names.pop() ?? '';
    what =
      names.length === 0
        ? t('issuer.refusedOne', { char: last })
        : t('issuer.refusedMany', { chars: names.join(t('list.separator')), last });
  }
  return t('issuer.problemAndRule', { problem: what, rule: issuerRuleText(t) });
}
