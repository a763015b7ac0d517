import js from '@eslint/js';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'stack/.data/',
      'models/training/.venv/',
      '**/*.js',
      '!eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Node security rules (eval, child_process, non-literal fs paths and regexes, timing attacks, ...);
  // every exception is an eslint-disable comment at its line with the reason.
  security.configs.recommended,
  {
    // The internet-facing code: a security finding there fails `make lint`.
    files: ['api/**', 'producers/**', 'common/**'],
    rules: Object.fromEntries(Object.keys(security.configs.recommended.rules).map((r) => [r, 'error'])),
  },
  {
    // Files these read are named by the repository, a CLI argument or the operator's configuration,
    // never by a network request.
    files: [
      'test/**',
      'scripts/**',
      'stream-processors/**',
      'producers/file/**',
      'common/postgres/migrate.ts',
      'schemas/index.ts',
    ],
    rules: { 'security/detect-non-literal-fs-filename': 'off' },
  },
  {
    // Both patterns are linear (each repetition starts with a literal the repeated class cannot
    // match: '-' in a language tag, one letter of a BIO tag); kept here as these files are the ABSA
    // processor's.
    files: [
      'stream-processors/absa/enrichment/language-detector.ts',
      'stream-processors/absa/model/model-artifact.ts',
    ],
    rules: { 'security/detect-unsafe-regex': 'off' },
  },
  {
    // Tests build regexes from their own fixtures.
    files: ['test/**'],
    rules: { 'security/detect-non-literal-regexp': 'off' },
  },
  {
    rules: {
      // Flags every computed member access (obj[key]); with TypeScript's key types nearly all are
      // safe, and request input never picks a property: query and body values are validated against
      // the OpenAPI schemas into typed values, and lookups keyed by input use Map.
      'security/detect-object-injection': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
