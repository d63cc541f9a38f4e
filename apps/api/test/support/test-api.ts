import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@tradeloop/domain';
import { createLogger, type AppConfig } from '@tradeloop/platform';
import { RegisterUseCase } from '@tradeloop/identity';
import type { LoginResponse, User } from '@tradeloop/contracts';
import { createTestContext, type TestContext } from '@tradeloop/testing';
import { createApi } from '../../src/bootstrap/create-api';
import { HttpClient } from './http-client';

export interface TestApi {
  app: NestFastifyApplication;
  url: string;
  http: HttpClient;
  /** Every log line the API wrote, raw (for "no secrets in logs" checks). */
  logs: string[];
  close(): Promise<void>;
}

/** The real API (Fastify, guards, filters, Socket.IO, Redis, Postgres) on an ephemeral port. */
export async function startTestApi(config: AppConfig, opts: { logLevel?: string } = {}): Promise<TestApi> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger(opts.logLevel ?? 'info', 'api', sink);
  const { app } = await createApi(config, logger);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, http: new HttpClient(url), logs, close: () => app.close() };
}

let counter = 0;
/** Inserts a real user through the same use case registration uses; returns it with its password. */
export async function createUser(
  api: TestApi,
  opts: { roles?: Role[]; email?: string; password?: string; displayName?: string } = {},
): Promise<User & { password: string }> {
  counter += 1;
  const password = opts.password ?? `pw-${counter}-correct-horse`;
  const email = opts.email ?? `user${counter}-${Date.now().toString(36)}@example.test`;
  const user = await api.app
    .get(RegisterUseCase)
    .createUser({ email, password, displayName: opts.displayName ?? `User ${counter}` }, opts.roles ?? ['trader'], { requestId: 'test' });
  return { ...user, password };
}

export async function login(api: TestApi, user: { email: string; password: string }): Promise<LoginResponse> {
  const res = await api.http.post<LoginResponse>('/api/v1/auth/login', { email: user.email, password: user.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A user with the given roles, logged in. */
export async function signedIn(api: TestApi, roles: Role[] = ['trader']) {
  const user = await createUser(api, { roles });
  const session = await login(api, user);
  return { user, token: session.accessToken, refreshToken: session.refreshToken };
}

/**
 * Registers beforeAll/afterAll that give the calling test file its own database, Redis prefix
 * and running API, and returns handles usable inside tests.
 */
export function useTestApi(overrides: Record<string, string> = {}, opts: { logLevel?: string } = {}): { api: TestApi; ctx: TestContext } {
  const holder: { api?: TestApi; ctx?: TestContext } = {};
  beforeAll(async () => {
    holder.ctx = await createTestContext(overrides);
    holder.api = await startTestApi(holder.ctx.config, opts);
  });
  afterAll(async () => {
    await holder.api?.close();
    await holder.ctx?.cleanup();
  });
  const lazy = <T extends object>(key: 'api' | 'ctx'): T =>
    new Proxy({} as T, {
      get(_target, prop) {
        const target = holder[key];
        if (!target) throw new Error(`${key} is only available inside tests (after beforeAll)`);
        const value = (target as unknown as Record<string | symbol, unknown>)[prop];
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return { api: lazy<TestApi>('api'), ctx: lazy<TestContext>('ctx') };
}
