import type { Instrument } from '@tradeloop/domain';
import { InstrumentMasterError, type BrokerKey, type MasterBroker, type ParsedMaster } from './master-record';

/** An instrument as stored, with whether it is still tradable. */
export interface StoredInstrument extends Omit<Instrument, 'active'> {
  active: boolean;
}

/** A stored broker key and the instrument it names. */
export interface StoredBrokerKey extends BrokerKey {
  symbol: string;
}

/** What one import changed (or would change), for the audit log and the admin. */
export interface MasterImportReport {
  broker: MasterBroker;
  asOf: string;
  /** Data rows in the file; `skipped`: other exchanges or types, and contracts already expired. */
  rows: number;
  skipped: number;
  added: number;
  /** Lot size, tick size or name changed, or a contract listed again after it was deactivated. */
  updated: number;
  deactivated: number;
  unchanged: number;
  /** This broker's keys: new, moved to another instrument or changed (token reuse), dropped. */
  keys: { added: number; changed: number; removed: number };
  /** A few of the updates, for a human (`RELIANCE: tick 500 → 1000`). */
  examples: string[];
}

export interface InstrumentUpdate {
  symbol: string;
  name: string;
  lotSize: number;
  tickSize: number;
}

/** The set-based writes one import makes, all in one transaction. */
export interface MasterPlan {
  inserts: Instrument[];
  updates: InstrumentUpdate[];
  deactivate: string[];
  /** This broker's keys to delete before the upserts (vanished, or now naming another instrument). */
  keyDeletes: string[];
  keyUpserts: StoredBrokerKey[];
  report: MasterImportReport;
}

const contract = (i: Pick<Instrument, 'exchange' | 'instrumentType' | 'underlying' | 'expiry' | 'strike'>) =>
  `${i.exchange}|${i.instrumentType}|${i.underlying}|${i.expiry}|${i.strike ?? ''}`;
const derivative = (i: Pick<Instrument, 'instrumentType'>) =>
  i.instrumentType === 'FUT' || i.instrumentType === 'CE' || i.instrumentType === 'PE';
const sameKey = (a: BrokerKey, b: BrokerKey) =>
  a.key === b.key &&
  (a.exchangeToken ?? null) === (b.exchangeToken ?? null) &&
  a.brokerSymbol === b.brokerSymbol &&
  a.brokerExchange === b.brokerExchange;
const EXAMPLES = 20;

/**
 * One broker's parsed master against what we store → the writes and the report. Pure.
 *
 * - A record is the stored instrument of the same contract (derivatives: exchange, type,
 *   underlying, expiry, strike — never the symbol or a broker token, which brokers spell or reuse
 *   differently), else of the same symbol (cash, indices), else a new instrument.
 * - Lot size and tick size follow the master, and so does the name while no other broker keys
 *   the instrument; a listed contract that was deactivated is active again.
 * - Deactivated (never deleted: orders keep their instrument): every active contract expired
 *   before `asOf`, and every instrument this broker listed before and no longer lists that no
 *   other broker keys either.
 * - Keys: `(broker, key)` and `(broker, instrument)` are each unique. A key that now names another
 *   contract (Upstox reuses tokens after expiry) moves; the old contract loses it.
 * - The same instrument twice in one file is malformed: the import stops, naming the record.
 */
export function planMasterImport(input: {
  parsed: ParsedMaster;
  stored: readonly StoredInstrument[];
  /** This broker's stored keys. */
  keys: readonly StoredBrokerKey[];
  /** Symbols keyed by any other broker. */
  keyedElsewhere: ReadonlySet<string>;
  /** Today, YYYY-MM-DD (IST). */
  asOf: string;
}): MasterPlan {
  const { parsed, asOf } = input;
  const bySymbol = new Map<string, StoredInstrument>();
  const byContract = new Map<string, StoredInstrument>();
  for (const s of input.stored) {
    bySymbol.set(s.symbol, s);
    if (derivative(s)) byContract.set(contract(s), s);
  }
  const report: MasterImportReport = {
    broker: parsed.broker,
    asOf,
    rows: parsed.rows,
    skipped: parsed.skipped,
    added: 0,
    updated: 0,
    deactivated: 0,
    unchanged: 0,
    keys: { added: 0, changed: 0, removed: 0 },
    examples: [],
  };
  const inserts: Instrument[] = [];
  const updates: InstrumentUpdate[] = [];
  const desired = new Map<string, StoredBrokerKey>(); // by key
  const claimed = new Map<string, string>(); // symbol → where in the file
  const insertedContracts = new Map<string, string>();

  for (const r of parsed.records) {
    const i = r.instrument;
    if (i.expiry && i.expiry < asOf) {
      report.skipped++;
      continue;
    }
    const target = derivative(i) ? byContract.get(contract(i)) : bySymbol.get(i.symbol);
    if (!target && derivative(i)) {
      const sameSymbol = bySymbol.get(i.symbol);
      if (sameSymbol)
        throw new InstrumentMasterError(parsed.broker, r.at, `${i.symbol} already names another contract (${contract(sameSymbol)})`);
    }
    const symbol = target?.symbol ?? i.symbol;
    const first = claimed.get(symbol);
    if (first) throw new InstrumentMasterError(parsed.broker, r.at, `${symbol} is listed twice (first at ${first})`);
    claimed.set(symbol, r.at);
    if (!target) {
      if (derivative(i)) {
        const dup = insertedContracts.get(contract(i));
        if (dup) throw new InstrumentMasterError(parsed.broker, r.at, `the contract of ${i.symbol} is listed twice (first at ${dup})`);
        insertedContracts.set(contract(i), r.at);
      }
      inserts.push(i);
      report.added++;
    } else {
      const changes: string[] = [];
      if (target.lotSize !== i.lotSize) changes.push(`lot ${target.lotSize} → ${i.lotSize}`);
      if (target.tickSize !== i.tickSize) changes.push(`tick ${target.tickSize} → ${i.tickSize}`);
      // Brokers spell names differently ('RELIANCE INDUSTRIES' / '… LTD'): the name follows the
      // master only while no other broker keys the instrument, so two masters never flip it daily.
      const name = input.keyedElsewhere.has(symbol) ? target.name : i.name;
      if (target.name !== name) changes.push('name');
      if (!target.active) changes.push('listed again');
      if (changes.length) {
        updates.push({ symbol, name, lotSize: i.lotSize, tickSize: i.tickSize });
        report.updated++;
        if (report.examples.length < EXAMPLES) report.examples.push(`${symbol}: ${changes.join(', ')}`);
      } else report.unchanged++;
    }
    const k = r.brokerKey;
    desired.set(k.key, {
      key: k.key,
      exchangeToken: k.exchangeToken,
      brokerSymbol: k.brokerSymbol,
      brokerExchange: k.brokerExchange,
      symbol,
    });
  }

  const storedKeys = new Map(input.keys.map((k) => [k.key, k]));
  const keyDeletes: string[] = [];
  const lostKey = new Set<string>();
  for (const k of input.keys) {
    const want = desired.get(k.key);
    if (want?.symbol === k.symbol) continue;
    keyDeletes.push(k.key);
    if (!want) report.keys.removed++;
    lostKey.add(k.symbol);
  }
  const keyUpserts: StoredBrokerKey[] = [];
  for (const want of desired.values()) {
    const have = storedKeys.get(want.key);
    lostKey.delete(want.symbol);
    if (have && have.symbol === want.symbol && sameKey(have, want)) continue;
    keyUpserts.push(want);
    if (have) report.keys.changed++;
    else report.keys.added++;
  }

  const deactivate: string[] = [];
  for (const s of input.stored) {
    if (!s.active || claimed.has(s.symbol)) continue;
    const expired = s.expiry !== undefined && s.expiry < asOf;
    const delisted = lostKey.has(s.symbol) && !input.keyedElsewhere.has(s.symbol);
    if (expired || delisted) deactivate.push(s.symbol);
  }
  report.deactivated = deactivate.length;
  return { inserts, updates, deactivate, keyDeletes, keyUpserts, report };
}
