import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { demoUniverse } from '@tradeloop/domain';
import { APP_CONFIG, Db, InfraModule, LOGGER, RealtimePublisher, REDIS } from '@tradeloop/platform';
import { AuthModule, RegisterUseCase } from '@tradeloop/identity';
import { WalletModule } from '@tradeloop/wallet';
import { BrokerAccountsRepository } from '@tradeloop/accounts';
import { CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { PlaceOrderUseCase, RiskRepository, TradingModule } from '@tradeloop/trading';
import {
  CreateStrategyUseCase,
  SetStrategyRunningUseCase,
  StrategiesModule,
  StrategiesRepository,
  StrategyView,
} from '@tradeloop/strategies';
import { createTestContext, type TestContext } from '@tradeloop/testing';
import { BarCloseBus } from '../src/ml/bar-close.bus';
import { StrategyRunner } from '../src/strategies/strategy-runner';

/**
 * A strategy the runner cannot build stops, and its run ends with reason `error`, in one
 * transaction with the stop (docs/backtests.md "Strategy runs").
 */
let ctx: TestContext;
let app: INestApplicationContext;
const meta = { requestId: 'test' };

beforeAll(async () => {
  ctx = await createTestContext({ MARKET_FEED: 'simulated' });
  @Module({
    imports: [
      InfraModule.forRoot(ctx.config, { appName: 'worker', logger: pino({ level: 'silent' }) }),
      AuthModule,
      WalletModule,
      TradingModule,
      StrategiesModule,
    ],
  })
  class RunsErrorTestModule {}
  app = await NestFactory.createApplicationContext(RunsErrorTestModule, { logger: false });
  await app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await ctx?.cleanup();
});

it('a strategy whose params its implementation refuses stops with its run closed (error) and the reason on record', async () => {
  const g = <T>(t: unknown) => app.get(t as never) as T;
  const user = await app
    .get(RegisterUseCase)
    .createUser({ email: `quant-${randomUUID()}@example.test`, password: 'pw-strategy-runs-1', displayName: 'Quant' }, ['quant'], meta);
  await app.get(BrokerAccountsRepository).ensurePaperAccount(user.id, uuidv7());
  const s = await app.get(CreateStrategyUseCase).execute(
    user.id,
    {
      name: `bad-${randomUUID().slice(0, 6)}`,
      kind: 'sma-crossover',
      symbols: ['RELIANCE'],
      params: { fast: 2, slow: 3, quantity: 1 },
      mode: 'paper',
    },
    meta,
  );
  await app.get(SetStrategyRunningUseCase).execute(user.id, s.id, true, meta);
  const db = app.get(Db);
  // Stored params the strategy itself refuses (fast ≥ slow), as a bad migration or hand edit might leave them.
  await db.sql.rows(`UPDATE strategies SET params = params || '{"fast": 5}', updated_at = now() WHERE id = $1`, [s.id]);
  const runner = new StrategyRunner(
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
  try {
    await runner.refresh();
  } finally {
    await runner.beforeApplicationShutdown();
  }
  const row = await db.sql.one<{ status: string; last_error: string | null }>(`SELECT status, last_error FROM strategies WHERE id = $1`, [
    s.id,
  ]);
  expect(row.status).toBe('stopped');
  expect(row.last_error).toContain('could not start');
  const runs = await db.sql.rows<{ id: string; stop_reason: string | null; stopped_at: Date | null }>(
    `SELECT id, stop_reason, stopped_at FROM strategy_runs WHERE strategy_id = $1`,
    [s.id],
  );
  expect(runs).toHaveLength(1);
  expect(runs[0]!.stop_reason).toBe('error');
  expect(runs[0]!.stopped_at).not.toBeNull();
  // Its final snapshot, at the stop, in the stop's transaction: no fills, so at its capital (₹1,00,000).
  const snaps = await db.sql.rows<{ ts: Date; equity_paise: string; final: boolean }>(
    `SELECT ts, equity_paise::text, final FROM strategy_run_snapshots WHERE run_id = $1 ORDER BY ts`,
    [runs[0]!.id],
  );
  expect(snaps).toEqual([{ ts: runs[0]!.stopped_at, equity_paise: '10000000', final: true }]);
});
