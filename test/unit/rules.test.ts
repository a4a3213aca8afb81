// One home for each rule: plugin/src/rules.ts. The copies that cannot import it (the
// installer is bash, package.json is data) must say the same, and nothing else may write
// the rules out again.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CODE_PATTERN,
  ISSUER_PATTERN,
  MAX_ISSUER_LENGTH,
  MIN_NODE_MAJOR,
  isValidIssuer,
  issuerProblem,
} from '../../plugin/src/rules';
import { validIssuer } from '../../plugin/src/issuer';
import { issuerProblemText as pageIssuerProblem } from '../../frontend/src/issuerText';
import { addEnglish } from '../../frontend/src/i18n';
import adminEnglish from '../../locales/en/admin.json';

// The Settings tab brings its English with it (frontend/src/admin.ts).
addEnglish(adminEnglish);

const TOP = join(__dirname, '../..');
const read = (file: string): string => readFileSync(join(TOP, file), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(join(TOP, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f));
}

describe('the minimum Node.js version', () => {
  it('is the same in install.sh, package.json and the README', () => {
    expect(/^MIN_NODE_MAJOR=(\d+)$/m.exec(read('install.sh'))?.[1]).toBe(String(MIN_NODE_MAJOR));
    expect((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node).toBe(
      `>=${String(MIN_NODE_MAJOR)}`,
    );
    expect(read('README.md')).toContain(`Node.js ${String(MIN_NODE_MAJOR)} or newer`);
  });
});

describe('the issuer rule', () => {
  it('accepts 1 to 32 letters, digits, spaces, dots, underscores and hyphens, nothing else', () => {
    expect(isValidIssuer('a')).toBe(true);
    expect(isValidIssuer('My Host_1.example-2')).toBe(true);
    expect(isValidIssuer('x'.repeat(MAX_ISSUER_LENGTH))).toBe(true);
    expect(isValidIssuer('x'.repeat(MAX_ISSUER_LENGTH + 1))).toBe(false);
    expect(isValidIssuer('')).toBe(false);
    for (const bad of ['a:b', 'é', 'a/b', 'a\nb', 'a@b']) expect(isValidIssuer(bad)).toBe(false);
  });

  it('is the same rule, in the same words, on the server and on the page', () => {
    for (const input of ['ok name', ' padded ', 'x'.repeat(33), 'bad:colon', 'Hébergement', '']) {
      const server = (() => {
        try {
          validIssuer(input);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      })();
      expect(issuerProblem(input.trim()) === undefined).toBe(server === undefined);
      expect(pageIssuerProblem(input.trim())).toBe(server);
    }
    expect(read('frontend/src/tabs/settings/IssuerForm.tsx')).toContain('issuerProblemText(issuer.trim())');
    expect(read('frontend/src/issuerText.ts')).toContain('issuerProblem(issuer)');
  });
});

describe('no second copy', () => {
  it('no plugin or page source writes the issuer or code pattern out again', () => {
    const files = [...sources('plugin'), ...sources('frontend/src')].filter((f) => !f.endsWith('rules.ts'));
    for (const file of files) {
      const text = read(file);
      expect(text, file).not.toContain('[A-Za-z0-9 ._-]');
      expect(text, file).not.toContain('\\d{6}');
    }
    expect(CODE_PATTERN.test('123456')).toBe(true);
    expect(CODE_PATTERN.test('12345')).toBe(false);
    expect(ISSUER_PATTERN.source).toContain(String(MAX_ISSUER_LENGTH));
  });
});
