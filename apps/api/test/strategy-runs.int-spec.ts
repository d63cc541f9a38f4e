import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { backtestMetrics, barsPerYear, demoUniverse, formatMoney, type Paise, type TradeValue } from '@tradeloop/domain';
import { RUNS_COMPARE_MAX_POINTS, RunListSchema, RunsCompareSchema } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { CandlesRepository, InstrumentsRepository, marketKeys } from '@tradeloop/market';
import { reportMetrics, TakeRunSnapshots } from '@tradeloop/strategies';
import { signedIn, useTestApi } from './support/test-api';

/**
 * Paper strategy runs (docs/backtests.md "Strategy runs"): start → orders → stop makes a closed
 * run with its minute snapshots (the snapshot tick driven with chosen minutes, never by waiting),
 * its report is backtestMetrics over those snapshots, and compare lines it up with a backtest of
 * the same period and finds where they diverged. Refusals: unknown or another user's ids 404,
 * too many or too few ids 400, the kill switch ends a run and its release begins the next.
 */
const { api, ctx } = useTestApi({}, { logLevel: 'silent' });
const MIN = 60_000;
const CAPITAL = 10_000_000n; // paise, ₹1,00,000 (RUN_CAPITAL_PAISE)
const TICKS = 10_000; // ticks per rupee

let quant: { token: string; user: { id: string } };
let other: { token: string; user: { id: string } };
let db: Db;
let redis: Redis;

beforeAll(async () => {
  db = api.app.get(Db);
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  quant = await signedIn(api, ['quant']);
  other = await signedIn(api, ['quant']);
  redis = new Redis(ctx.config.REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(() => redis.disconnect());

const quote = (symbol: string, rupees: number) => {
  const ltp = rupees * TICKS;
  return redis.hset(
    marketKeys(ctx.config.REDIS_PREFIX).quotes,
    symbol,
    JSON.stringify([symbol, Date.now(), ltp, ltp - 500, ltp + 500, 1000, ltp, 1]),
  );
};

async function createStrategy(token = quant.token): Promise<{ id: string; accountId: string }> {
  const res = await api.http.request('POST', '/api/v1/strategies', {
    body: {
      name: `runs-${randomUUID().slice(0, 8)}`,
      kind: 'sma-crossover',
      symbols: ['RELIANCE'],
      params: { fast: 5, slow: 20, quantity: 1, timeframe: '1m' },
      mode: 'paper',
    },
    token,
  });
  expect(res.status).toBe(201);
  return res.body.strategy;
}

/** One filled MARKET order of the strategy and its fill (as the execution engine stores them). */
async function filledOrder(
  s: { id: string; accountId: string },
  userId: string,
  side: 'BUY' | 'SELL',
  rupees: number,
  at: number,
  feesPaise: number,
) {
  const orderId = randomUUID();
  const price = rupees * TICKS;
  await db.sql.rows(
    `INSERT INTO orders (id, user_id, symbol, side, type, product, validity, quantity, status, filled_quantity, filled_value_tick_units,
       reference_price_ticks, short_quantity, reserved_paise, strategy_id, broker, account_id)
     VALUES ($1, $2, 'RELIANCE', $3, 'MARKET', 'MIS', 'DAY', 1, 'FILLED', 1, $4, $7, 0, 0, $5, 'mock', $6)`,
    [orderId, userId, side, price, s.id, s.accountId, price],
  );
  await db.sql.rows(
    `INSERT INTO trades (id, order_id, user_id, symbol, side, product, quantity, price_ticks, value_paise, fees_paise, taxes_paise, charges,
       realized_delta_tick_units, broker, broker_trade_id, executed_at)
     VALUES ($1, $2, $3, 'RELIANCE', $4, 'MIS', 1, $5, $6, $7, 0, '[]', 0, 'mock', $8, $9)`,
    [randomUUID(), orderId, userId, side, price, rupees * 100, feesPaise, `T-${orderId.slice(0, 8)}`, new Date(at)],
  );
}

/** A completed backtest as the worker stores it: equity per minute and its fills. */
async function storedBacktest(
  strategyId: string,
  userId: string,
  ts: number[],
  equityPaise: bigint[],
  fills: { ts: number; side: 'BUY' | 'SELL'; rupees: number }[],
) {
  const id = randomUUID();
  const metrics = {
    totalReturn: 0,
    cagr: null,
    sharpe: null,
    sortino: null,
    maxDrawdown: 0,
    winRate: null,
    profitFactor: null,
    trades: fills.length,
    fees: '0.00',
    exposure: 0,
    turnover: 0,
  };
  await db.sql.rows(
    `INSERT INTO backtests (id, user_id, status, progress, request, fill_model, metrics, started_at, finished_at)
     VALUES ($1, $2, 'completed', 1, $3, '{"at":"close","slippageBps":0}', $4, now(), now())`,
    [
      id,
      userId,
      JSON.stringify({
        strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: 1, timeframe: '1m' } },
        symbols: ['RELIANCE'],
        timeframe: '1m',
        from: new Date(ts[0]!).toISOString(),
        to: new Date(ts[ts.length - 1]! + MIN).toISOString(),
        fees: false,
        initialCapitalPaise: CAPITAL.toString(),
        strategyId,
      }),
      JSON.stringify(metrics),
    ],
  );
  await db.sql.rows(
    `INSERT INTO backtest_equity (backtest_id, ts, equity_tick_units) SELECT $1, t, v::int8 FROM unnest($2::timestamptz[], $3::text[]) AS x(t, v)`,
    [id, ts.map((t) => new Date(t)), equityPaise.map((e) => (e * 100n).toString())],
  );
  for (const [i, f] of fills.entries())
    await db.sql.rows(
      `INSERT INTO backtest_trades (backtest_id, seq, ts, symbol, side, quantity, price_ticks, fees_paise, realized_tick_units) VALUES ($1, $2, $3, 'RELIANCE', $4, 1, $5, 0, 0)`,
      [id, i + 1, new Date(f.ts), f.side, f.rupees * TICKS],
    );
  return id;
}

const runsOf = (strategyId: string, token = quant.token) => api.http.get(`/api/v1/runs?strategyId=${strategyId}`, token);
const compare = (ids: string[], token = quant.token) => api.http.get(`/api/v1/runs/compare?ids=${ids.join(',')}`, token);
const snapshots = (runId: string) =>
  db.sql.rows<{ ts: Date; equity_paise: string; positions: Record<string, number> }>(
    `SELECT ts, equity_paise::text, positions FROM strategy_run_snapshots WHERE run_id = $1 ORDER BY ts`,
    [runId],
  );

describe('strategy runs', () => {
  let runId: string;
  let backtestId: string;
  let M0: number;
  let stoppedAt: number;
  let strategyId: string;

  it('start → orders → stop makes a closed run with a snapshot per minute; its report is backtestMetrics over them', async () => {
    const s = await createStrategy();
    strategyId = s.id;
    expect((await api.http.post(`/api/v1/strategies/${s.id}/start`, {}, quant.token)).status).toBe(200);
    const open = await db.sql.rows<{
      id: string;
      mode: string;
      config: { kind: string; symbols: string[] };
      stopped_at: Date | null;
      started_at: Date;
    }>(`SELECT id, mode, config, stopped_at, started_at FROM strategy_runs WHERE strategy_id = $1`, [s.id]);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ mode: 'paper', config: { kind: 'sma-crossover', symbols: ['RELIANCE'] }, stopped_at: null });
    runId = open[0]!.id;
    // The run began ten minutes ago (moved back here), so the minutes chosen below all fall
    // between its start and the stop at the end of this test (the tick is driven directly;
    // nothing waits for the clock).
    const S = Math.floor(Date.now() / MIN) * MIN - 10 * MIN;
    await db.sql.rows(`UPDATE strategy_runs SET started_at = $2 WHERE id = $1`, [runId, new Date(S)]);
    M0 = S + MIN;
    const snap = api.app.get(TakeRunSnapshots);

    await quote('RELIANCE', 100);
    // Other users' open runs may be snapshotted too; ours is the one checked.
    await snap.tick(M0 + 5_000);
    await filledOrder(s, quant.user.id, 'BUY', 100, M0 + 10_000, 20);
    await quote('RELIANCE', 101);
    await snap.tick(M0 + MIN + 1_000);
    // A second tick in the same minute writes nothing new (idempotent per run and minute), even at another price.
    await quote('RELIANCE', 150);
    await snap.tick(M0 + MIN + 30_000);
    await quote('RELIANCE', 99);
    await snap.tick(M0 + 2 * MIN + 1_000);
    await filledOrder(s, quant.user.id, 'SELL', 102, M0 + 2 * MIN + 10_000, 20);
    await snap.tick(M0 + 3 * MIN + 1_000);

    expect((await api.http.post(`/api/v1/strategies/${s.id}/stop`, {}, quant.token)).body.strategy.status).toBe('stopped');
    const closed = await db.sql.one<{ stopped_at: Date | null; stop_reason: string | null }>(
      `SELECT stopped_at, stop_reason FROM strategy_runs WHERE id = $1`,
      [runId],
    );
    expect(closed.stop_reason).toBe('user');
    expect(closed.stopped_at).not.toBeNull();
    stoppedAt = closed.stopped_at!.getTime();
    expect(stoppedAt).toBeGreaterThan(M0 + 4 * MIN);
    // A closed run gets no more minute snapshots.
    await snap.tick(M0 + 4 * MIN + 1_000);

    const rows = await snapshots(runId);
    // The minute snapshots, then the final one taken by the stop, at the stop.
    expect(rows.map((r) => r.ts.getTime())).toEqual([M0, M0 + MIN, M0 + 2 * MIN, M0 + 3 * MIN, stoppedAt]);
    // capital + realised + unrealised − charges: flat; long 1 from ₹100 at ₹101 less ₹0.20; at ₹99; sold at ₹102 less ₹0.40; still so at the stop.
    const equity = [CAPITAL, CAPITAL + 100n - 20n, CAPITAL - 100n - 20n, CAPITAL + 200n - 40n, CAPITAL + 200n - 40n];
    expect(rows.map((r) => BigInt(r.equity_paise))).toEqual(equity);
    expect(rows.map((r) => r.positions)).toEqual([{}, { RELIANCE: 1 }, { RELIANCE: 1 }, {}, {}]);

    const list = await runsOf(s.id);
    expect(list.status).toBe(200);
    const { items } = RunListSchema.parse(list.body);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: runId,
      kind: 'paper',
      status: 'stopped',
      strategyId: s.id,
      stopReason: 'user',
      capital: '100000.00',
      points: 5,
    });
    // The same metrics as a backtest with this curve and these fills (built here by hand).
    const expected = reportMetrics(
      backtestMetrics({
        equity: { ts: Float64Array.from(rows.map((r) => r.ts.getTime())), value: Float64Array.from(equity.map((e) => Number(e * 100n))) },
        initialCapital: (CAPITAL * 100n) as TradeValue,
        trades: [
          {
            ts: M0 + 10_000,
            symbol: 'RELIANCE',
            side: 'BUY',
            quantity: 1,
            price: 100 * TICKS,
            fees: 20n as Paise,
            realisedPnl: 0n as TradeValue,
          },
          {
            ts: M0 + 2 * MIN + 10_000,
            symbol: 'RELIANCE',
            side: 'SELL',
            quantity: 1,
            price: 102 * TICKS,
            fees: 20n as Paise,
            realisedPnl: 20_000n as TradeValue,
          },
        ],
        barsPerYear: barsPerYear('1m'),
        positionBars: 2,
      }),
    );
    expect(items[0]!.metrics).toEqual(expected);
    expect(items[0]!.metrics).toMatchObject({ trades: 2, fees: '0.40', winRate: 1, exposure: 0.4 });
    expect(items[0]!.metrics!.totalReturn).toBeCloseTo(160 / 10_000_000, 12);
  });

  it('compare lines a run up with a backtest of the same period: curves on one axis, the first position difference, the P&L difference at the end', async () => {
    // The backtest bought at M0 (the live run only 10 s later, so flat at M0) and sold at M0+3m at ₹103.
    const btEquity = [CAPITAL, CAPITAL + 100n, CAPITAL - 100n, CAPITAL + 300n];
    backtestId = await storedBacktest(strategyId, quant.user.id, [M0, M0 + MIN, M0 + 2 * MIN, M0 + 3 * MIN], btEquity, [
      { ts: M0, side: 'BUY', rupees: 100 },
      { ts: M0 + 3 * MIN, side: 'SELL', rupees: 103 },
    ]);
    // A backtest started for the strategy (its request names it) lists among the strategy's runs, after its paper runs.
    const listed = RunListSchema.parse((await runsOf(strategyId)).body).items;
    expect(listed.map((r) => [r.id, r.kind, r.strategyId])).toEqual([
      [runId, 'paper', strategyId],
      [backtestId, 'backtest', strategyId],
    ]);
    const res = await compare([runId, backtestId]);
    expect(res.status).toBe(200);
    const body = RunsCompareSchema.parse(res.body);
    expect(body.runs.map((r) => [r.id, r.kind])).toEqual([
      [runId, 'paper'],
      [backtestId, 'backtest'],
    ]);
    expect(body.equity).toEqual([
      { ts: new Date(M0).toISOString(), values: ['100000.00', '100000.00'] },
      { ts: new Date(M0 + MIN).toISOString(), values: ['100000.80', '100001.00'] },
      { ts: new Date(M0 + 2 * MIN).toISOString(), values: ['99998.80', '99999.00'] },
      { ts: new Date(M0 + 3 * MIN).toISOString(), values: ['100001.60', '100003.00'] },
      // The run's final snapshot, after the backtest's last point.
      { ts: new Date(stoppedAt).toISOString(), values: ['100001.60', null] },
    ]);
    // Short curves are drawn whole.
    expect(body.curves).toEqual([
      { id: runId, points: 5, shown: 5, thinned: false },
      { id: backtestId, points: 4, shown: 4, thinned: false },
    ]);
    expect(body.divergences).toEqual([
      {
        a: runId,
        b: backtestId,
        overlap: { from: new Date(M0).toISOString(), to: new Date(M0 + 3 * MIN).toISOString() },
        firstPositionDifference: { ts: new Date(M0).toISOString(), a: {}, b: { RELIANCE: 1 } },
        // Live ₹1.60 − backtest ₹3.00.
        pnlDifferenceAtEnd: '-1.40',
      },
    ]);
  });

  it('compare thins a long curve to RUNS_COMPARE_MAX_POINTS (ends, each bucket’s low and high) and computes divergence on the full curves', async () => {
    // A backtest of 5,000 minutes, equity rising ₹0.10 a minute with one deep dip, whose point at
    // the run's stop minute sits inside a thinning bucket (so it is not drawn): the P&L difference
    // at the overlap's end must still be read from it.
    const n = 5_000;
    const buckets = Math.floor((RUNS_COMPARE_MAX_POINTS - 2) / 2);
    const bucketStart = (k: number) => 1 + Math.floor((k * (n - 2)) / buckets);
    const j = bucketStart(700) + 2;
    expect(bucketStart(701) - 1).toBeGreaterThan(j);
    const dip = bucketStart(300) + 2;
    const stopMinute = Math.floor(stoppedAt / MIN) * MIN;
    const ts = Array.from({ length: n }, (_, i) => stopMinute + (i - j) * MIN);
    const equity = ts.map((_, i) => (i === dip ? CAPITAL - 50_000n : CAPITAL + BigInt(i) * 10n));
    const long = await storedBacktest(strategyId, quant.user.id, ts, equity, []);

    const body = RunsCompareSchema.parse((await compare([runId, long])).body);
    expect(body.curves[0]).toEqual({ id: runId, points: 5, shown: 5, thinned: false });
    expect(body.curves[1]).toMatchObject({ id: long, points: n, thinned: true });
    expect(body.curves[1]!.shown).toBeLessThanOrEqual(RUNS_COMPARE_MAX_POINTS);
    expect(body.curves[1]!.shown).toBeGreaterThan(RUNS_COMPARE_MAX_POINTS - 10);
    const drawn = new Map(body.equity.map((p) => [Date.parse(p.ts), p.values[1]]));
    // The backtest's rows: at most the shown points, plus the run's five times (null or as of then).
    expect(body.equity.length).toBeLessThanOrEqual(body.curves[1]!.shown + 5);
    // Its first and last points and its dip are drawn; its point at the stop minute is not.
    expect(drawn.get(ts[0]!)).toBe('100000.00');
    expect(drawn.get(ts[n - 1]!)).toBe(formatMoney((CAPITAL + BigInt(n - 1) * 10n) as Paise));
    expect(drawn.get(ts[dip]!)).toBe('99500.00');
    expect(drawn.get(ts[j]!)).not.toBe(formatMoney((CAPITAL + BigInt(j) * 10n) as Paise));
    // Divergence from the full curves: at the overlap's end (the stop) the backtest's P&L is its point j's.
    expect(body.divergences).toEqual([
      {
        a: runId,
        b: long,
        overlap: { from: new Date(M0).toISOString(), to: new Date(stoppedAt).toISOString() },
        // The backtest is always flat; the run was long from its second minute.
        firstPositionDifference: { ts: new Date(M0 + MIN).toISOString(), a: { RELIANCE: 1 }, b: {} },
        // Run ₹1.60 − backtest ₹0.10 × j.
        pnlDifferenceAtEnd: formatMoney((160n - BigInt(j) * 10n) as Paise),
      },
    ]);
  });

  it('a run stopped between minute snapshots ends with a final snapshot at its stop, with the P&L at the stop; a replayed stop adds none', async () => {
    const s = await createStrategy();
    const snap = api.app.get(TakeRunSnapshots);
    const runOf = async () =>
      db.sql.one<{ id: string; stopped_at: Date | null; stop_reason: string | null }>(
        `SELECT id, stopped_at, stop_reason FROM strategy_runs WHERE strategy_id = $1 ORDER BY started_at DESC LIMIT 1`,
        [s.id],
      );
    const moveStartBack = async (runId: string) => {
      const S = Math.floor(Date.now() / MIN) * MIN - 5 * MIN;
      await db.sql.rows(`UPDATE strategy_runs SET started_at = $2 WHERE id = $1`, [runId, new Date(S)]);
      return S;
    };

    // A user stop: long 1 from ₹100, the last minute snapshot at ₹100, the price ₹107 when it stops.
    expect((await api.http.post(`/api/v1/strategies/${s.id}/start`, {}, quant.token)).status).toBe(200);
    const first = await runOf();
    const S = await moveStartBack(first.id);
    await quote('RELIANCE', 100);
    await filledOrder(s, quant.user.id, 'BUY', 100, S + 10_000, 20);
    await snap.tick(S + MIN + 1_000);
    await quote('RELIANCE', 107);
    expect((await api.http.post(`/api/v1/strategies/${s.id}/stop`, {}, quant.token)).status).toBe(200);
    const stopped = await runOf();
    expect(stopped).toMatchObject({ id: first.id, stop_reason: 'user' });
    const rows = await snapshots(first.id);
    expect(rows.map((r) => r.ts.getTime())).toEqual([S + MIN, stopped.stopped_at!.getTime()]);
    // At the minute: ₹0.00 unrealised less ₹0.20; at the stop: ₹7.00 unrealised less ₹0.20, still long.
    expect(rows.map((r) => BigInt(r.equity_paise))).toEqual([CAPITAL - 20n, CAPITAL + 700n - 20n]);
    expect(rows.map((r) => r.positions)).toEqual([{ RELIANCE: 1 }, { RELIANCE: 1 }]);
    // The report covers the run up to its stop.
    const listed = RunListSchema.parse((await runsOf(s.id)).body).items;
    expect(listed[0]).toMatchObject({ id: first.id, points: 2, to: stopped.stopped_at!.toISOString() });
    expect(listed[0]!.metrics!.totalReturn).toBeCloseTo(680 / 10_000_000, 12);

    // The stop replayed, at another price: no second final snapshot, the first unchanged.
    await quote('RELIANCE', 90);
    expect((await api.http.post(`/api/v1/strategies/${s.id}/stop`, {}, quant.token)).body.strategy.status).toBe('stopped');
    expect(await snapshots(first.id)).toEqual(rows);

    // The kill switch ends the next run the same way, once: engaged again, or a stop after it, adds nothing.
    expect((await api.http.post(`/api/v1/strategies/${s.id}/start`, {}, quant.token)).status).toBe(200);
    const second = await runOf();
    expect(second.id).not.toBe(first.id);
    // Its minute snapshot: the current minute (this run began in it).
    const tickAt = Date.now();
    await snap.tick(tickAt);
    await quote('RELIANCE', 95);
    const ks = () =>
      api.http.request('POST', `/api/v1/strategies/${s.id}/kill-switch`, { body: { engaged: true, reason: 'test' }, token: quant.token });
    expect((await ks()).status).toBe(200);
    const halted = await runOf();
    expect(halted).toMatchObject({ id: second.id, stop_reason: 'kill_switch' });
    const rows2 = await snapshots(second.id);
    // This run's own fills: none (the BUY was the first run's), so flat and at capital, at the minute and at the switch.
    const times = [...new Set([Math.floor(tickAt / MIN) * MIN, halted.stopped_at!.getTime()])];
    expect(rows2.map((r) => r.ts.getTime())).toEqual(times);
    expect(rows2.map((r) => BigInt(r.equity_paise))).toEqual(times.map(() => CAPITAL));
    expect(rows2.at(-1)!.positions).toEqual({});
    await quote('RELIANCE', 80);
    await ks();
    await api.http.post(`/api/v1/strategies/${s.id}/stop`, {}, quant.token);
    expect(await snapshots(second.id)).toEqual(rows2);
  });

  it('the kill switch ends the run (kill_switch) while the halted strategy keeps running; released, a new run begins; a stop ends it (user)', async () => {
    const s = await createStrategy();
    await api.http.post(`/api/v1/strategies/${s.id}/start`, {}, quant.token);
    const ks = (engaged: boolean) =>
      api.http.request('POST', `/api/v1/strategies/${s.id}/kill-switch`, { body: { engaged, reason: 'test' }, token: quant.token });
    const engaged = await ks(true);
    expect(engaged.status).toBe(200);
    expect(engaged.body.strategy.status).toBe('running');
    const runs = async () => RunListSchema.parse((await runsOf(s.id)).body).items.map((r) => [r.status, r.stopReason]);
    expect(await runs()).toEqual([['stopped', 'kill_switch']]);
    // Engaging it again changes nothing.
    await ks(true);
    expect(await runs()).toEqual([['stopped', 'kill_switch']]);
    expect((await ks(false)).body.strategy.status).toBe('running');
    expect(await runs()).toEqual([
      ['running', null],
      ['stopped', 'kill_switch'],
    ]);
    await api.http.post(`/api/v1/strategies/${s.id}/stop`, {}, quant.token);
    expect(await runs()).toEqual([
      ['stopped', 'user'],
      ['stopped', 'kill_switch'],
    ]);
  });

  it('refusals: unknown and other users’ runs and strategies are 404, too many or too few ids 400, bad ids 400', async () => {
    expect((await compare([runId, randomUUID()])).status).toBe(404);
    expect((await compare([runId, backtestId], other.token)).status).toBe(404);
    const s = await createStrategy();
    expect((await runsOf(s.id, other.token)).status).toBe(404);
    expect((await runsOf(randomUUID())).status).toBe(404);
    const six = await compare([runId, backtestId, randomUUID(), randomUUID(), randomUUID(), randomUUID()]);
    expect(six.status).toBe(400);
    expect(JSON.stringify(six.body.errors)).toContain('ids');
    expect((await compare([runId])).status).toBe(400);
    expect((await compare([runId, runId])).status).toBe(400);
    expect((await compare([runId, 'nope'])).status).toBe(400);
    expect((await api.http.get('/api/v1/runs?strategyId=nope', quant.token)).status).toBe(400);
    expect((await api.http.get('/api/v1/runs', quant.token)).status).toBe(400);
    // A backtest for a strategy that is not the caller's is refused naming strategyId, and nothing is stored.
    const before = (await db.sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM backtests`)).n;
    const foreign = await api.http.request('POST', '/api/v1/backtests', {
      body: {
        strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: 1 } },
        symbols: ['RELIANCE'],
        timeframe: '1m',
        from: new Date(M0).toISOString(),
        to: new Date(M0 + 10 * MIN).toISOString(),
        initialCapital: '100000.00',
        strategyId: s.id,
      },
      token: other.token,
    });
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.body.errors)).toContain('strategyId');
    expect((await db.sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM backtests`)).n).toBe(before);
    // The caller's own strategy: stored on the backtest and shown in its request.
    const T0 = Date.parse('2026-10-05T03:45:00Z');
    await api.app.get(CandlesRepository).upsertMany(
      Array.from({ length: 30 }, (_, i) => ({
        symbol: 'RELIANCE',
        timeframe: '1m' as const,
        candle: { ts: T0 + i * MIN, open: 1_000_000, high: 1_010_000, low: 999_000, close: 1_000_000 + i * 100, volume: 10 },
      })),
    );
    const own = await api.http.request('POST', '/api/v1/backtests', {
      body: {
        strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: 1 } },
        symbols: ['RELIANCE'],
        timeframe: '1m',
        from: new Date(T0).toISOString(),
        to: new Date(T0 + 30 * MIN).toISOString(),
        initialCapital: '100000.00',
        strategyId: s.id,
      },
      token: quant.token,
    });
    expect(own.status).toBe(202);
    expect((await api.http.get(`/api/v1/backtests/${own.body.id}`, quant.token)).body.request.strategyId).toBe(s.id);
    expect(RunListSchema.parse((await runsOf(s.id)).body).items.map((r) => [r.id, r.kind])).toEqual([[own.body.id, 'backtest']]);
    const viewer = await signedIn(api, ['viewer']);
    expect((await runsOf(s.id, viewer.token)).status).toBe(403);
    expect((await compare([runId, backtestId], viewer.token)).status).toBe(403);
  });
});
