import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// eslint loads the default export of its config file.
// eslint-disable-next-line no-restricted-syntax
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/cluster/tools/', '.scratch/', '.pennant/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  // The web view's scripts run in the browser as they are written (src/ui/static/, no build step).
  {
    files: ['src/ui/static/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['document', 'location', 'EventSource', 'fetch', 'URLSearchParams', 'requestAnimationFrame', 'setInterval', 'confirm'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
