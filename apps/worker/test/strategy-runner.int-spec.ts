import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { SignalDto } from '@tradeloop/contracts';
import { type Candle, demoUniverse } from '@tradeloop/domain';
import { Db, InfraModule, REDIS } from '@tradeloop/platform';
import { AuthModule, RegisterUseCase } from '@tradeloop/identity';
import { SetPaperBalanceUseCase, WalletModule } from '@tradeloop/wallet';
import { BrokerAccountsRepository } from '@tradeloop/accounts';
import { InstrumentsRepository, marketKeys } from '@tradeloop/market';
import { OrderHistoryVerifier, TradingModule } from '@tradeloop/trading';
import {
  CreateStrategyUseCase,
  GetStrategyQuery,
  SetStrategyKillSwitchUseCase,
  SetStrategyRunningUseCase,
  StrategiesModule,
  StrategyView,
} from '@tradeloop/strategies';
import { createTestContext, type TestContext } from '@tradeloop/testing';
import { BarCloseBus } from '../src/ml/bar-close.bus';
import { StrategyRunner } from '../src/strategies/strategy-runner';

/**
 * The strategy runner with everything real but the clock of the market: Postgres, Redis, the
 * order intake (risk, the paper book, kill switches, idempotency). Signals and bars are handed to it as
 * the signal engine and the feed would.
 */
let ctx: TestContext;
let app: INestApplicationContext;
let db: Db;
let userId: string;
let modelId: string;
const meta = { requestId: 'test' };
const runners: StrategyRunner[] = [];
const T0 = Date.UTC(2026, 10, 23, 4, 0);

function makeModule() {
  @Module({
    imports: [
      InfraModule.forRoot(ctx.config, { appName: 'worker', logger: pino({ level: 'silent' }) }),
      AuthModule,
      WalletModule,
      TradingModule,
      StrategiesModule,
    ],
    providers: [BarCloseBus],
    exports: [BarCloseBus],
  })
  class RunnerTestModule {}
  return RunnerTestModule;
}

/** A runner as a worker process would have it (its own memory), on the shared bus. */
async function newRunner(): Promise<StrategyRunner> {
  const g = <T>(t: unknown) => app.get(t as never) as T;
  const { RealtimePublisher, LOGGER, APP_CONFIG } = await import('@tradeloop/platform');
  const { CandlesRepository } = await import('@tradeloop/market');
  const { PlaceOrderUseCase, RiskRepository } = await import('@tradeloop/trading');
  const { StrategiesRepository } = await import('@tradeloop/strategies');
  const r = new StrategyRunner(
    g(APP_CONFIG),
    new BarCloseBus(),
    g(StrategiesRepository),
    g(StrategyView),
    g(PlaceOrderUseCase),
    g(CandlesRepository),
    g(RiskRepository),
    g(RealtimePublisher),
    g(REDIS),
    g(LOGGER),
  );
  runners.push(r);
  return r;
}

beforeAll(async () => {
  ctx = await createTestContext({ MARKET_FEED: 'simulated' });
  app = await NestFactory.createApplicationContext(makeModule(), { logger: false });
  db = app.get(Db);
  await app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const user = await app
    .get(RegisterUseCase)
    .createUser({ email: `quant-${randomUUID()}@example.test`, password: 'pw-strategy-runner-1', displayName: 'Quant' }, ['quant'], meta);
  userId = user.id;
  // Paper strategies trade the quant's paper account: its paper book is what their orders spend.
  const paperAccount = await app.get(BrokerAccountsRepository).ensurePaperAccount(userId, uuidv7());
  await app.get(SetPaperBalanceUseCase).execute(paperAccount, userId, '5000000.00', 'test funding', meta);
  modelId = randomUUID();
  await db.sql.rows(
    `INSERT INTO models (id, name, version, stage, feature_set_version, card, checksum, size_bytes, artifact) VALUES ($1, 'm', '1', 'production', 'x', '{}', $2, 1, 'x')`,
    [modelId, 'a'.repeat(64)],
  );
  // Live quotes, as the feed writes them (market orders need a price).
  const redis = app.get<Redis>(REDIS);
  for (const [symbol, ltp] of [
    ['RELIANCE', 14_000_000],
    ['TCS', 35_000_000],
    ['INFY', 15_000_000],
  ] as const) {
    await redis.hset(
      marketKeys(ctx.config.REDIS_PREFIX).quotes,
      symbol,
      JSON.stringify([symbol, Date.now(), ltp, ltp - 500, ltp + 500, 1000, ltp, 1]),
    );
  }
}, 60_000);

afterAll(async () => {
  for (const r of runners) await r.beforeApplicationShutdown();
  await app?.close();
  await ctx?.cleanup();
});

const signal = (over: Partial<SignalDto>): SignalDto => ({
  id: uuidv7(),
  modelId,
  modelVersion: '1',
  stage: 'production',
  symbol: 'RELIANCE',
  ts: new Date(T0).toISOString(),
  score: 0.9,
  signal: 'BUY',
  featuresHash: 'f'.repeat(64),
  ...over,
});
const batch = (signals: SignalDto[]) => ({ timeframe: '1m' as const, ts: T0, signals, closes: new Map<string, number>() });
const ordersOf = (strategyId: string) =>
  db.sql.rows<{
    id: string;
    symbol: string;
    side: string;
    quantity: number;
    signal_id: string | null;
    strategy_id: string;
    product: string;
    type: string;
  }>(`SELECT id, symbol, side, quantity, signal_id, strategy_id, product, type FROM orders WHERE strategy_id = $1 ORDER BY created_at`, [
    strategyId,
  ]);

async function startStrategy(body: Parameters<CreateStrategyUseCase['execute']>[1]) {
  const s = await app.get(CreateStrategyUseCase).execute(userId, body, meta);
  await app.get(SetStrategyRunningUseCase).execute(userId, s.id, true, meta);
  return s;
}

/** Runs a runner's step and waits for its queue to drain. */
async function deliver(
  r: StrategyRunner,
  what: { signals?: ReturnType<typeof batch>; bars?: { timeframe: '1m'; ts: number; bars: Map<string, Candle>; closedAt: number } },
) {
  const bus = (r as unknown as { bus: BarCloseBus }).bus;
  if (what.signals) await bus.emitSignals(what.signals);
  if (what.bars) await bus.emitBars(what.bars);
}

describe('strategy runner', () => {
  it('turns a production BUY signal into one MARKET order through the intake, tagged with strategy and signal; a repeat and a restarted runner add nothing', async () => {
    const s = await startStrategy({
      name: `ml-${randomUUID().slice(0, 6)}`,
      kind: 'ml-signal',
      symbols: ['RELIANCE', 'TCS'],
      params: { quantity: 3 },
      modelId,
      mode: 'paper',
    });
    const r1 = await newRunner();
    await r1.onApplicationBootstrap();
    const buy = signal({ symbol: 'RELIANCE' });
    const hold = signal({ symbol: 'TCS', signal: 'HOLD', score: 0.5 });
    const shadow = signal({ symbol: 'TCS', stage: 'shadow', signal: 'BUY' });
    const other = signal({ symbol: 'INFY' });
    await deliver(r1, { signals: batch([buy, hold, shadow, other]) });
    let orders = await ordersOf(s.id);
    expect(orders).toEqual([
      expect.objectContaining({
        symbol: 'RELIANCE',
        side: 'BUY',
        quantity: 3,
        signal_id: buy.id,
        strategy_id: s.id,
        type: 'MARKET',
        product: 'MIS',
      }),
    ]);
    await deliver(r1, { signals: batch([buy]) });
    // The worker restarts mid-bar: a new runner sees the same signal again.
    await r1.beforeApplicationShutdown();
    const r2 = await newRunner();
    await r2.onApplicationBootstrap();
    await deliver(r2, { signals: batch([buy]) });
    orders = await ordersOf(s.id);
    expect(orders).toHaveLength(1);
    // The next bar's SELL flattens what is held or working.
    await deliver(r2, {
      signals: batch([signal({ symbol: 'RELIANCE', signal: 'SELL', score: 0.1, ts: new Date(T0 + 60_000).toISOString() })]),
    });
    orders = await ordersOf(s.id);
    expect(orders.map((o) => `${o.side} ${o.quantity}`)).toEqual(['BUY 3', 'SELL 3']);
    const audit = await db.sql.rows<{ details: { strategyId?: string; signalId?: string } }>(
      `SELECT details FROM audit_events WHERE action = 'order.placed' AND subject = $1`,
      [`order:${orders[0]!.id}`],
    );
    expect(audit[0]!.details).toMatchObject({ strategyId: s.id, signalId: buy.id });
    await r2.beforeApplicationShutdown();
  });

  it('a refused order (position limit, the strategy’s own kill switch) is recorded and the strategy keeps running', async () => {
    const limited = await startStrategy({
      name: `lim-${randomUUID().slice(0, 6)}`,
      kind: 'ml-signal',
      symbols: ['INFY'],
      params: { quantity: 5 },
      modelId,
      mode: 'paper',
      maxPositionUnits: 3,
    });
    const switched = await startStrategy({
      name: `ks-${randomUUID().slice(0, 6)}`,
      kind: 'ml-signal',
      symbols: ['TCS'],
      params: { quantity: 1 },
      modelId,
      mode: 'paper',
    });
    await app.get(SetStrategyKillSwitchUseCase).execute(userId, switched.id, true, 'test: halt this one', meta);
    const r = await newRunner();
    await r.onApplicationBootstrap();
    await deliver(r, {
      signals: batch([
        signal({ symbol: 'INFY', ts: new Date(T0 + 120_000).toISOString() }),
        signal({ symbol: 'TCS', ts: new Date(T0 + 120_000).toISOString() }),
      ]),
    });
    expect(await ordersOf(limited.id)).toEqual([]);
    expect(await ordersOf(switched.id)).toEqual([]);
    const [l, k] = await Promise.all([
      app.get(GetStrategyQuery).execute(userId, limited.id),
      app.get(GetStrategyQuery).execute(userId, switched.id),
    ]);
    expect(l).toMatchObject({ status: 'running', lastError: expect.stringContaining('limit is 3') });
    expect(k).toMatchObject({
      status: 'running',
      killSwitch: { engaged: true },
      lastError: expect.stringContaining('KILL_SWITCH_ENGAGED'),
    });
    const events = await db.sql.rows<{ rule: string }>(`SELECT rule FROM risk_events WHERE user_id = $1 ORDER BY id`, [userId]);
    expect(events.map((e) => e.rule)).toEqual(expect.arrayContaining(['STRATEGY_POSITION_LIMIT', 'STRATEGY_KILL_SWITCH']));
    // Released, the same strategy trades on the next bar.
    await app.get(SetStrategyKillSwitchUseCase).execute(userId, switched.id, false, 'test: resume', meta);
    await deliver(r, { signals: batch([signal({ symbol: 'TCS', ts: new Date(T0 + 180_000).toISOString() })]) });
    expect(await ordersOf(switched.id)).toHaveLength(1);
    // An order that went clears the last refusal: it no longer describes the strategy.
    expect(await app.get(GetStrategyQuery).execute(userId, switched.id)).toMatchObject({ lastError: null });
    await r.beforeApplicationShutdown();
  });

  it('sma-crossover buys on the bar its fast average crosses above the slow one', async () => {
    const s = await startStrategy({
      name: `sma-${randomUUID().slice(0, 6)}`,
      kind: 'sma-crossover',
      symbols: ['RELIANCE'],
      params: { fast: 2, slow: 3, quantity: 2 },
      mode: 'paper',
    });
    const r = await newRunner();
    await r.onApplicationBootstrap();
    const closes = [14_000_000, 13_900_000, 13_800_000, 13_700_000, 14_200_000];
    for (const [i, close] of closes.entries()) {
      const ts = T0 + (10 + i) * 60_000;
      await deliver(r, {
        bars: {
          timeframe: '1m',
          ts,
          bars: new Map([['RELIANCE', { ts, open: close, high: close, low: close, close, volume: 10 }]]),
          closedAt: performance.now(),
        },
      });
    }
    expect((await ordersOf(s.id)).map((o) => `${o.side} ${o.quantity}`)).toEqual(['BUY 2']);
    await r.beforeApplicationShutdown();
  });

  it('every order the strategies made (including those their kill switch asked to cancel) replays from its history to its row', async () => {
    const result = await new OrderHistoryVerifier(app.get(Db)).verify();
    expect(result.problems).toEqual([]);
    expect(result.ordersChecked).toBeGreaterThanOrEqual(2);
  });
});
