// Lint rules: typescript-eslint's recommended set over every TypeScript file, plus the
// project's boundaries in plugin/ (test/unit/lint-boundaries.test.ts shows each one fails):
// only program.ts loads child_process, and only the cPanel bridge, the mailer and the syslog
// writer use program.ts; only the TOTP module (through its vendor files) loads otplib; only
// the CGI layer reads the environment. Scripts and tests are outside these boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Each boundary: what it forbids in plugin/, and the files that are its one place. */
const BOUNDARIES = {
  programs: {
    allowedIn: ['plugin/src/program.ts'],
    message: 'Programs run through plugin/src/program.ts, used by the cPanel bridge, the mailer and syslog only.',
    sources: /^(?:node:)?child_process$/,
  },
  programModule: {
    allowedIn: ['plugin/src/cpanel.ts', 'plugin/src/mailer.ts', 'plugin/src/syslog.ts'],
    message: 'Only the cPanel bridge (cpanel.ts), the mailer and syslog run programs (program.ts).',
    sources: /(?:^|\/)program$/,
  },
  otplib: {
    allowedIn: ['plugin/src/totp.ts', 'plugin/src/vendor/otplib.ts', 'plugin/src/vendor/otplib-crypto.ts'],
    message: 'Only plugin/src/totp.ts uses otplib, through plugin/src/vendor/.',
    sources: /^(?:otplib|@otplib\/.*)$|(?:^|\/)vendor\/otplib/,
  },
  environment: {
    allowedIn: ['plugin/src/cgi.ts'],
    message: 'Only the CGI layer (plugin/src/cgi.ts) reads the environment.',
  },
};

/** An esquery regular expression for `re`: esquery ends one at any `/`, so a slash is written \u002F. */
const selectorRegex = (re) => `/${re.source.replace(/\\?\//g, '\\u002F')}/`;

/** The rules for a file in plugin/ that is the one place of the boundaries `except`. */
function boundaryRules(except) {
  const imports = [];
  const syntax = [];
  for (const [name, b] of Object.entries(BOUNDARIES)) {
    if (except.includes(name) || b.sources === undefined) continue;
    imports.push({ regex: b.sources.source, message: b.message });
    const source = selectorRegex(b.sources);
    // require(), module.require(), createRequire(...)(), import(), import x = require().
    syntax.push(
      { selector: `CallExpression[arguments.0.value=${source}]`, message: b.message },
      { selector: `ImportExpression[source.value=${source}]`, message: b.message },
      { selector: `TSExternalModuleReference[expression.value=${source}]`, message: b.message },
    );
  }
  const env = !except.includes('environment');
  if (env) {
    const message = BOUNDARIES.environment.message;
    imports.push({ regex: '^(?:node:)?process$', message: `${message} (use the global process)` });
    // globalThis.process.env and the like; process.env itself is no-restricted-properties'.
    syntax.push({ selector: "MemberExpression[property.name='env'][object.property.name='process']", message });
  }
  return {
    'no-restricted-imports': imports.length === 0 ? 'off' : ['error', { patterns: imports }],
    'no-restricted-syntax': syntax.length === 0 ? 'off' : ['error', ...syntax],
    'no-restricted-properties': env
      ? ['error', { object: 'process', property: 'env', message: BOUNDARIES.environment.message }]
      : 'off',
  };
}

/** Every file that is the one place of some boundary, with those boundaries. */
const onePlaces = new Map();
for (const [name, b] of Object.entries(BOUNDARIES))
  for (const file of b.allowedIn) onePlaces.set(file, [...(onePlaces.get(file) ?? []), name]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.sandbox/**', 'test-results/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-control-regex': 'off',
    },
  },
  { files: ['frontend/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['plugin/**/*.ts'], rules: boundaryRules([]) },
  ...[...onePlaces].map(([file, except]) => ({ files: [file], rules: boundaryRules(except) })),
);
