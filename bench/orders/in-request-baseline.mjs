// The in-request baseline of `npm run bench -- orders`: the same intake, placement and fill the
// queued path does, done synchronously in one call per order — no HTTP, no queue, no hop to the
// worker — with the same use cases, the same database and a mock broker on the same books.
import { randomUUID } from 'node:crypto';
import { MockBroker } from '@tradeloop/brokers';
import { createRedis, closeRedis, Idempotency, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository } from '@tradeloop/identity';
import { LedgerRepository, PaperBooks } from '@tradeloop/wallet';
import { BrokerAccountsRepository, TradingAccounts } from '@tradeloop/accounts';
import { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import {
  ExecutionService,
  orderState,
  PgMockBrokerStore,
  PlaceOrderUseCase,
  RiskRepository,
  TradingRepository,
  IntakeReadModel,
} from '@tradeloop/trading';

const silent = { warn() {}, error() {}, info() {}, debug() {} };

export async function inRequestPath({ db, redisUrl, redisPrefix }) {
  const redis = createRedis(redisUrl, 'commands', 'bench-baseline');
  const config = { REDIS_PREFIX: redisPrefix, PAPER_STARTING_BALANCE: '1000000.00' };
  const quotes = new QuotesStore(redis, config);
  const trading = new TradingRepository(db);
  const instruments = new InstrumentsRepository(db);
  const ledger = new LedgerRepository(db);
  const realtime = new RealtimePublisher(redis, config, silent);
  const noQueue = { enqueue: async () => undefined };
  const place = new PlaceOrderUseCase(
    db,
    new Idempotency(db),
    instruments,
    quotes,
    trading,
    new IntakeReadModel(quotes),
    new RiskRepository(db),
    ledger,
    noQueue,
    realtime,
    new AuditRepository(db),
    // Bench orders go to the users' paper accounts (the mock): no live broker is ever asked for funds.
    new TradingAccounts(new BrokerAccountsRepository(db)),
    { fundsOf: async () => null },
    // Paper orders hold and settle in the paper book (the bench funds each user's).
    new PaperBooks(db, ledger, config),
  );
  const execution = new ExecutionService(db, trading, ledger, instruments, quotes, realtime);
  const specs = new Map(
    (await instruments.active(new Date().toISOString().slice(0, 10))).map((i) => [i.symbol, { tickSize: i.tickSize, lotSize: i.lotSize }]),
  );
  const broker = await MockBroker.open(new PgMockBrokerStore(db), { seed: 11, instrument: (ref) => specs.get(ref.symbol) });
  const reports = new Map();
  broker.subscribe((u) => reports.set(u.brokerOrderId, u));

  /** One order, start to FILLED committed (and its events published). */
  async function placeAndFill(userId, body) {
    const { body: placed } = await place.execute(userId, body, randomUUID(), {});
    const id = placed.order.id;
    const { order } = await execution.beginSend(id);
    // The book the order meets: the latest quote of its symbol.
    const q = (await quotes.get([body.symbol])).get(body.symbol);
    if (q) await broker.onTick({ symbol: q[0], ts: q[1], ltp: q[2], bid: q[3], ask: q[4] });
    const res = await broker.placeOrder({ ...orderState(order), clientOrderId: id, instrument: { exchange: 'NSE', symbol: body.symbol } });
    const known = res.brokerOrderIds.map((b) => reports.get(b)).filter(Boolean);
    res.brokerOrderIds.forEach((b) => reports.delete(b));
    const row = await execution.accepted(
      id,
      res.brokerOrderIds,
      'sent',
      known.map((report) => ({ brokerOrderId: report.brokerOrderId, report })),
    );
    if (row?.status !== 'FILLED') {
      // No live quote to meet (this mock gets no feed of its own): cancel, so nothing is left working.
      for (const b of res.brokerOrderIds) {
        await broker.cancelOrder(b).catch(() => undefined);
        const state = await broker.getOrder(b);
        await execution.applyReport(id, b, state, state.updatedAt);
      }
    }
    return row?.status;
  }

  // Events published fire-and-forget must leave before the connection closes.
  const close = async () => {
    await new Promise((r) => setTimeout(r, 1000));
    await closeRedis(redis);
  };
  return { placeAndFill, close };
}
