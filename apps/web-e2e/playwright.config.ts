import { defineConfig } from '@playwright/test';

// Browser tests run the built app (API + worker serving apps/web/dist) on real Postgres and
// Redis, in Debian's Chromium. The stack gets its own database and Redis prefix per run.
const port = Number(process.env.E2E_PORT ?? 3417);
const reportDir = process.env.TEST_REPORTS_DIR ?? '../../.local/test-reports';

export default defineConfig({
  testDir: './src',
  testMatch: '**/*.e2e.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  outputDir: './test-results',
  reporter: [['list'], ['json', { outputFile: `${reportDir}/browser.json` }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `node src/support/start-stack.mjs`,
    url: `http://127.0.0.1:${port}/api/health/ready`,
    env: { E2E_PORT: String(port) },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
  },
});
