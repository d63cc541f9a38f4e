import { resolve } from 'node:path';
import { createTestContext, freePort, startProcess, waitForHttp, type TestContext } from '@tradeloop/testing';

const API_MAIN = resolve(__dirname, '../dist/main.js');
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('API process', () => {
  it('stops with a clear message when a secret is missing', async () => {
    const env = { ...ctx.env };
    delete (env as Record<string, string | undefined>).JWT_ACCESS_SECRET;
    const proc = startProcess(API_MAIN, env);
    expect(await proc.exited).toBe(2);
    const out = proc.output.join('');
    expect(out).toContain('JWT_ACCESS_SECRET is required');
    expect(out).not.toContain(ctx.env.MFA_ENCRYPTION_KEY);
  });

  it('stops naming BROKER_CREDENTIALS_KEYS when the broker credentials key is missing, or names a key not in the ring', async () => {
    const env = { ...ctx.env };
    delete (env as Record<string, string | undefined>).BROKER_CREDENTIALS_KEYS;
    const proc = startProcess(API_MAIN, env);
    expect(await proc.exited).toBe(2);
    expect(proc.output.join('')).toContain('BROKER_CREDENTIALS_KEYS is required');
    const wrongId = startProcess(API_MAIN, { ...ctx.env, BROKER_CREDENTIALS_KEY_ID: 'nope' });
    expect(await wrongId.exited).toBe(2);
    const out = wrongId.output.join('');
    expect(out).toContain('BROKER_CREDENTIALS_KEY_ID is invalid');
    expect(out).not.toContain(ctx.env.BROKER_CREDENTIALS_KEYS!.split(':')[1]!);
  });

  it('refuses a malformed secret without echoing it', async () => {
    const proc = startProcess(API_MAIN, { ...ctx.env, MFA_ENCRYPTION_KEY: 'short-key-value' });
    expect(await proc.exited).toBe(2);
    const out = proc.output.join('');
    expect(out).toContain('MFA_ENCRYPTION_KEY is invalid');
    expect(out).not.toContain('short-key-value');
  });

  it('serves, then shuts down gracefully on SIGTERM with exit code 0', async () => {
    const port = await freePort();
    const proc = startProcess(API_MAIN, { ...ctx.env, PORT: String(port), LOG_LEVEL: 'info' });
    await waitForHttp(`http://127.0.0.1:${port}/api/health/ready`, proc);
    expect(await proc.stop('SIGTERM')).toBe(0);
    const out = proc.output.join('');
    expect(out).toContain('api shutting down');
    expect(out).toContain('api stopped');
  });
});
