import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { demoUniverse, depositTx, walletBook } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, LedgerVerifier } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { expectEveryOrderReplays } from './support/order-replay';
import { paperFunds } from './support/paper-book';

const WORKER_MAIN = resolve(__dirname, '../../worker/dist/main.js');
const { api, ctx } = useTestApi({}, { logLevel: 'silent' });
let healthPort: number;
let trader: { id: string; token: string };

const startWorker = async (env: Record<string, string> = {}) => {
  const w = startProcess(WORKER_MAIN, {
    ...ctx.env,
    WORKER_HEALTH_PORT: String(healthPort),
    MARKET_FEED_TICKS_PER_SECOND: '2000',
    LOG_LEVEL: 'warn',
    ...env,
  });
  await waitForHttp(`http://127.0.0.1:${healthPort}/health/ready`, w);
  return w;
};

beforeAll(async () => {
  healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const s = await signedIn(api, ['trader']);
  trader = { id: s.user.id, token: s.token };
  await api.app.get(Db).tx((sql) => api.app.get(LedgerRepository).post(sql, depositTx(walletBook(trader.id), 10_00_000_00n, 'funding')));
}, 60_000);

describe('execution faults', () => {
  it('a worker SIGKILLed between the broker accepting an order and our write ends in exactly the broker truth', async () => {
    let worker: RunningProcess = await startWorker({ FAULT_INJECTION: 'crash-after-broker-accept' });
    await eventually(
      async () => (await api.http.get('/api/v1/market/quotes?symbols=RELIANCE', trader.token)).body.items?.length === 1,
      10_000,
      'quotes',
    );
    const res = await api.http.request('POST', '/api/v1/orders', {
      body: { symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 3, product: 'CNC' },
      token: trader.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(202);
    const id = res.body.order.id;
    // The worker dies by its own SIGKILL right after the broker took the order.
    expect(await worker.exited).toBe('SIGKILL');
    const db = api.app.get(Db);
    const atBroker = await db.sql.rows<{ broker_order_id: string }>(`SELECT broker_order_id FROM mock_broker.orders`);
    expect(atBroker).toHaveLength(1);
    expect(
      (await db.sql.one<{ broker_order_ids: string[] }>(`SELECT broker_order_ids FROM orders WHERE id = $1`, [id])).broker_order_ids,
    ).toEqual([]);

    // A healthy worker takes over: the retry looks the order up by tag instead of sending again.
    worker = await startWorker();
    try {
      const filled = await eventually(
        async () => {
          const o = (await api.http.get(`/api/v1/orders/${id}`, trader.token)).body;
          return o.status === 'FILLED' ? o : null;
        },
        20_000,
        'FILLED after restart',
      );
      expect(filled.brokerOrderId).toBe(atBroker[0]!.broker_order_id);
      expect(
        filled.history.some(
          (h: { details: { event: string; how?: string } }) => h.details.event === 'ACCEPTED' && h.details.how === 'found-by-tag',
        ),
      ).toBe(true);
      expect(await db.sql.rows(`SELECT 1 FROM mock_broker.orders`)).toHaveLength(1);
      const trades = await db.sql.rows<{ quantity: number }>(`SELECT quantity FROM trades WHERE order_id = $1`, [id]);
      expect(trades.map((t) => t.quantity)).toEqual([3]);
      const pos = (await api.http.get('/api/v1/positions', trader.token)).body.items.find(
        (p: { symbol: string }) => p.symbol === 'RELIANCE',
      );
      expect(pos.netQuantity).toBe(3);
      expect((await paperFunds(api, trader.token)).held).toBe('0.00');
      expect((await api.http.get('/api/v1/wallet', trader.token)).body.held).toBe('0.00');
      expect((await api.app.get(LedgerVerifier).verify()).ok).toBe(true);
    } finally {
      await worker.stop();
    }
  }, 90_000);

  it('the order adopted after the crash replays from its stored history to its row', async () => {
    await expectEveryOrderReplays(api.app.get(Db), 1);
  });
});
