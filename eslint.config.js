import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'generated/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The workflow sandbox forbids I/O: workflows may import only domain code and the Temporal workflow/common packages.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../activities/*', '../api/*', '../worker/*', '../scripts/*', '../prisma/*', '../generated/*'], message: 'workflows/ may import only domain/ and @temporalio/workflow|common.' },
            { group: ['node:*', 'pg', '@prisma/*', 'hono', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'No I/O in workflow code.' },
          ],
        },
      ],
    },
  },
  {
    // Bundled into the workflow sandbox with the workflows: the same rule, plus the OpenTelemetry API and SDK pieces it runs on.
    files: ['telemetry/workflow-interceptors.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*', './*', '!./workflow-interceptors.js'], message: 'The workflow interceptors run in the sandbox: they import only @temporalio/workflow, the OpenTelemetry packages and the SDK\'s workflow-side tracing modules.' },
            { group: ['node:*', 'pg', '@prisma/*', 'hono', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'No I/O in workflow code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*/**', '!../domain/**', 'node:*', 'pg', '@prisma/*', '@temporalio/*', 'hono'], message: 'domain/ is pure: it imports nothing else of ours and no I/O.' }] },
      ],
    },
  },
);
