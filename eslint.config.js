// Lint rules: typescript-eslint's recommended set on every TypeScript file, and which layer may import which.
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
    // The CDK app builds from the contracts and loads no Lambda code with SDK clients (test/infra/app-imports.test.ts).
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(functions/(handlers|adapters|wiring)|local)/',
              message: 'The CDK app loads no handler, adapter or wiring: share what both need through contracts/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Contracts are data both sides read; the functions never reach into the CDK app.
    files: ['contracts/**/*.ts', 'functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(infra|local)/',
              message: 'Functions and contracts do not import the CDK app or the embedded stack: use contracts/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The domain owns its ports; adapters implement them and the wiring joins them, never the other way.
    files: ['functions/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(adapters|handlers|wiring|infra|local)/|^@aws-sdk/',
              message:
                'The domain imports no adapter, handler, wiring or SDK: it owns a port, an adapter implements it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Handlers reach adapters only through the wiring.
    files: ['functions/handlers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(adapters|infra|local)/',
              message: 'A handler calls the domain with the services the wiring made; it imports no adapter.',
            },
          ],
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
