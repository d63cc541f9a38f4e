import { DomainError, type Instrument } from '@tradeloop/domain';
import type { Db, NotificationEvents, RealtimePublisher } from '@tradeloop/platform';
import type { AuditRepository } from '@tradeloop/identity';
import type { PlaceOrderUseCase } from '@tradeloop/trading';
import { AlertExitEvaluator } from './alert-exit-evaluator';
import type { AlertExitRow, AlertExitsRepository, ExitOrderState, PendingAlertExitRow } from './alert-exits.repository';
import { alertExitOrderKey, FireAlertExitUseCase } from './fire-alert-exit.use-case';

/**
 * The exit's send / settle rules against an in-memory repository (the SQL is proven by
 * apps/api/test/alert-exits.int-spec.ts): which key each attempt uses, when the key moves on, and
 * when the position closes.
 */
const NOW = Date.parse('2026-12-07T10:30:00+05:30');
const EQUITY: Instrument = { symbol: 'RELIANCE', exchange: 'NSE', name: 'Reliance', instrumentType: 'EQ', lotSize: 1, tickSize: 500 };
const ENTRY = 10_000_000;

interface Position {
  status: 'open' | 'closed';
  close?: { tier: number; rule: string; price: number; realizedPaise: bigint };
}

function world() {
  const positions = new Map<string, Position>();
  const exits = new Map<string, AlertExitRow>();
  const orders = new Map<string, ExitOrderState>();
  const placed: { key: string; side: string; quantity: number; tag: string | undefined }[] = [];
  let placeOutcome: () => string = () => `o${placed.length}`;
  const repo = {
    lockOpen: async (_: unknown, id: string) =>
      positions.get(id)?.status === 'open' ? { id, user_id: 'u1', symbol: 'RELIANCE' } : undefined,
    insertTrigger: async (
      _: unknown,
      e: {
        id: string;
        positionId: string;
        shadow: boolean;
        tier: number;
        rule: string;
        reason: string;
        flagged: boolean;
        price: number;
        status: 'triggered' | 'closed';
      },
    ) => {
      if ([...exits.values()].some((x) => x.position_id === e.positionId)) return undefined;
      const row: AlertExitRow = {
        id: e.id,
        trigger_id: `alert-exit:${e.positionId}`,
        position_id: e.positionId,
        user_id: 'u1',
        shadow: e.shadow,
        symbol: 'RELIANCE',
        tier: e.tier,
        rule: e.rule,
        reason: e.reason,
        flagged: e.flagged,
        trigger_price: String(e.price),
        status: e.status,
        attempt: 1,
        order_id: null,
        last_error: null,
        created_at: new Date(NOW),
        sent_at: null,
        closed_at: e.status === 'closed' ? new Date(NOW) : null,
      };
      exits.set(e.id, row);
      return { ...row };
    },
    closePosition: async (_: unknown, id: string, c: Position['close'] & object) => {
      const p = positions.get(id);
      if (p?.status !== 'open') return false;
      p.status = 'closed';
      p.close = { tier: c.tier, rule: c.rule, price: c.price, realizedPaise: c.realizedPaise };
      return true;
    },
    pending: async (ids: readonly string[] | null = null): Promise<PendingAlertExitRow[]> =>
      [...exits.values()]
        .filter((e) => e.status !== 'closed' && (ids === null || ids.includes(e.id)))
        .map((e) => ({
          ...e,
          account_id: 'a1',
          side: 'BUY',
          quantity: '10',
          entry_price: String(ENTRY),
          product: 'MIS',
          position_status: positions.get(e.position_id)!.status,
        })),
    markSent: async (id: string, attempt: number, orderId: string) => {
      const e = exits.get(id)!;
      if (e.attempt !== attempt || e.status !== 'triggered') return undefined;
      Object.assign(e, { status: 'sent', order_id: orderId, last_error: null });
      return { ...e };
    },
    markFailed: async (id: string, attempt: number, error: string, next: boolean) => {
      const e = exits.get(id)!;
      if (e.attempt !== attempt || e.status === 'closed') return;
      Object.assign(e, { last_error: error, attempt: e.attempt + (next ? 1 : 0), status: 'triggered', order_id: null });
    },
    note: async (id: string, error: string) => {
      exits.get(id)!.last_error = error;
    },
    exitOrder: async (id: string) => orders.get(id),
    markClosed: async (_: unknown, id: string) => {
      const e = exits.get(id)!;
      if (e.status === 'closed') return undefined;
      Object.assign(e, { status: 'closed', closed_at: new Date(NOW) });
      return { ...e };
    },
    byPosition: async (positionId: string) => [...exits.values()].find((e) => e.position_id === positionId),
  };
  const place = {
    execute: async (_user: string, body: { side: string; quantity: number; tag?: string }, key: string) => {
      placed.push({ key, side: body.side, quantity: body.quantity, tag: body.tag });
      return { body: { order: { id: placeOutcome() } } };
    },
  };
  const db = { tx: async <T>(work: (sql: unknown) => Promise<T>) => work({}) };
  const quiet = { append: async () => undefined, toUser: async () => undefined, emit: async () => undefined };
  const useCase = new FireAlertExitUseCase(
    db as unknown as Db,
    repo as unknown as AlertExitsRepository,
    place as unknown as PlaceOrderUseCase,
    quiet as unknown as AuditRepository,
    quiet as unknown as RealtimePublisher,
    quiet as unknown as NotificationEvents,
  );
  /** A position through its stop, as the evaluator reports it. */
  const breach = (positionId: string, shadow = false) => {
    positions.set(positionId, { status: 'open' });
    const ev = new AlertExitEvaluator(() => NOW);
    ev.upsert({
      positionId,
      userId: 'u1',
      accountId: shadow ? null : 'a1',
      shadow,
      symbol: 'RELIANCE',
      side: 'BUY',
      quantity: 10,
      entry: ENTRY,
      openedAt: NOW - 60_000,
      instrument: EQUITY,
      exitConfig: { stopLossPct: 10, targetPct: 20, maxHoldingMinutes: null, minDaysToExpiry: null },
      brokerRejection: null,
      awaitingFillSince: null,
    });
    return ev.evaluate([{ symbol: 'RELIANCE', ts: NOW, ltp: 9_000_000 }]).exits[0]!;
  };
  return {
    positions,
    exits,
    orders,
    placed,
    useCase,
    breach,
    onPlace: (f: () => string) => (placeOutcome = f),
  };
}

describe('FireAlertExitUseCase', () => {
  it('shadow: closed at the judged price with realized paise, no order; a second fire is nothing', async () => {
    const w = world();
    const f = w.breach('p1', true);
    const e = await w.useCase.fire(f);
    expect(e).toMatchObject({ status: 'closed', tier: 2, rule: 'STOP_LOSS' });
    expect(w.positions.get('p1')!.close).toEqual({ tier: 2, rule: 'STOP_LOSS', price: 9_000_000, realizedPaise: -100_000n });
    expect(w.placed).toEqual([]);
    expect(await w.useCase.fire(f)).toBeUndefined();
  });

  it('real: one MARKET SELL of the quantity under attempt 1’s key; closed at the average fill once FILLED', async () => {
    const w = world();
    const e = await w.useCase.fire(w.breach('p1'));
    expect(w.placed).toEqual([{ key: alertExitOrderKey('p1', 1), side: 'SELL', quantity: 10, tag: 'alert-exit' }]);
    expect(e).toMatchObject({ status: 'sent', order_id: 'o1' });
    expect(w.positions.get('p1')!.status).toBe('open');
    w.orders.set('o1', { status: 'FILLED', filled_quantity: 10, filled_value_tick_units: String(10 * 8_999_500), reject_reason: null });
    expect(await w.useCase.resendPending()).toBe(1);
    expect(w.positions.get('p1')!.close).toEqual({ tier: 2, rule: 'STOP_LOSS', price: 8_999_500, realizedPaise: -100_050n });
    expect(await w.useCase.resendPending()).toBe(0);
    expect(w.placed).toHaveLength(1);
  });

  it('a refusal moves to the next key; an infrastructure failure keeps the key; an order that ends unfilled moves on too', async () => {
    const w = world();
    w.onPlace(() => {
      throw new DomainError('RATE_LIMITED', 'the broker’s rate window');
    });
    await w.useCase.fire(w.breach('p1'));
    w.onPlace(() => {
      throw new Error('connection reset');
    });
    await w.useCase.resendPending();
    let n = 0;
    w.onPlace(() => `o${++n}`);
    await w.useCase.resendPending();
    expect(w.placed.map((p) => p.key)).toEqual([alertExitOrderKey('p1', 1), alertExitOrderKey('p1', 2), alertExitOrderKey('p1', 2)]);
    // The broker rejects that order: the next attempt (the next step), a new key.
    w.orders.set('o1', { status: 'REJECTED', filled_quantity: 0, filled_value_tick_units: '0', reject_reason: 'RMS' });
    await w.useCase.resendPending();
    expect([...w.exits.values()][0]).toMatchObject({ status: 'triggered', attempt: 3, last_error: 'the exit order ended REJECTED: RMS' });
    await w.useCase.resendPending();
    expect(w.placed.map((p) => p.key).slice(3)).toEqual([alertExitOrderKey('p1', 3)]);
    expect([...w.exits.values()][0]).toMatchObject({ status: 'sent', attempt: 3, order_id: 'o2' });
    // Still working: nothing happens however often it is looked at.
    w.orders.set('o2', { status: 'OPEN', filled_quantity: 0, filled_value_tick_units: '0', reject_reason: null });
    await w.useCase.resendPending();
    await w.useCase.resendPending();
    expect(w.placed).toHaveLength(4);
  });

  it('an exit order that ended partly filled is noted and left for a person (no second order)', async () => {
    const w = world();
    await w.useCase.fire(w.breach('p1'));
    w.orders.set('o1', { status: 'CANCELLED', filled_quantity: 4, filled_value_tick_units: String(4 * 9_000_000), reject_reason: null });
    await w.useCase.resendPending();
    await w.useCase.resendPending();
    expect(w.placed).toHaveLength(1);
    expect([...w.exits.values()][0]!.last_error).toContain('4 of 10');
    expect(w.positions.get('p1')!.status).toBe('open');
  });

  it('a position closed by someone else after the trigger is not sent', async () => {
    const w = world();
    w.onPlace(() => {
      throw new DomainError('RATE_LIMITED', 'later');
    });
    await w.useCase.fire(w.breach('p1'));
    w.positions.get('p1')!.status = 'closed';
    expect(await w.useCase.resendPending()).toBe(1);
    expect(w.placed).toHaveLength(1);
    expect([...w.exits.values()][0]!.status).toBe('closed');
  });
});
