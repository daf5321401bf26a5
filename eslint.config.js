import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'dist-renderer', 'dist-app', 'dist-cli', 'release', 'test-artifacts'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron-store', message: 'Core modules use conf; only src-main/app imports electron.' },
          ],
        },
      ],
    },
  },
  {
    // The renderer runs in a browser (and a sandboxed Electron window): no Node, no keychain, and from
    // src-main only the pure contract, schemas and types.
    files: ['src-renderer/**'],
    ignores: ['src-renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['conf', '@napi-rs/keyring', 'electron', 'fastify', 'pino'].map((name) => ({
            name,
            message: 'The renderer cannot use Node or main-process modules.',
          })),
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' },
            {
              group: [
                '**/src-main/*/*',
                '!**/src-main/api/contract.js',
                '!**/src-main/api/config-schemas.js',
                '!**/src-main/api/state-schema.js',
                '!**/src-main/api/errors.js',
                '!**/src-main/api/http-client.js',
                '!**/src-main/api/http-routes.js',
                '!**/src-main/config/schema.js',
                '!**/src-main/core/events.js',
                '!**/src-main/core/event-filter.js',
                '!**/src-main/core/state.js',
              ],
              message: 'From src-main the renderer imports only the API contract, schemas and types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/core/**', 'src-main/config/**', 'src-main/drivers/**', 'src-main/orchestrators/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src-main/app imports electron.' }] },
      ],
    },
  },
);
