// Lint rules: typescript-eslint's recommended set over every TypeScript file, plus the
// project's boundaries (only the TOTP module imports otplib, only the bridge spawns tools).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
  {
    files: ['plugin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'otplib', message: 'Only plugin/src/totp.ts uses otplib, through plugin/src/vendor/.' },
            {
              name: 'node:child_process',
              message:
                'Programs run through program.ts, used by the cPanel bridge, the mailer and the syslog writer only.',
            },
          ],
          patterns: [
            { group: ['@otplib/*'], message: 'Only plugin/src/totp.ts uses otplib, through plugin/src/vendor/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['plugin/src/vendor/otplib.ts', 'plugin/src/vendor/otplib-crypto.ts', 'plugin/src/program.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['plugin/**/*.ts'],
    ignores: ['plugin/src/cgi.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only the CGI layer reads the environment.' },
      ],
    },
  },
);
