import { resolve } from 'node:path';
import { Client } from 'pg';
import { createTestContext, freePort, startProcess, waitForHttp, type RunningProcess, type TestContext } from '@tradeloop/testing';
import { HttpClient } from './support/http-client';

const API_MAIN = resolve(__dirname, '../dist/main.js');
let ctx: TestContext;
const procs: RunningProcess[] = [];

async function startApi(port: number): Promise<HttpClient> {
  const proc = startProcess(API_MAIN, { ...ctx.env, PORT: String(port), LOG_LEVEL: 'warn' });
  procs.push(proc);
  await waitForHttp(`http://127.0.0.1:${port}/api/health/ready`, proc);
  return new HttpClient(`http://127.0.0.1:${port}`);
}

async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: ctx.databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await ctx?.cleanup();
});

describe('the API process killed in the middle of a burst of deposits', () => {
  it('loses no acknowledged deposit, applies none twice, and verifies clean after restart', async () => {
    const port = await freePort();
    let api = await startApi(port);
    const password = 'crash-test-password';
    const reg = async (email: string) =>
      (await api.post('/api/v1/auth/register', { email, password, displayName: email })).body.user.id as string;
    const adminId = await reg('crash-admin@example.test');
    const userId = await reg('crash-user@example.test');
    await query(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'admin')`, [adminId]);
    const token = (await api.post('/api/v1/auth/login', { email: 'crash-admin@example.test', password })).body.accessToken as string;

    const N = 400;
    const deposit = (client: HttpClient, i: number) =>
      client.request('POST', `/api/v1/admin/wallets/${userId}/deposits`, {
        token,
        body: { amount: '10.00', reference: `burst-${i}` },
        headers: { 'idempotency-key': `burst-${i}` },
      });

    // Fire the burst 16 at a time and kill -9 the process once ~60 deposits are acknowledged.
    const acked = new Set<number>();
    const proc = procs[0]!;
    let next = 0;
    const lanes = Array.from({ length: 16 }, async () => {
      while (next < N) {
        const i = next++;
        try {
          const res = await deposit(api, i);
          if (res.status === 201) acked.add(i);
          if (acked.size >= 60 && proc.child.exitCode === null) proc.child.kill('SIGKILL');
        } catch {
          // connection refused / reset: the process is gone
        }
      }
    });
    await Promise.all(lanes);
    await proc.exited;
    expect(acked.size).toBeGreaterThanOrEqual(60);
    expect(acked.size).toBeLessThan(N);

    const counts = async () =>
      new Map(
        (
          await query<{ reference: string; n: string }>(`SELECT reference, count(*)::text n FROM ledger_transactions GROUP BY reference`)
        ).map((r) => [r.reference, Number(r.n)]),
      );
    const afterCrash = await counts();
    for (const i of acked) expect(afterCrash.get(`burst-${i}`), `acknowledged burst-${i}`).toBe(1);
    for (const n of afterCrash.values()) expect(n).toBe(1);

    // Restart and let the client retry everything with the same keys, as a real client would.
    api = await startApi(port);
    for (let i = 0; i < N; i += 1) {
      const res = await deposit(api, i);
      expect(res.status, `retry burst-${i}`).toBe(201);
      if (acked.has(i)) expect(res.headers.get('idempotent-replayed')).toBe('true');
    }
    const afterRetry = await counts();
    expect(afterRetry.size).toBe(N);
    for (const n of afterRetry.values()) expect(n).toBe(1);
    const [w] = await query<{ cash: string }>(`SELECT cash_paise::text cash FROM wallet_balances WHERE user_id = $1`, [userId]);
    expect(w!.cash).toBe(String(N * 1000));

    const verify = await api.get('/api/v1/compliance/ledger/verify', token);
    expect(verify.body).toMatchObject({ ok: true, trialBalance: '0.00', problems: [] });
    expect(verify.body.transactionsChecked).toBe(N);
  }, 120_000);
});
