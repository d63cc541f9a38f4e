import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { ModelCard, SignalDto } from '@tradeloop/contracts';
import { FEATURE_SET_V1, FeatureState, type Candle, type Timeframe } from '@tradeloop/domain';
import { hashFeatures, SignalEngine, DRIFT_MIN_VALUES, type DriftAlert } from './signal-engine';
import type { LiveModelSource } from './live-model';
import { barTimeOf, unpackBatch, type NewSignal } from './signals.repository';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 23, 4, 0);

/** A deterministic random walk of 1m bars (integer tick prices). */
function walk(n: number, seed: number, from = T0): Candle[] {
  let a = seed;
  const rand = () => ((a = (a * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  let close = 25_000_000;
  return Array.from({ length: n }, (_, i) => {
    const open = close;
    close = Math.max(1, Math.round(open * Math.exp((rand() - 0.5) * 0.004)));
    return { ts: from + i * MINUTE, open, high: Math.max(open, close) + 500, low: Math.min(open, close) - 500, close, volume: 100 + Math.round(rand() * 900) };
  });
}

const flat = (n: number, from = T0): Candle[] => Array.from({ length: n }, (_, i) => ({ ts: from + i * MINUTE, open: 25_000_000, high: 25_000_000, low: 25_000_000, close: 25_000_000, volume: 100 }));

function card(over: Partial<ModelCard> & Record<string, unknown> = {}): ModelCard {
  return {
    name: 'demo',
    version: '1',
    featureSetVersion: FEATURE_SET_V1.version,
    features: [...FEATURE_SET_V1.features].reverse(),
    target: 'label',
    horizon: 15,
    threshold: { buy: 0.6, sell: 0.4 },
    metrics: {},
    trainedAt: '2026-11-22T00:00:00Z',
    trainer: 'test',
    timeframe: '1m',
    ...over,
  } as ModelCard;
}

const model = (id: string, stage: LiveModelSource['stage'] = 'production', c: ModelCard = card()): LiveModelSource => ({ id, name: c.name, version: c.version, stage, card: c });

/** A harness with in-memory storage: what the engine stores, publishes and scores. */
function harness(history: Map<string, Candle[]>, now = T0 + 200 * MINUTE) {
  const stored: NewSignal[] = [];
  const published: SignalDto[] = [];
  const scored: { model: string; rows: Float32Array; n: number }[] = [];
  const alerts: DriftAlert[] = [];
  const registry = new Registry();
  let historyCalls = 0;
  let releaseHistory: (() => void) | null = null;
  const engine = new SignalEngine({
    // Score = a fixed function of the first input column, so expectations can be computed.
    score: async (m, rows, n) => {
      scored.push({ model: m.id, rows: rows.slice(), n });
      const cols = m.card.features.length;
      return Float32Array.from({ length: n }, (_, i) => 1 / (1 + Math.exp(-rows[i * cols]! * 10)));
    },
    store: async (batches) => {
      const signals = batches.flatMap(unpackBatch);
      const fresh = signals.filter((s) => !stored.some((o) => o.modelId === s.modelId && o.symbol === s.symbol && o.ts === s.ts));
      stored.push(...fresh);
      return fresh.map((s) => ({ id: s.id, modelId: s.modelId, modelVersion: s.modelVersion, stage: s.stage, symbol: s.symbol, ts: new Date(s.ts).toISOString(), score: s.score, signal: s.signal, featuresHash: s.featuresHash }));
    },
    publish: async (s) => void published.push(...s),
    history: async (_tf: Timeframe, before: number, count: number) => {
      historyCalls += 1;
      if (releaseHistory === null && historyGate) await new Promise<void>((r) => (releaseHistory = r));
      return new Map([...history].map(([sym, bars]) => [sym, bars.filter((b) => b.ts < before).slice(-count)]));
    },
    drift: async (a) => void alerts.push(a),
    logger: pino({ level: 'silent' }),
    registry,
    now: () => now,
  });
  let historyGate = false;
  return {
    engine,
    stored,
    published,
    scored,
    alerts,
    registry,
    gateHistory: () => (historyGate = true),
    release: () => releaseHistory?.(),
    historyCalls: () => historyCalls,
  };
}

const metric = async (registry: Registry, name: string, labels: Record<string, string>): Promise<number> => {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((s, v) => s + v.value, 0) ?? 0;
};

describe('SignalEngine', () => {
  const bars = { A: walk(201, 1), B: walk(201, 2) };
  const historyOf = (n: number) => new Map(Object.entries(bars).map(([s, b]) => [s, b.slice(0, n)]));
  const bucket = (i: number, symbols = Object.keys(bars)) => ({ timeframe: '1m' as const, ts: T0 + i * MINUTE, bars: new Map(symbols.map((s) => [s, bars[s as 'A']![i]!])) });

  it('primes from history, then scores every ready symbol in one call per model, in the card’s column order', async () => {
    const h = harness(historyOf(200));
    await h.engine.setModels([model('m1')]);
    const out = await h.engine.onBucket(bucket(200));
    expect(h.scored).toHaveLength(1);
    expect(h.scored[0]!.n).toBe(2);
    // The same FeatureState over the same series gives the row; the card lists features reversed.
    const expected = new FeatureState();
    let row: Float64Array | null = null;
    for (const b of bars.A) row = expected.update(b);
    const cols = FEATURE_SET_V1.features.length;
    const fed = Array.from(h.scored[0]!.rows.subarray(0, cols));
    const want = [...row!].reverse().map((v) => Math.fround(v));
    expect(fed.map((v, j) => v === want[j] || `${j}: ${v} vs ${want[j]}`).filter((x) => x !== true)).toEqual([]);
    expect(out.signals.map((s) => s.symbol).sort()).toEqual(['A', 'B']);
    const a = h.stored.find((s) => s.symbol === 'A')!;
    expect(a.featuresHash).toBe(hashFeatures(Float32Array.from(fed)));
    expect(a.score).toBeCloseTo(1 / (1 + Math.exp(-fed[0]! * 10)), 6);
    expect(a.signal).toBe(a.score >= 0.6 ? 'BUY' : a.score <= 0.4 ? 'SELL' : 'HOLD');
    expect(a.closeTicks).toBe(bars.A[200]!.close);
    expect(barTimeOf(a.id)).toBe(T0 + 200 * MINUTE);
    expect(h.published.map((s) => s.id).sort()).toEqual(out.signals.map((s) => s.id).sort());
  });

  it('a bucket it has already seen (a re-run, a second feed) produces nothing new', async () => {
    const h = harness(historyOf(200));
    await h.engine.setModels([model('m1')]);
    await h.engine.onBucket(bucket(200));
    const again = await h.engine.onBucket(bucket(200));
    expect(again.signals).toEqual([]);
    expect(h.stored).toHaveLength(2);
  });

  it('never feeds a non-finite row to a model: the bar is skipped and counted', async () => {
    const history = new Map([
      ['A', bars.A.slice(0, 200)],
      ['FLAT', flat(200)],
    ]);
    const h = harness(history);
    await h.engine.setModels([model('m1')]);
    const out = await h.engine.onBucket({ timeframe: '1m', ts: T0 + 200 * MINUTE, bars: new Map([['A', bars.A[200]!], ['FLAT', flat(201)[200]!]]) });
    expect(out.signals.map((s) => s.symbol)).toEqual(['A']);
    expect(h.scored[0]!.n).toBe(1);
    expect(Array.from(h.scored[0]!.rows).every(Number.isFinite)).toBe(true);
    expect(await metric(h.registry, 'ml_signals_skipped_total', { reason: 'non_finite_features' })).toBe(1);
  });

  it('symbols still warming up give no signal and are not counted as skipped', async () => {
    const h = harness(new Map([['A', bars.A.slice(0, 50)]]));
    await h.engine.setModels([model('m1')]);
    const out = await h.engine.onBucket(bucket(50, ['A']));
    expect(out.signals).toEqual([]);
    expect(h.scored).toHaveLength(0);
    expect(await metric(h.registry, 'ml_signals_skipped_total', {})).toBe(0);
  });

  it('production and shadow models both score the same bars; each signal carries its stage and version', async () => {
    const h = harness(historyOf(200));
    await h.engine.setModels([model('prod', 'production'), model('shadow', 'shadow', card({ version: '2' }))]);
    const out = await h.engine.onBucket(bucket(200));
    expect(h.scored.map((s) => s.model).sort()).toEqual(['prod', 'shadow']);
    expect(out.signals.map((s) => `${s.modelId}:${s.stage}:${s.modelVersion}`).sort()).toEqual(['prod:production:1', 'prod:production:1', 'shadow:shadow:2', 'shadow:shadow:2']);
  });

  it('leaves out a model whose card cannot run live, and runs the others', async () => {
    const h = harness(historyOf(200));
    await h.engine.setModels([model('bad', 'production', card({ features: ['no_such_feature'] })), model('tf', 'production', card({ timeframe: '2m' })), model('ok')]);
    expect(h.engine.models.map((m) => m.source.id)).toEqual(['ok']);
  });

  it('buckets that close while history is loading are applied after it, in order', async () => {
    const h = harness(historyOf(200));
    h.gateHistory();
    const priming = h.engine.setModels([model('m1')]);
    await Promise.resolve();
    const early = await h.engine.onBucket(bucket(200));
    expect(early.signals).toEqual([]);
    h.release();
    await priming;
    expect(h.stored.map((s) => s.ts)).toEqual([T0 + 200 * MINUTE, T0 + 200 * MINUTE]);
  });

  it('raises one drift alert per model and feature a day when live inputs leave the training distribution', async () => {
    // Training said ret_1 is always far below anything live: every live value lands in the top bin.
    const c = card({ featureDistribution: { features: [...FEATURE_SET_V1.features].reverse().map((name) => ({ name, edges: name === 'ret_1' ? [-50] : [], proportions: name === 'ret_1' ? [1, 0] : [1] })) } });
    const many = new Map(Array.from({ length: 60 }, (_, k) => [`S${k}`, walk(230, k + 10)]));
    const h = harness(new Map([...many].map(([s, b]) => [s, b.slice(0, 200)])));
    await h.engine.setModels([model('m1', 'production', c)]);
    for (let i = 200; i < 230; i += 1) await h.engine.onBucket({ timeframe: '1m', ts: T0 + i * MINUTE, bars: new Map([...many].map(([s, b]) => [s, b[i]!])) });
    expect(60 * 30).toBeGreaterThan(DRIFT_MIN_VALUES);
    expect(h.alerts.map((a) => a.feature)).toEqual(['ret_1']);
    expect(h.alerts[0]!.psi).toBeGreaterThan(0.25);
    expect(await metric(h.registry, 'ml_feature_psi', { feature: 'rsi_14' })).toBe(0);
  });
});
