// Lint rules: typescript-eslint's recommended set on every TypeScript file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.herald/', 'web/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `import { z }` is zod's whole API as one object (every locale included, ~440 KB minified) that esbuild
      // cannot tree-shake; the namespace import lets a bundle keep only what it uses.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value=/^zod/] > ImportSpecifier[imported.name='z']",
          message: "Use `import * as z from 'zod'`: the named `z` keeps all of zod in a Lambda bundle.",
        },
      ],
    },
  },
  {
    // The editor web app runs in the browser, as ES modules without a build step.
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'history',
          'sessionStorage',
          'fetch',
          'URLSearchParams',
          'CSS',
          'Node',
          'HTMLElement',
          'setTimeout',
          'clearTimeout',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Node scripts in plain JavaScript: the CLI's entry and the embedded stack's emulator worker.
    files: ['bin/**/*.mjs', 'local/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
  },
);
