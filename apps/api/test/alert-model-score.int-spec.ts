import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { MarketContextLoader } from '@tradeloop/alerts';
import { demoUniverse, TIMEFRAME_MS, type SignalVerdict, type Timeframe } from '@tradeloop/domain';
import type { Redis } from 'ioredis';
import { InstrumentsRepository, marketKeys } from '@tradeloop/market';
import { SignalsRepository } from '@tradeloop/ml';
import { Db, REDIS } from '@tradeloop/platform';
import { signedIn, useTestApi } from './support/test-api';

/**
 * Engine B's ml agent reads the production model's score (docs/alerts.md "Engines"): the
 * MarketContext carries the newest stored signal of a model in production now, for the symbol,
 * at its last closed bar, with the card's thresholds; a stale one, or one of a model no longer in
 * production, is none (the agent is neutral). Signals are written as the live signal engine
 * stores them (SignalsRepository.insertMany); time is passed in, so nothing depends on the clock.
 */
const { api, ctx } = useTestApi();
const sql = () => api.app.get(Db).sql;
const SYMBOL = 'INFY';
const NOW = Date.UTC(2026, 11, 7, 5, 0, 0); // 10:30 IST, a bar boundary of every intraday timeframe

async function model(name: string, stage: string, threshold = { buy: 0.6, sell: 0.4 }) {
  const id = randomUUID();
  await sql().rows(
    `INSERT INTO models (id, name, version, stage, feature_set_version, card, checksum, size_bytes, artifact, created_by)
     VALUES ($1, $2, '1', $3, 'v1', $4, $5, 1, 'none', NULL)`,
    [id, name, stage, JSON.stringify({ threshold, timeframe: '5m' }), 'a'.repeat(64)],
  );
  return { id, name };
}

async function signal(m: { id: string; name: string }, timeframe: Timeframe, ts: number, score: number, symbol = SYMBOL) {
  const verdict: SignalVerdict = score >= 0.6 ? 'BUY' : score <= 0.4 ? 'SELL' : 'HOLD';
  await api.app.get(SignalsRepository).insertMany([
    {
      id: uuidv7({ msecs: ts }), // signal ids carry their bar time
      modelId: m.id,
      modelName: m.name,
      modelVersion: '1',
      stage: 'production',
      symbol,
      timeframe,
      ts,
      score,
      signal: verdict,
      closeTicks: 15_000_000,
      features: new Float32Array([1, 2]),
      featuresHash: 'b'.repeat(64),
    },
  ]);
}

let userId: string;

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date(NOW)));
  userId = (await signedIn(api, ['trader'])).user.id;
  // A price, as the feed stores it (no feed runs in this file): the loader needs one.
  const tick = [SYMBOL, NOW, 15_000_000, 15_000_000, 15_000_500, 0, 15_000_000, 1];
  await api.app.get<Redis>(REDIS).hset(marketKeys(ctx.config.REDIS_PREFIX).quotes, SYMBOL, JSON.stringify(tick));
});

const contextModel = async (now = NOW) => (await api.app.get(MarketContextLoader).load(userId, SYMBOL, now)).model;

describe('the ml agent’s input: the production model’s score in the MarketContext', () => {
  it('none: no production model has scored the symbol', async () => {
    expect(await contextModel()).toBeNull();
  });

  it('the newest fresh signal of a production model, with its card’s thresholds; a stale one or a demoted model’s is none', async () => {
    const m = await model(`score-${randomUUID().slice(0, 6)}`, 'production', { buy: 0.7, sell: 0.3 });
    const bar = NOW - TIMEFRAME_MS['5m']; // the last closed 5m bar started here
    await signal(m, '5m', bar - TIMEFRAME_MS['5m'], 0.2);
    await signal(m, '5m', bar, 0.81);
    await signal(m, '5m', bar, 0.5, 'TCS'); // another symbol's signal of the same bar is its own
    expect(await contextModel()).toEqual({ score: expect.closeTo(0.81, 10), thresholds: { buy: 0.7, sell: 0.3 } });
    // Two bars later with nothing new: stale, so none.
    expect(await contextModel(NOW + 2 * TIMEFRAME_MS['5m'] + 61_000)).toBeNull();
    // Demoted: its signals no longer speak for production.
    await sql().rows(`UPDATE models SET stage = 'archived' WHERE id = $1`, [m.id]);
    expect(await contextModel()).toBeNull();
  });
});
