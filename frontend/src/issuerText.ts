/** The issuer check's words on the page (plugin/src/issuerWords.ts says them alike on the server). */
import { issuerProblem } from '../../plugin/src/rules';
import { issuerProblemText as words, issuerRuleText } from '../../plugin/src/issuerWords';
import { t } from './i18n';

/** Why cPanel would refuse `issuer` (trimmed), in the page's language; undefined when it is fine. */
export function issuerProblemText(issuer: string): string | undefined {
  const problem = issuerProblem(issuer);
  return problem === undefined ? undefined : words(t, problem);
}

/** cPanel's rule for an issuer in the page's language. */
export function issuerRule(): string {
  return issuerRuleText(t);
}
