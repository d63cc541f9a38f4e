// Lint is where the architecture is enforced: module boundaries by Nx tags, banned framework
// imports in the pure domain, no process.env outside config, no focused tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const SERVER_FRAMEWORKS = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'ioredis',
  'bullmq',
  'socket.io',
  '@socket.io/*',
  'onnxruntime-*',
  'fastify',
  '@fastify/*',
  'pino',
  'prom-client',
];
/** One constraint per server context: it may depend on the pure libs, itself and the contexts listed. */
const contextRules = (allowed) =>
  Object.entries(allowed).map(([context, below]) => ({
    sourceTag: `context:${context}`,
    onlyDependOnLibsWithTags: ['type:domain', 'type:contract', `context:${context}`, ...below.map((c) => `context:${c}`)],
  }));
const BROWSER_FRAMEWORKS = ['react', 'react-dom', 'react-router-dom', '@tanstack/*', 'socket.io-client', 'sonner', 'recharts'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.local/**',
      '.nx/**',
      '**/test-results/**',
      '**/playwright-report/**',
      'ml/**',
      'models/**',
      '**/.venv/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { '@nx': nx },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(it|describe|test)$/][callee.property.name='only']",
          message: 'Focused tests must not be committed.',
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through loadConfig() (libs/platform/src/config).' },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Pure rules: no framework, database, queue, network or UI imports.
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain'],
              bannedExternalImports: [...SERVER_FRAMEWORKS, ...BROWSER_FRAMEWORKS, 'zod'],
            },
            {
              sourceTag: 'type:contract',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contract'],
              bannedExternalImports: [...SERVER_FRAMEWORKS, ...BROWSER_FRAMEWORKS],
            },
            { sourceTag: 'platform:isomorphic', onlyDependOnLibsWithTags: ['platform:isomorphic'] },
            {
              sourceTag: 'platform:browser',
              onlyDependOnLibsWithTags: ['platform:browser', 'platform:isomorphic'],
              bannedExternalImports: SERVER_FRAMEWORKS,
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:feature'],
              bannedExternalImports: BROWSER_FRAMEWORKS,
            },
            // Framework-free feature libs (libs/brokers): domain and contracts only, no framework, database or
            // Redis client; storage and transport sit behind interfaces that the server contexts (libs/trading) implement.
            {
              sourceTag: 'framework:none',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contract'],
              bannedExternalImports: [...SERVER_FRAMEWORKS, ...BROWSER_FRAMEWORKS, 'pg-*', 'redis', '@redis/*'],
            },
            // Server contexts (docs/architecture.md): each may use the ones below it, never one above.
            // platform ← identity ← wallet, market ← trading ← risk, strategies, watchlist-trading; market ← ml ← strategies.
            ...contextRules({
              platform: [],
              identity: ['platform'],
              wallet: ['platform', 'identity'],
              market: ['platform', 'identity'],
              accounts: ['platform', 'identity', 'brokers', 'wallet'],
              trading: ['platform', 'identity', 'wallet', 'market', 'brokers', 'accounts'],
              risk: ['platform', 'identity', 'market', 'trading', 'accounts'],
              ml: ['platform', 'identity', 'market'],
              strategies: ['platform', 'identity', 'market', 'trading', 'ml', 'accounts'],
              'watchlist-trading': ['platform', 'identity', 'wallet', 'market', 'trading', 'accounts'],
              notifications: ['platform', 'identity', 'accounts'],
              alerts: ['platform', 'identity', 'wallet', 'market', 'trading', 'accounts', 'ml'],
            }),
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:feature'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:feature', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contract', 'type:domain'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:worker', 'scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may be loose with types where they poke at raw responses.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts', '**/e2e/**/*.ts', 'bench/**/*'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-restricted-properties': 'off' },
  },
  {
    // The places that legitimately read the environment.
    files: ['libs/platform/src/config/**', 'libs/testing/src/**', 'apps/*/src/cli/**', 'infra/**', '**/*.config.ts', '**/*.mjs'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
