import { resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { Client } from 'pg';
import { createTestContext, freePort, startProcess, waitForHttp, type RunningProcess, type TestContext } from '@tradeloop/testing';
import { HttpClient } from './support/http-client';

const API_MAIN = resolve(__dirname, '../dist/main.js');

let ctx: TestContext;
const procs: RunningProcess[] = [];
let a: HttpClient;
let b: HttpClient;
const sockets: Socket[] = [];

async function startApi(): Promise<HttpClient> {
  const port = await freePort();
  const proc = startProcess(API_MAIN, { ...ctx.env, PORT: String(port), LOG_LEVEL: 'warn' });
  procs.push(proc);
  await waitForHttp(`http://127.0.0.1:${port}/api/health/ready`, proc);
  return new HttpClient(`http://127.0.0.1:${port}`);
}

function connect(base: HttpClient, token: string): Socket {
  const socket = io(`${base.baseUrl}/realtime`, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return socket;
}

const once = <T>(socket: Socket, event: string, ms = 5000) =>
  new Promise<T>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(t);
      res(payload);
    });
  });

async function registerAndLogin(api: HttpClient, email: string) {
  const password = 'realtime-password-1';
  const reg = await api.post('/api/v1/auth/register', { email, password, displayName: email.split('@')[0] });
  expect(reg.status).toBe(201);
  return { id: reg.body.user.id as string, email, password };
}

async function tokenFor(api: HttpClient, u: { email: string; password: string }): Promise<string> {
  const res = await api.post('/api/v1/auth/login', { email: u.email, password: u.password });
  expect(res.status).toBe(200);
  return res.body.accessToken;
}

beforeAll(async () => {
  ctx = await createTestContext();
  [a, b] = await Promise.all([startApi(), startApi()]);
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await Promise.all(procs.map((p) => p.stop()));
  await ctx?.cleanup();
});

describe('Socket.IO across two API processes (Redis adapter)', () => {
  it('an event published on process A reaches the user connected to process B, with seq', async () => {
    const admin = await registerAndLogin(a, 'rt-admin@example.test');
    const pg = new Client({ connectionString: ctx.databaseUrl });
    await pg.connect();
    await pg.query(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'admin')`, [admin.id]);
    await pg.end();
    const user = await registerAndLogin(a, 'rt-user@example.test');

    const userSocket = connect(b, await tokenFor(b, user));
    const ready = await once<{ userId: string; rooms: string[] }>(userSocket, 'ready');
    expect(ready.userId).toBe(user.id);
    const adminSocket = connect(a, await tokenFor(a, admin));
    expect((await once<{ rooms: string[] }>(adminSocket, 'ready')).rooms).toContain('admin');

    const adminToken = await tokenFor(a, admin);
    const received = once<{ user: { id: string; roles: string[] }; seq: number }>(userSocket, 'user.updated');
    const mirrored = once<{ userId: string; seq: number }>(adminSocket, 'user.updated');
    const patch = await a.patch(`/api/v1/admin/users/${user.id}`, { roles: ['trader', 'compliance'] }, adminToken);
    expect(patch.status).toBe(200);
    const event = await received;
    expect(event.user.id).toBe(user.id);
    expect(event.user.roles).toEqual(['trader', 'compliance']);
    expect(event.seq).toBe(1);
    expect((await mirrored).userId).toBe(user.id);

    const next = once<{ seq: number }>(userSocket, 'user.updated');
    await a.patch(`/api/v1/admin/users/${user.id}`, { roles: ['trader'] }, adminToken);
    expect((await next).seq).toBe(2);
  });

  it('refuses connections without a valid token', async () => {
    for (const token of [undefined, '', 'not-a-jwt', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const socket = io(`${b.baseUrl}/realtime`, {
        path: '/socket.io',
        auth: token === undefined ? {} : { token },
        transports: ['websocket'],
        reconnection: false,
      });
      sockets.push(socket);
      const err = await once<Error>(socket, 'connect_error');
      expect(err.message).toMatch(/^UNAUTHENTICATED/);
      expect(socket.connected).toBe(false);
    }
  });

  it("logging out on one process closes that session's socket on the other", async () => {
    const user = await registerAndLogin(a, 'rt-logout@example.test');
    const token = await tokenFor(a, user);
    const socket = connect(b, token);
    await once(socket, 'ready');
    const closed = once<string>(socket, 'disconnect');
    expect((await a.post('/api/v1/auth/logout', undefined, token)).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
  });
});
