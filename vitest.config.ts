import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import swc from 'unplugin-swc';

// Workspace libs resolve to their TypeScript source through this export condition.
const conditions = ['@tradeloop/source', ...defaultServerConditions];

// SWC instead of esbuild: NestJS dependency injection needs emitted decorator metadata.
const plugins = [
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  }),
];

const shared = {
  plugins,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
};

export default defineConfig({
  ...shared,
  test: {
    env: { TZ: 'UTC' },
    // Two cores: two files at a time, each with its own database clone and Redis prefix.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.ts'],
          environment: 'node',
          globals: true,
        },
      },
      {
        ...shared,
        test: {
          name: 'int',
          include: ['libs/*/src/**/*.int-spec.ts', 'apps/*/src/**/*.int-spec.ts', 'apps/*/test/**/*.int-spec.ts'],
          environment: 'node',
          globals: true,
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
