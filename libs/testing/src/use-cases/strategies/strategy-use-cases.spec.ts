import { REALTIME_EVENTS, type CreateStrategyRequest } from '@tradeloop/contracts';
import { demoUniverse, emptyColumns } from '@tradeloop/domain';
import type { AuditRepository } from '@tradeloop/identity';
import type { CandlesRepository, InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import type { ModelsRepository, SignalsRepository } from '@tradeloop/ml';
import type { Db, RealtimePublisher } from '@tradeloop/platform';
import {
  CreateStrategyUseCase,
  GetStrategyQuery,
  ListStrategiesQuery,
  SetStrategyRunningUseCase,
  StrategyView,
  type StrategyRow,
  type StrategiesRepository,
} from '@tradeloop/strategies';
import type { TradingAccounts } from '@tradeloop/accounts';
import {
  FakeAudit,
  FakeDb,
  FakeInstruments,
  FakeModels,
  FakeQuotes,
  FakeRealtime,
  FakeStrategies,
  FakeTradingAccounts,
  fakePaperAccountId,
  port,
} from '../../fakes';
import { fieldsOf, refusal } from '../refusal';

/**
 * Creating, starting and stopping strategies: the rules that do not reach trading. The kill switch
 * (which cancels orders through trading) and P&L from fills (trading's position rules) are left to
 * the integration tests; these use cases do not take trading's repositories or the job queue at all.
 */

const QUANT = 'quant-1';
const meta = { requestId: 'req-1' };

function setup() {
  const db = new FakeDb();
  const strategies = new FakeStrategies(db);
  const instruments = new FakeInstruments(demoUniverse(new Date('2025-03-14T00:00:00Z')));
  const models = new FakeModels(db);
  const audit = new FakeAudit(db);
  const realtime = new FakeRealtime(db);
  const accounts = new FakeTradingAccounts();
  // No closed bars and no signals yet: readiness says warming (sma) or ready with no signal (ml).
  const view = new StrategyView(
    port<StrategiesRepository>(strategies),
    port<QuotesStore>(new FakeQuotes()),
    port<CandlesRepository>({ range: async () => emptyColumns() }),
    port<SignalsRepository>({ list: async () => [] }),
  );
  const create = new CreateStrategyUseCase(
    port<Db>(db),
    port<StrategiesRepository>(strategies),
    port<InstrumentsRepository>(instruments),
    port<ModelsRepository>(models),
    port<AuditRepository>(audit),
    view,
    port<TradingAccounts>(accounts),
  );
  const running = new SetStrategyRunningUseCase(
    port<Db>(db),
    port<StrategiesRepository>(strategies),
    port<AuditRepository>(audit),
    port<RealtimePublisher>(realtime),
    view,
    port<TradingAccounts>(accounts),
  );
  const list = new ListStrategiesQuery(port<StrategiesRepository>(strategies), view);
  const get = new GetStrategyQuery(view);
  // One operation per class; the tests speak of them by operation.
  const commands = {
    create: (...a: Parameters<CreateStrategyUseCase['execute']>) => create.execute(...a),
    setRunning: (...a: Parameters<SetStrategyRunningUseCase['execute']>) => running.execute(...a),
    list: (...a: Parameters<ListStrategiesQuery['execute']>) => list.execute(...a),
    get: (...a: Parameters<GetStrategyQuery['execute']>) => get.execute(...a),
  };
  const model = models.add({ name: 'momentum', version: '1', card: { featureSetVersion: 'x' } as never });
  return { db, strategies, models, audit, realtime, commands, model, accounts };
}

const ml = (w: ReturnType<typeof setup>, over: Partial<CreateStrategyRequest> = {}): CreateStrategyRequest =>
  ({
    name: 'momentum paper',
    kind: 'ml-signal',
    symbols: ['RELIANCE', 'TCS'],
    params: { quantity: 2 },
    modelId: w.model.id,
    mode: 'paper',
    ...over,
  }) as CreateStrategyRequest;

describe('CreateStrategyUseCase', () => {
  it('creates a stopped strategy with its kind’s defaults filled in, audited in its transaction', async () => {
    const w = setup();
    const dto = await w.commands.create(QUANT, ml(w), meta);

    expect(dto).toMatchObject({
      name: 'momentum paper',
      kind: 'ml-signal',
      symbols: ['RELIANCE', 'TCS'],
      params: { quantity: 2, allowShort: false },
      modelId: w.model.id,
      mode: 'paper',
      status: 'stopped',
      maxPositionUnits: 20, // ten times the quantity
      killSwitch: { engaged: false, reason: null },
      orders: 0,
    });
    expect(w.strategies.rows.get(dto.id)).toMatchObject({ user_id: QUANT, params: { quantity: 2, allowShort: false } });
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: QUANT,
        action: 'strategy.created',
        subject: `strategy:${dto.id}`,
        details: {
          name: 'momentum paper',
          kind: 'ml-signal',
          symbols: ['RELIANCE', 'TCS'],
          params: { quantity: 2, allowShort: false },
          modelId: w.model.id,
          mode: 'paper',
          accountId: fakePaperAccountId(QUANT),
          maxPositionUnits: 20,
        },
        inTransaction: true,
      }),
    ]);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'committed' }]);
  });

  it('fills sma-crossover defaults, keeps a given position limit, and caps the default one at 1,000,000 units', async () => {
    const w = setup();
    const sma = await w.commands.create(
      QUANT,
      {
        name: 'sma',
        kind: 'sma-crossover',
        symbols: ['INFY'],
        params: { fast: 5, slow: 20, quantity: 1 },
        mode: 'paper',
        maxPositionUnits: 4,
      } as CreateStrategyRequest,
      meta,
    );
    const big = await w.commands.create(QUANT, ml(w, { name: 'big', params: { quantity: 1_000_000 } }), meta);

    expect(sma).toMatchObject({
      params: { fast: 5, slow: 20, quantity: 1, allowShort: false, timeframe: '1m' },
      maxPositionUnits: 4,
      modelId: null,
    });
    expect(big.maxPositionUnits).toBe(1_000_000);
  });

  it.each([
    ['quantity missing', { params: {} }, 'params.quantity'],
    ['quantity zero', { params: { quantity: 0 } }, 'params.quantity'],
    ['an unknown param', { params: { quantity: 1, leverage: 10 } }, 'params'],
    ['fast not below slow', { kind: 'sma-crossover', params: { fast: 20, slow: 5, quantity: 1 }, modelId: undefined }, 'params.fast'],
  ] as const)('refuses %s (VALIDATION_FAILED naming the field) and stores nothing', async (_what, over, field) => {
    const w = setup();
    const err = await refusal(w.commands.create(QUANT, ml(w, over as Partial<CreateStrategyRequest>), meta));

    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err)).toContain(field);
    expect(w.strategies.rows.size).toBe(0);
    expect(w.db.transactions).toEqual([]);
  });

  it('refuses unknown symbols, naming each by its position', async () => {
    const w = setup();
    const err = await refusal(w.commands.create(QUANT, ml(w, { symbols: ['NOPE', 'RELIANCE', 'ALSO_NOT'] }), meta));

    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err)).toEqual(['symbols.0', 'symbols.2']);
    expect(err.message).toBe('Unknown symbols: NOPE, ALSO_NOT');
    expect(w.strategies.rows.size).toBe(0);
  });

  it('refuses a model that is not registered (VALIDATION_FAILED on modelId)', async () => {
    const w = setup();
    const err = await refusal(w.commands.create(QUANT, ml(w, { modelId: '00000000-0000-7000-8000-000000000000' }), meta));

    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err)).toEqual(['modelId']);
    expect(w.strategies.rows.size).toBe(0);
  });

  it('refuses a second strategy of the same name for the same user (CONFLICT), leaving no audit record; another user may use it', async () => {
    const w = setup();
    await w.commands.create(QUANT, ml(w), meta);
    const err = await refusal(w.commands.create(QUANT, ml(w), meta));
    await w.commands.create('quant-2', ml(w), meta);

    expect(err.code).toBe('CONFLICT');
    expect(w.db.rolledBack).toBe(1);
    expect(w.strategies.rows.size).toBe(2);
    expect(w.audit.actions()).toEqual(['strategy.created', 'strategy.created']);
  });
});

describe('SetStrategyRunningUseCase', () => {
  it('starts and stops a strategy, auditing each change and telling its owner after commit', async () => {
    const w = setup();
    const { id } = await w.commands.create(QUANT, ml(w), meta);
    const started = await w.commands.setRunning(QUANT, id, true, meta);
    const stopped = await w.commands.setRunning(QUANT, id, false, meta);

    expect([started.status, stopped.status]).toEqual(['running', 'stopped']);
    expect(w.audit.records.filter((r) => r.subject === `strategy:${id}`).map((r) => [r.action, r.details])).toEqual([
      ['strategy.created', expect.anything()],
      ['strategy.started', { name: 'momentum paper' }],
      ['strategy.stopped', { name: 'momentum paper' }],
    ]);
    expect(
      w.realtime
        .of(REALTIME_EVENTS.strategyUpdated)
        .map((m) => [m.to, (m.payload as { strategy: { status: string } }).strategy.status, m.openTransactions]),
    ).toEqual([
      [QUANT, 'running', 0],
      [QUANT, 'stopped', 0],
    ]);
  });

  it('starting a running strategy changes and audits nothing', async () => {
    const w = setup();
    const { id } = await w.commands.create(QUANT, ml(w), meta);
    await w.commands.setRunning(QUANT, id, true, meta);
    await w.commands.setRunning(QUANT, id, true, meta);

    expect(w.audit.of('strategy.started')).toHaveLength(1);
  });

  it('a paper strategy trades its owner’s paper account; a live one needs a live account of theirs (400 naming accountId)', async () => {
    const w = setup();
    expect((await w.commands.create(QUANT, ml(w), meta)).accountId).toBe(fakePaperAccountId(QUANT));
    expect(fieldsOf(await refusal(w.commands.create(QUANT, ml(w, { name: 'a', mode: 'live' }), meta)))).toEqual(['accountId']);
    const paper = fakePaperAccountId(QUANT);
    expect(fieldsOf(await refusal(w.commands.create(QUANT, ml(w, { name: 'b', mode: 'live', accountId: paper }), meta)))).toEqual([
      'accountId',
    ]);
    const theirs = w.accounts.add({ id: '0190c5e2-7a7e-7c2b-9d3f-00000000aaaa', userId: 'someone-else', kind: 'kite', name: 'Theirs' });
    expect(fieldsOf(await refusal(w.commands.create(QUANT, ml(w, { name: 'c', mode: 'live', accountId: theirs.id }), meta)))).toEqual([
      'accountId',
    ]);
    expect(w.strategies.rows.size).toBe(1);
  });

  it('refuses to start a live strategy whose account needs a login (BROKER_LOGIN_REQUIRED), changing nothing', async () => {
    const w = setup();
    const kite = w.accounts.add({
      id: '0190c5e2-7a7e-7c2b-9d3f-00000000bbbb',
      userId: QUANT,
      kind: 'kite',
      name: 'Zerodha',
      status: 'needs_login',
    });
    const { id } = await w.commands.create(QUANT, ml(w, { mode: 'live', accountId: kite.id }), meta);
    const err = await refusal(w.commands.setRunning(QUANT, id, true, meta));

    expect(err.code).toBe('BROKER_LOGIN_REQUIRED');
    expect(err.message).toMatch(/Zerodha/);
    expect(w.strategies.rows.get(id)!.status).toBe('stopped');
    expect(w.audit.of('strategy.started')).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
  });

  it('another user’s strategy, like an unknown id, is NOT_FOUND', async () => {
    const w = setup();
    const { id } = await w.commands.create(QUANT, ml(w), meta);

    expect((await refusal(w.commands.setRunning('quant-2', id, true, meta))).code).toBe('NOT_FOUND');
    expect((await refusal(w.commands.get('quant-2', id))).code).toBe('NOT_FOUND');
    expect((await refusal(w.commands.setRunning(QUANT, '00000000-0000-7000-8000-000000000000', true, meta))).code).toBe('NOT_FOUND');
    expect(w.strategies.rows.get(id)!.status).toBe('stopped');
    expect(await w.commands.list('quant-2')).toEqual([]);
  });
});

describe('StrategyView.readiness', () => {
  const row = (over: Partial<StrategyRow>): StrategyRow => ({
    id: 's1',
    user_id: 'u1' as StrategyRow['user_id'],
    name: 'x',
    kind: 'sma-crossover',
    symbols: ['INFY', 'TCS'],
    params: { fast: 5, slow: 20, quantity: 1, timeframe: '5m' },
    model_id: null,
    mode: 'paper',
    account_id: null,
    status: 'running',
    max_position_units: 10,
    last_error: null,
    last_error_at: null,
    created_at: new Date(0),
    updated_at: new Date(0),
    switch_engaged: false,
    switch_reason: null,
    ...over,
  });
  const NOW = Date.parse('2026-12-07T06:02:30Z');
  /** `bars[symbol]` closed 5m bars ending at the bar before NOW's (06:00). */
  const viewWith = (bars: Record<string, number>, asked: { limit?: number; to?: string }[] = []) =>
    new StrategyView(
      port<StrategiesRepository>({}),
      port<QuotesStore>({}),
      port<CandlesRepository>({
        range: async (q) => {
          asked.push({ limit: q.limit, to: q.to });
          const n = bars[q.symbol] ?? 0;
          const c = emptyColumns(n);
          for (let i = 0; i < n; i += 1) c.ts[i] = Date.parse('2026-12-07T06:00:00Z') - (n - i) * 300_000;
          return c;
        },
      }),
      port<SignalsRepository>({
        list: async () => [{ ts: '2026-12-07T06:01:00.000Z' } as never],
      }),
    );

  it('an sma-crossover warms up until every symbol has `slow` closed bars, counted on its least-filled symbol', async () => {
    const asked: { limit?: number; to?: string }[] = [];
    expect(await viewWith({ INFY: 20, TCS: 12 }, asked).readiness(row({}), NOW)).toEqual({
      state: 'warming',
      timeframe: '5m',
      barsNeeded: 20,
      barsHave: 12,
      lastBarAt: '2026-12-07T06:00:00.000Z',
    });
    // Closed bars only: up to the start of the bar in progress, as many as it needs.
    expect(asked).toEqual([
      { limit: 20, to: '2026-12-07T06:00:00.000Z' },
      { limit: 20, to: '2026-12-07T06:00:00.000Z' },
    ]);
    expect(await viewWith({ INFY: 20, TCS: 20 }).readiness(row({}), NOW)).toMatchObject({ state: 'ready', barsHave: 20 });
    expect(await viewWith({}).readiness(row({}), NOW)).toMatchObject({ state: 'warming', barsHave: 0, lastBarAt: null });
  });

  it('an ml-signal strategy is ready and tells its model’s newest signal', async () => {
    expect(await viewWith({}).readiness(row({ kind: 'ml-signal', model_id: 'm1', params: { quantity: 1 } }), NOW)).toEqual({
      state: 'ready',
      timeframe: null,
      barsNeeded: 0,
      barsHave: 0,
      lastBarAt: '2026-12-07T06:01:00.000Z',
    });
  });
});
