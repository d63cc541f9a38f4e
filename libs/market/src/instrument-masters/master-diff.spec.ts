import type { Instrument } from '@tradeloop/domain';
import { planMasterImport, type StoredBrokerKey, type StoredInstrument } from './master-diff';
import { InstrumentMasterError, type MasterRecord, type ParsedMaster } from './master-record';

const asOf = '2026-12-07';
const eq = (symbol: string, tickSize = 500, lotSize = 1): Instrument => ({
  symbol,
  exchange: 'NSE',
  name: symbol,
  instrumentType: 'EQ',
  lotSize,
  tickSize,
});
const ce = (symbol: string, expiry: string, strike = 260_000_000, lotSize = 65): Instrument => ({
  symbol,
  exchange: 'NFO',
  name: symbol,
  instrumentType: 'CE',
  lotSize,
  tickSize: 500,
  expiry,
  strike,
  underlying: 'NIFTY',
});
const stored = (i: Instrument, active = true): StoredInstrument => ({ ...i, active });
const rec = (i: Instrument, key: string, at = 'line 2'): MasterRecord => ({
  instrument: i,
  brokerKey: { key, exchangeToken: key.split('|').pop()!, brokerSymbol: i.symbol, brokerExchange: i.exchange },
  at,
});
const master = (records: MasterRecord[], broker: ParsedMaster['broker'] = 'upstox'): ParsedMaster => ({
  broker,
  records,
  rows: records.length,
  skipped: 0,
});
const keyOf = (r: MasterRecord): StoredBrokerKey => ({ ...r.brokerKey, symbol: r.instrument.symbol });

describe('planMasterImport', () => {
  it('adds new instruments and keys; a second identical run is all unchanged', () => {
    const records = [rec(eq('RELIANCE', 1_000), 'NSE_EQ|INE002A01018'), rec(ce('NIFTY26D0826000CE', '2026-12-08'), 'NSE_FO|40001')];
    const first = planMasterImport({ parsed: master(records), stored: [], keys: [], keyedElsewhere: new Set(), asOf });
    expect(first.inserts.map((i) => i.symbol)).toEqual(['RELIANCE', 'NIFTY26D0826000CE']);
    expect(first.report).toMatchObject({ added: 2, updated: 0, unchanged: 0, deactivated: 0, keys: { added: 2, changed: 0, removed: 0 } });

    const again = planMasterImport({
      parsed: master(records),
      stored: first.inserts.map((i) => stored(i)),
      keys: first.keyUpserts,
      keyedElsewhere: new Set(),
      asOf,
    });
    expect(again).toMatchObject({ inserts: [], updates: [], deactivate: [], keyDeletes: [], keyUpserts: [] });
    expect(again.report).toMatchObject({ added: 0, updated: 0, unchanged: 2, deactivated: 0, keys: { added: 0, changed: 0, removed: 0 } });
  });

  it('updates lot and tick sizes to the master (RELIANCE ₹0.05 → ₹0.10), and says what changed', () => {
    const plan = planMasterImport({
      parsed: master([rec(eq('RELIANCE', 1_000, 1), 'k1')], 'kite'),
      stored: [stored(eq('RELIANCE', 500, 1))],
      keys: [],
      keyedElsewhere: new Set(),
      asOf,
    });
    expect(plan.updates).toEqual([{ symbol: 'RELIANCE', name: 'RELIANCE', lotSize: 1, tickSize: 1_000 }]);
    expect(plan.report).toMatchObject({ updated: 1, examples: ['RELIANCE: tick 500 → 1000'] });
  });

  it("keeps the name another broker's master gave (no daily flip between spellings), still follows lot and tick", () => {
    const plan = planMasterImport({
      parsed: master([rec({ ...eq('RELIANCE', 1_000, 2), name: 'RELIANCE INDUSTRIES LTD' }, 'NSE_EQ|INE002A01018')]),
      stored: [stored({ ...eq('RELIANCE', 1_000), name: 'RELIANCE INDUSTRIES' })],
      keys: [],
      keyedElsewhere: new Set(['RELIANCE']),
      asOf,
    });
    expect(plan.updates).toEqual([{ symbol: 'RELIANCE', name: 'RELIANCE INDUSTRIES', lotSize: 2, tickSize: 1_000 }]);
    expect(plan.report.examples).toEqual(['RELIANCE: lot 1 → 2']);
  });

  it('matches a derivative by contract, not by symbol: another spelling of the same weekly keeps our instrument', () => {
    const ours = ce('NIFTY26D0826000CE', '2026-12-08');
    const theirs = { ...ce('NIFTY08DEC2626000CE', '2026-12-08'), name: ours.name, lotSize: 75 };
    const plan = planMasterImport({
      parsed: master([rec(theirs, 'NFO:NIFTY08DEC2626000CE')], 'openalgo'),
      stored: [stored(ours)],
      keys: [],
      keyedElsewhere: new Set(),
      asOf,
    });
    expect(plan.inserts).toEqual([]);
    expect(plan.updates).toEqual([{ symbol: 'NIFTY26D0826000CE', name: ours.name, lotSize: 75, tickSize: 500 }]);
    expect(plan.keyUpserts[0]).toMatchObject({ key: 'NFO:NIFTY08DEC2626000CE', symbol: 'NIFTY26D0826000CE' });
  });

  it('deactivates expired contracts (never deletes) and moves a reused instrument_key to the new contract', () => {
    const old = ce('NIFTY26D0126000CE', '2026-12-01');
    const next = ce('NIFTY26D0826000CE', '2026-12-08');
    // Upstox hands the expired contract's token (and so its instrument_key) to a new one.
    const plan = planMasterImport({
      parsed: master([rec(next, 'NSE_FO|40001')]),
      stored: [stored(old)],
      keys: [{ key: 'NSE_FO|40001', exchangeToken: '40001', brokerSymbol: old.symbol, brokerExchange: 'NFO', symbol: old.symbol }],
      keyedElsewhere: new Set(),
      asOf,
    });
    expect(plan.inserts.map((i) => i.symbol)).toEqual(['NIFTY26D0826000CE']);
    expect(plan.deactivate).toEqual(['NIFTY26D0126000CE']);
    expect(plan.keyDeletes).toEqual(['NSE_FO|40001']);
    expect(plan.keyUpserts).toEqual([expect.objectContaining({ key: 'NSE_FO|40001', symbol: 'NIFTY26D0826000CE' })]);
    expect(plan.report).toMatchObject({ added: 1, deactivated: 1, keys: { added: 0, changed: 1, removed: 0 } });
  });

  it('an instrument the broker no longer lists is deactivated unless another broker still keys it', () => {
    const a = rec(eq('AAA'), 'k-a');
    const b = rec(eq('BBB'), 'k-b');
    const plan = planMasterImport({
      parsed: master([], 'kite'),
      stored: [stored(eq('AAA')), stored(eq('BBB')), stored(eq('DEMO'))],
      keys: [keyOf(a), keyOf(b)],
      keyedElsewhere: new Set(['BBB']),
      asOf,
    });
    expect(plan.deactivate).toEqual(['AAA']);
    expect(plan.keyDeletes.sort()).toEqual(['k-a', 'k-b']);
    expect(plan.report.keys.removed).toBe(2);
  });

  it('a deactivated instrument listed again is active again (an update)', () => {
    const plan = planMasterImport({
      parsed: master([rec(eq('AAA'), 'k')]),
      stored: [stored(eq('AAA'), false)],
      keys: [],
      keyedElsewhere: new Set(),
      asOf,
    });
    expect(plan.updates.map((u) => u.symbol)).toEqual(['AAA']);
    expect(plan.report.examples).toEqual(['AAA: listed again']);
  });

  it('a new token for the same instrument replaces the old key', () => {
    const r = rec(eq('AAA'), 'new');
    const plan = planMasterImport({
      parsed: master([r], 'kite'),
      stored: [stored(eq('AAA'))],
      keys: [{ ...keyOf(r), key: 'old' }],
      keyedElsewhere: new Set(),
      asOf,
    });
    expect(plan.keyDeletes).toEqual(['old']);
    expect(plan.keyUpserts.map((k) => k.key)).toEqual(['new']);
    expect(plan.deactivate).toEqual([]);
  });

  it('records already expired are skipped, not added', () => {
    const plan = planMasterImport({
      parsed: master([rec(ce('X26D0126000CE', '2026-12-01'), 'k')]),
      stored: [],
      keys: [],
      keyedElsewhere: new Set(),
      asOf,
    });
    expect(plan.inserts).toEqual([]);
    expect(plan.report.skipped).toBe(1);
  });

  it('refuses the same instrument twice in one file, naming the second record', () => {
    const run = () =>
      planMasterImport({
        parsed: master([rec(eq('AAA'), 'k1', 'record 1'), rec(eq('AAA'), 'k2', 'record 9')]),
        stored: [],
        keys: [],
        keyedElsewhere: new Set(),
        asOf,
      });
    expect(run).toThrow(InstrumentMasterError);
    expect(run).toThrow(/record 9: AAA is listed twice \(first at record 1\)/);
  });

  it('refuses a symbol that already names another contract', () => {
    const run = () =>
      planMasterImport({
        parsed: master([rec(ce('NIFTY26D0826000CE', '2026-12-08', 250_000_000), 'k', 'record 3')]),
        stored: [stored(ce('NIFTY26D0826000CE', '2026-12-08'))],
        keys: [],
        keyedElsewhere: new Set(),
        asOf,
      });
    expect(run).toThrow(/record 3: NIFTY26D0826000CE already names another contract/);
  });
});
