import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'dist-renderer', 'release', 'test-artifacts'] },
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
    files: ['src-main/core/**', 'src-main/config/**', 'src-main/drivers/**', 'src-main/orchestrators/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src-main/app imports electron.' }] },
      ],
    },
  },
);
