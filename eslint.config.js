// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * Import boundaries (README, "Architecture at a glance"; test/import-boundaries.test.ts proves
 * they fire). Vendor packages live behind adapters in src/providers/<vendor>/ and src/stores/, so
 * that no vendor type reaches domain code and a vendor can be swapped in one folder. Our own
 * folders depend one way: app and cli on top; the pipeline kernel knows features only through the
 * types of its contract; providers and stores at the bottom. Tests import what they need.
 */
const features = ['understanding', 'assist', 'knowledge', 'wrap-up', 'integrations', 'privacy'];
/** Packages any src file may import, besides node: builtins (yaml: see yamlLoader). */
const everywhere = ['zod', 'yaml'];
/** The HTTP/WebSocket layer's own packages (app/, and cli/ which drives it). */
const server = ['fastify', '@fastify/[^/]+', 'fastify-type-provider-zod', 'ws'];

/** A bare package name outside `allowed` (a relative path or node: builtin never matches). */
const vendorRegex = (/** @type {string[]} */ allowed) =>
  `^(?!\\.|node:|(?:${allowed.map((name) => name.replaceAll('.', '\\.')).join('|')})(?:/|$))`;
const vendorMessage =
  'Vendor packages are imported only under src/providers/<vendor>/ and src/stores/: put an ' +
  'adapter there that exposes our own types (src/providers/spec/), and import the adapter.';
/** A relative import into one of our top-level src folders. */
const folderRegex = (/** @type {string[]} */ folders) => `^(?:\\.\\.?/)+(?:${folders.join('|')})/`;

/** Playbooks, scorecards, taxonomies… are read by one loader, whose errors name file and field. */
const yamlLoader = 'src/text/yaml-definition.ts';

/**
 * @typedef {{ folders: string[], message: string, allowTypeImports?: boolean }} Forbidden
 * @typedef {{ files: string[], ignores?: string[], allowed?: string[], forbidden?: Forbidden[] }} Zone
 * `allowed`: the packages the zone may import (none listed: any); `forbidden`: our folders it may not.
 */

/** One config object per zone: flat config replaces (never merges) a rule's options. */
const boundary = (/** @type {Zone} */ zone) => {
  /** @type {Array<{ regex: string, message: string, allowTypeImports?: boolean }>} */
  const patterns = (zone.forbidden ?? []).map(({ folders, message, allowTypeImports }) => ({
    regex: folderRegex(folders),
    message,
    ...(allowTypeImports ? { allowTypeImports } : {}),
  }));
  /** @type {import('eslint').Linter.RulesRecord} */
  const rules = {};
  if (zone.allowed) {
    patterns.unshift({ regex: vendorRegex(zone.allowed), message: vendorMessage });
    // `import()` and createRequire load packages too; no-restricted-imports sees neither.
    rules['no-restricted-syntax'] = [
      'error',
      {
        selector: `ImportExpression[source.value=/${vendorRegex(zone.allowed).replaceAll('/', '\\/')}/]`,
        message: vendorMessage,
      },
      {
        selector: "CallExpression[callee.name='createRequire']",
        message: `createRequire loads packages by name, out of no-restricted-imports' sight. ${vendorMessage}`,
      },
    ];
  }
  const paths =
    zone.allowed?.includes('yaml') && !zone.files.includes(yamlLoader)
      ? [{ name: 'yaml', message: `Read YAML definitions with ${yamlLoader}.` }]
      : [];
  rules['@typescript-eslint/no-restricted-imports'] = ['error', { paths, patterns }];
  return {
    files: zone.files,
    // Tests and their support code (fixtures, fakes, conformance suites under testing/) may reach
    // across layers and import test tools.
    ignores: ['**/*.test.ts', '**/testing/**', ...(zone.ignores ?? [])],
    rules,
  };
};
const notFromTop = {
  folders: ['app', 'cli'],
  message: 'Only src/app/ and src/cli/ (the top layer) import from src/app/ or src/cli/.',
};

export default tseslint.config(
  { ignores: ['node_modules', '.cuecard', 'dist', 'coverage', 'web/dist', 'web/vite.config.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs', 'scripts/**/*.ts'], ...tseslint.configs.disableTypeChecked },
  boundary({
    files: ['src/app/**', 'src/cli/**', 'src/main.ts'],
    allowed: [...everywhere, ...server],
  }),
  boundary({
    files: ['src/pipeline/**'],
    ignores: ['src/pipeline/contract.ts'],
    allowed: everywhere,
    forbidden: [
      {
        folders: [...features, 'app', 'cli'],
        message:
          'The pipeline kernel does not know the features: analyzers plug into it; their result ' +
          'types are named in src/pipeline/contract.ts only.',
      },
    ],
  }),
  boundary({
    files: ['src/pipeline/contract.ts'],
    allowed: everywhere,
    forbidden: [
      {
        folders: features,
        allowTypeImports: true,
        message: 'The contract names analyzer result types: import them with `import type`.',
      },
      notFromTop,
    ],
  }),
  boundary({
    files: ['src/providers/**', 'src/stores/**'],
    forbidden: [
      {
        folders: [...features, 'pipeline', 'conversations', 'tenancy', 'evaluation', 'app', 'cli'],
        message:
          'src/providers/ and src/stores/ are the bottom layer: they serve the features and ' +
          'import nothing of theirs (define the shared type in src/providers/spec/).',
      },
    ],
  }),
  boundary({
    files: ['src/**'],
    ignores: [
      'src/app/**',
      'src/cli/**',
      'src/main.ts',
      'src/pipeline/**',
      'src/providers/**',
      'src/stores/**',
      yamlLoader,
    ],
    allowed: everywhere,
    forbidden: [notFromTop],
  }),
  boundary({ files: [yamlLoader], allowed: everywhere, forbidden: [notFromTop] }),
  {
    // Plain Node scripts.
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        performance: 'readonly',
        console: 'readonly',
        URL: 'readonly',
      },
    },
  },
);
