import { describe, expect, it } from 'vitest';
import { parseAlertPayload, type AlertParseResult } from './payload';

const ok = (r: AlertParseResult) => {
  if (!r.ok) throw new Error(`refused: ${r.field} ${r.reason}`);
  return r;
};
const refused = (body: unknown) => {
  const r = parseAlertPayload(body);
  if (r.ok) throw new Error('accepted');
  return r;
};

describe('parseAlertPayload: our schema', () => {
  it('parses every field', () => {
    const r = ok(
      parseAlertPayload({
        symbol: ' reliance ',
        action: 'buy',
        price: '2500.5',
        quantity: 10,
        strategy: ' breakout ',
        tags: ['swing', ' swing ', 'x'],
        alert_id: 'a-1',
        passphrase: ' p ',
      }),
    );
    expect(r.payload).toEqual({
      symbol: 'RELIANCE',
      exchange: null,
      action: 'BUY',
      price: 25_005_000,
      size: { kind: 'units', quantity: 10 },
      strategy: 'breakout',
      tags: ['swing', 'x'],
      alertId: 'a-1',
      interval: null,
      time: null,
      timenow: null,
      comment: null,
    });
    expect(r.passphrase).toBe(' p ');
  });

  it('maps action words (case-insensitive) and agrees across action, direction and market_position', () => {
    const act = (v: Record<string, unknown>) => ok(parseAlertPayload({ symbol: 'X', ...v })).payload.action;
    expect(act({ action: 'BUY' })).toBe('BUY');
    expect(act({ direction: 'long' })).toBe('BUY');
    expect(act({ action: 'Sell' })).toBe('SELL');
    expect(act({ direction: 'short' })).toBe('SELL');
    expect(act({ action: 'exit' })).toBe('EXIT');
    expect(act({ action: 'close' })).toBe('EXIT');
    expect(act({ market_position: 'flat' })).toBe('EXIT');
    expect(act({ action: 'buy', market_position: 'long' })).toBe('BUY');
    expect(refused({ symbol: 'X', action: 'buy', direction: 'short' })).toEqual({
      ok: false,
      field: 'direction',
      reason: 'disagrees with action (BUY)',
    });
    expect(refused({ symbol: 'X', action: 'hold' }).field).toBe('action');
    expect(refused({ symbol: 'X' }).field).toBe('action');
    expect(refused({ symbol: 'X', action: 1 }).field).toBe('action');
  });

  it('normalises numbers given as numbers or strings', () => {
    const p = (v: Record<string, unknown>) => ok(parseAlertPayload({ symbol: 'X', action: 'buy', ...v })).payload;
    expect(p({ price: 2500.5 }).price).toBe(25_005_000);
    expect(p({ price: '2500.50' }).price).toBe(25_005_000);
    expect(p({ price: '0.05' }).price).toBe(500);
    expect(p({ quantity: '3' }).size).toEqual({ kind: 'units', quantity: 3 });
    expect(p({ contracts: '1.0' }).size).toEqual({ kind: 'units', quantity: 1 });
    expect(p({ lots: 2 }).size).toEqual({ kind: 'lots', lots: 2 });
    expect(p({}).size).toEqual({ kind: 'default' });
    expect(p({ price: '' }).price).toBeNull();
  });

  it('refuses bad numbers, naming the field', () => {
    const f = (v: Record<string, unknown>) => refused({ symbol: 'X', action: 'buy', ...v }).field;
    expect(f({ price: '0' })).toBe('price');
    expect(f({ price: -1 })).toBe('price');
    expect(f({ price: '1.23456' })).toBe('price');
    expect(f({ price: 'abc' })).toBe('price');
    expect(f({ price: 1e21 })).toBe('price');
    expect(f({ price: Number.NaN })).toBe('price');
    expect(f({ price: true })).toBe('price');
    expect(f({ quantity: 0 })).toBe('quantity');
    expect(f({ quantity: 1.5 })).toBe('quantity');
    expect(f({ quantity: '-2' })).toBe('quantity');
    expect(f({ quantity: 100_000_000 })).toBe('quantity');
    expect(f({ lots: 'two' })).toBe('lots');
    expect(f({ quantity: 1, lots: 1 })).toBe('lots');
    expect(f({ quantity: 1, contracts: 1 })).toBe('contracts');
  });

  it('refuses non-objects and unknown keys', () => {
    for (const b of [null, 1, 'x', [], true]) expect(refused(b).field).toBe('body');
    expect(refused({ symbol: 'X', action: 'buy', qty: 1 })).toEqual({
      ok: false,
      field: 'qty',
      reason: 'is not a field of the alert payload',
    });
    expect(refused(JSON.parse('{"symbol":"X","action":"buy","__proto__":{"a":1}}')).field).toBe('__proto__');
  });

  it('checks symbols, exchange prefixes and the exchange field', () => {
    expect(refused({ action: 'buy' }).field).toBe('symbol');
    expect(refused({ symbol: 'A B', action: 'buy' }).field).toBe('symbol');
    expect(refused({ symbol: 'X', ticker: 'X', action: 'buy' }).field).toBe('ticker');
    expect(refused({ ticker: '1SE!:X', action: 'buy' }).field).toBe('ticker');
    expect(refused({ ticker: 'NSE:X', exchange: 'BSE', action: 'buy' }).field).toBe('exchange');
    expect(refused({ symbol: 'X', exchange: 'n s e', action: 'buy' }).field).toBe('exchange');
    expect(refused({ symbol: 'X'.repeat(61), action: 'buy' }).field).toBe('symbol');
    const p = ok(parseAlertPayload({ symbol: 'X', exchange: 'nse', action: 'buy' })).payload;
    expect([p.symbol, p.exchange]).toEqual(['X', 'NSE']);
  });

  it('checks tags, alert ids, text lengths and the passphrase', () => {
    const f = (v: Record<string, unknown>) => refused({ symbol: 'X', action: 'buy', ...v }).field;
    expect(f({ tags: 'a' })).toBe('tags');
    expect(f({ tags: [1] })).toBe('tags.0');
    expect(f({ tags: ['a', ''] })).toBe('tags.1');
    expect(f({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).toBe('tags');
    expect(f({ alert_id: 'has space' })).toBe('alert_id');
    expect(f({ alert_id: 'x'.repeat(101) })).toBe('alert_id');
    expect(f({ strategy: 'x'.repeat(101) })).toBe('strategy');
    expect(f({ comment: 5 })).toBe('comment');
    expect(f({ comment: 'a\u0000b' })).toBe('comment');
    expect(f({ tags: ['a\nb'] })).toBe('tags.0');
    expect(f({ strategy: 'a\ud800b' })).toBe('strategy');
    expect(f({ strategy: 'a\udc00' })).toBe('strategy');
    expect(ok(parseAlertPayload({ symbol: 'X', action: 'buy', comment: 'ok \ud83d\ude00' })).payload.comment).toBe('ok \ud83d\ude00');
    expect(f({ passphrase: 5 })).toBe('passphrase');
    expect(f({ passphrase: '' })).toBe('passphrase');
    expect(ok(parseAlertPayload({ symbol: 'X', action: 'buy', passphrase: null })).passphrase).toBeNull();
  });
});

describe('parseAlertPayload: TradingView placeholder style', () => {
  it('parses a substituted TradingView alert', () => {
    const r = ok(
      parseAlertPayload({
        ticker: 'NSE:RELIANCE',
        action: 'buy',
        contracts: '1',
        price: '2500.5',
        market_position: 'long',
        interval: '5',
        time: '2026-12-07T03:45:00Z',
        timenow: '2026-12-07T03:45:02Z',
        comment: 'Long entry',
      }),
    );
    expect(r.payload).toMatchObject({
      symbol: 'RELIANCE',
      exchange: 'NSE',
      action: 'BUY',
      price: 25_005_000,
      size: { kind: 'units', quantity: 1 },
      interval: '5',
      comment: 'Long entry',
    });
  });

  it('refuses an un-substituted placeholder, naming the field', () => {
    const r = refused({ ticker: 'NSE:RELIANCE', action: '{{strategy.order.action}}', contracts: '1' });
    expect(r.field).toBe('action');
    expect(r.reason).toContain('{{strategy.order.action}}');
    expect(refused({ ticker: '{{ticker}}', action: 'buy' }).field).toBe('ticker');
    expect(refused({ ticker: 'X', action: 'buy', price: '{{close}}' }).field).toBe('price');
    expect(refused({ ticker: 'X', action: 'buy', contracts: '{{strategy.order.contracts}}' }).field).toBe('contracts');
    expect(refused({ ticker: 'X', action: 'buy', tags: ['{{interval}}'] }).field).toBe('tags.0');
    expect(refused({ ticker: 'X', action: 'buy', passphrase: '{{x}}' }).field).toBe('passphrase');
  });
});
