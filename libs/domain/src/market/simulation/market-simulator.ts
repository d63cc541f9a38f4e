import { DomainError } from '../../errors';
import type { Instrument } from '../instruments';
import { DEMO_EQUITIES, DEMO_INDICES } from '../demo-universe';
import { PRICE_SCALE, type PriceTicks } from '../price';
import { DEPTH_LEVELS, type DepthLevel, type MarketDepth } from '../depth';
import { istDayStart, intradayIntensity, SESSION_SECONDS } from './nse-session';
import { blackScholes } from './black-scholes';
import { hash32, SeededRandom } from './random';

/** One simulated market update: a trade at `ltp` with the touch around it. */
export interface SimTick {
  symbol: string;
  ts: number;
  ltp: PriceTicks;
  bid: PriceTicks;
  ask: PriceTicks;
  /** Units traded by this tick. */
  quantity: number;
  /** Units traded today (IST day) up to and including this tick. */
  volume: number;
  /** Last price of the previous IST day (or the start price). */
  prevClose: PriceTicks;
  /** Per-symbol sequence number, 1, 2, 3… for this simulator's lifetime. */
  seq: number;
  /** The book's top DEPTH_LEVELS levels a side when the source reports them (indices have none). */
  depth?: MarketDepth;
}

/** Where an instrument starts: its last known price (e.g. the latest stored close). */
export type StartPrices = ReadonlyMap<string, { price: PriceTicks; prevClose?: PriceTicks }>;

const SECONDS_PER_YEAR = 365 * 86_400;
/** Model seconds between two books of one instrument. */
const DEPTH_EVERY_S = 0.1;
const RISK_FREE = 0.065;
const BANK_NAMES = new Set(['HDFCBANK', 'ICICIBANK', 'SBIN', 'KOTAKBANK', 'AXISBANK', 'INDUSINDBK']);
const LARGE_CAPS = new Set(['RELIANCE', 'TCS', 'HDFCBANK', 'INFY', 'ICICIBANK', 'SBIN', 'BHARTIARTL', 'ITC', 'LT', 'AXISBANK']);

/** Log-volatility as an Ornstein–Uhlenbeck process: volatility clusters, then reverts. */
class StochasticVol {
  private h: number;
  constructor(
    private readonly mean: number,
    private readonly volOfVol = 0.35,
    private readonly halfLifeSeconds = 1_200,
  ) {
    this.h = mean;
  }
  /** Advances by `dt` seconds and returns σ per √second. */
  step(dt: number, rnd: SeededRandom): number {
    const decay = Math.exp((-dt * Math.LN2) / this.halfLifeSeconds);
    this.h = this.mean + (this.h - this.mean) * decay + this.volOfVol * Math.sqrt(1 - decay * decay) * rnd.normal();
    return Math.exp(this.h);
  }
  get sigma(): number {
    return Math.exp(this.h);
  }
  /** Current volatility relative to its long-run level. */
  get ratio(): number {
    return Math.exp(this.h - this.mean);
  }
}

/** A per-second σ from an annual one (σ_year / √(seconds traded per year)). */
const perSecond = (annual: number) => annual / Math.sqrt(252 * SESSION_SECONDS);

interface IndexFactor {
  symbol: string;
  logLevel: number;
  vol: StochasticVol;
  /** Implied volatility of its options at the money, annualised. */
  atmIv: number;
}

interface SimState {
  instrument: Instrument;
  kind: 'EQ' | 'INDEX' | 'FUT' | 'CE' | 'PE';
  factor: IndexFactor | null;
  beta: number;
  idio: StochasticVol | null;
  logPrice: number;
  /** The factor's log level when this instrument last moved (its beta share since then is due). */
  factorMark: number;
  lastT: number;
  ltp: PriceTicks;
  prevClose: PriceTicks;
  day: number;
  volume: number;
  seq: number;
  weight: number;
  /** Trade size granularity in units (1 share, or the derivative's lot). */
  clip: number;
  /** Average units traded per second of session time (scaled by the intraday profile). */
  unitsPerSecond: number;
  spreadBps: number;
  /** Model time of the last book drawn (-Infinity: none yet). */
  depthT: number;
}

export interface MarketSimulatorOptions {
  seed: number;
  instruments: readonly Instrument[];
  start?: StartPrices;
}

/**
 * A deterministic intraday market: two index factors (NIFTY, BANKNIFTY; correlated) with
 * clustered volatility; equities move with their index by a beta plus their own clustered noise;
 * futures are the index carried to expiry; options are Black–Scholes on the index with a smile
 * whose level follows the index's current volatility. Prices land on each instrument's tick size,
 * volume follows the NSE intraday U shape, the bid/ask spread widens with volatility.
 *
 * Time is the caller's: `advance(dt)` moves the model clock, `tick(i, ts)` prints instrument i at
 * wall time `ts`. Same seed and same calls → same ticks. Each instrument is evaluated lazily (its
 * move since it last printed is drawn in one step), so a tick costs O(1) however large the universe.
 */
export class MarketSimulator {
  private readonly rnd: SeededRandom;
  /** Depth draws come from their own stream, so adding depth left every price path as it was. */
  private readonly depthRnd: SeededRandom;
  private readonly factors = new Map<string, IndexFactor>();
  private readonly states: SimState[];
  private readonly cumulative: Float64Array;
  private t = 0;

  constructor(opts: MarketSimulatorOptions) {
    if (opts.instruments.length === 0) throw new DomainError('VALIDATION_FAILED', 'The simulator needs at least one instrument');
    this.rnd = new SeededRandom(opts.seed);
    this.depthRnd = new SeededRandom(opts.seed ^ 0x5eed_d3b7);
    const start = opts.start ?? new Map();
    for (const idx of DEMO_INDICES) {
      const level = start.get(idx.symbol)?.price ?? idx.level * PRICE_SCALE;
      this.factors.set(idx.symbol, {
        symbol: idx.symbol,
        logLevel: Math.log(level),
        vol: new StochasticVol(Math.log(perSecond(idx.symbol === 'NIFTY' ? 0.13 : 0.17))),
        atmIv: idx.symbol === 'NIFTY' ? 0.12 : 0.15,
      });
    }
    const equityPrice = new Map(DEMO_EQUITIES.map(([s, , p]) => [s, p * PRICE_SCALE]));
    const futureRank = rankFutures(opts.instruments);
    this.states = opts.instruments.map((instrument) => this.initialState(instrument, start, equityPrice, futureRank));
    this.cumulative = new Float64Array(this.states.length);
    let sum = 0;
    this.states.forEach((s, i) => (this.cumulative[i] = sum += s.weight));
  }

  get size(): number {
    return this.states.length;
  }

  symbolAt(i: number): string {
    return this.states[i]!.instrument.symbol;
  }

  /** Moves the model clock by `dt` seconds; the index factors evolve with it. */
  advance(dt: number): void {
    if (!(dt >= 0) || !Number.isFinite(dt)) throw new RangeError(`dt must be a finite non-negative number, got ${dt}`);
    if (dt === 0) return;
    this.t += dt;
    const nifty = this.factors.get('NIFTY')!;
    const bank = this.factors.get('BANKNIFTY')!;
    const zMarket = this.rnd.normal();
    const zBank = 0.75 * zMarket + 0.66 * this.rnd.normal(); // ρ ≈ 0.75
    for (const [f, z] of [
      [nifty, zMarket],
      [bank, zBank],
    ] as const) {
      const sigma = f.vol.step(dt, this.rnd);
      f.logLevel += -0.5 * sigma * sigma * dt + sigma * Math.sqrt(dt) * z;
    }
  }

  /** Picks the next instrument to print, in proportion to its liquidity. */
  pick(): number {
    const total = this.cumulative[this.cumulative.length - 1]!;
    const x = this.rnd.uniform() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The next tick of a live feed at `ratePerSecond` ticks per second: advance, pick, print. */
  next(ts: number, ratePerSecond: number): SimTick {
    this.advance(1 / ratePerSecond);
    return this.tick(this.pick(), ts);
  }

  /** Prints instrument `i` at wall time `ts` (epoch ms). */
  tick(i: number, ts: number): SimTick {
    const s = this.states[i];
    if (!s) throw new RangeError(`no instrument at ${i}`);
    const day = istDayStart(ts);
    if (day !== s.day) {
      if (s.seq > 0) s.prevClose = s.ltp;
      s.day = day;
      s.volume = 0;
    }
    const elapsed = this.t - s.lastT;
    const fair = this.fairPrice(s, ts);
    const tickSize = s.instrument.tickSize;
    const ltp = Math.max(tickSize, Math.round(fair / tickSize) * tickSize);
    const vol = s.idio?.ratio ?? s.factor?.vol.ratio ?? 1;
    const spreadTicks = Math.max(1, Math.round((ltp * s.spreadBps * vol) / 10_000 / tickSize));
    const below = Math.floor(this.rnd.uniform() * (spreadTicks + 1));
    const bid = Math.max(tickSize, ltp - below * tickSize);
    const ask = bid + spreadTicks * tickSize;
    // Volume scales with the time since the last print (so it does not depend on the tick rate),
    // with the U-shaped day, and with volatility; lognormal noise (mean 1) on top.
    const expected = s.unitsPerSecond * elapsed * intradayIntensity(ts) * vol;
    const lots = Math.max(1, Math.round((expected * Math.exp(0.8 * this.rnd.normal() - 0.32)) / s.clip));
    const quantity = s.kind === 'INDEX' ? 0 : lots * s.clip;
    s.ltp = ltp;
    s.volume += quantity;
    s.seq += 1;
    const out: SimTick = { symbol: s.instrument.symbol, ts, ltp, bid, ask, quantity, volume: s.volume, prevClose: s.prevClose, seq: s.seq };
    // A book at most every DEPTH_EVERY_S of model time per instrument (nobody reads books faster);
    // it is drawn around this tick's touch, so its best bid and ask are the tick's.
    if (s.kind !== 'INDEX' && !(this.t - s.depthT < DEPTH_EVERY_S)) {
      s.depthT = this.t;
      out.depth = this.depthAround(bid, ask, tickSize, s);
    }
    return out;
  }

  /**
   * A book around the touch: DEPTH_LEVELS levels a side, one tick apart, the best bid and ask
   * exactly the tick's bid and ask; sizes in whole lots, in proportion to how much the instrument
   * trades (about half a second's volume a lot), thicker away from the touch.
   */
  private depthAround(bid: PriceTicks, ask: PriceTicks, tickSize: number, s: SimState): MarketDepth {
    const clip = s.clip;
    const unit = Math.max(clip, Math.round((s.unitsPerSecond * 0.5) / clip) * clip);
    const side = (best: PriceTicks, step: number): DepthLevel[] => {
      const levels: DepthLevel[] = [];
      for (let k = 0; k < DEPTH_LEVELS; k += 1) {
        const price = best + step * k * tickSize;
        if (price < tickSize) break;
        const quantity = unit * (1 + Math.floor(this.depthRnd.uniform() * (8 + 6 * k)));
        // At least one order, at most one per lot resting.
        const orders = 1 + Math.floor(this.depthRnd.uniform() * Math.min(quantity / clip, 6 + 8 * k));
        levels.push({ price, quantity, orders });
      }
      return levels;
    };
    return { bids: side(bid, -1), asks: side(ask, 1) };
  }

  private fairPrice(s: SimState, ts: number): number {
    const elapsed = this.t - s.lastT;
    s.lastT = this.t;
    const f = s.factor;
    switch (s.kind) {
      case 'INDEX':
        return Math.exp(f!.logLevel);
      case 'FUT': {
        const years = Math.max(0, yearsTo(s.instrument.expiry!, ts));
        return Math.exp(f!.logLevel) * Math.exp(RISK_FREE * years);
      }
      case 'CE':
      case 'PE': {
        const spot = Math.exp(f!.logLevel);
        const strike = s.instrument.strike!;
        const years = yearsTo(s.instrument.expiry!, ts);
        const moneyness = Math.log(strike / spot);
        // Smile: puts below spot and far strikes trade richer; the level follows realised vol.
        const iv = f!.atmIv * Math.sqrt(f!.vol.ratio) * (1 + 2.5 * moneyness * moneyness - 0.6 * moneyness);
        return blackScholes(s.kind, spot, strike, years, Math.max(0.03, iv), RISK_FREE);
      }
      default: {
        const sigma = s.idio!.step(elapsed, this.rnd);
        const marketMove = f ? s.beta * (f.logLevel - s.factorMark) : 0;
        if (f) s.factorMark = f.logLevel;
        s.logPrice += marketMove - 0.5 * sigma * sigma * elapsed + sigma * Math.sqrt(elapsed) * this.rnd.normal();
        return Math.exp(s.logPrice);
      }
    }
  }

  private initialState(
    instrument: Instrument,
    start: StartPrices,
    equityPrice: Map<string, number>,
    futureRank: Map<string, number>,
  ): SimState {
    const h = hash32(instrument.symbol);
    const u = (k: number) => ((h >>> k) & 0xff) / 255; // stable per-symbol parameters
    const kind = instrument.instrumentType;
    const factorSymbol =
      kind === 'EQ'
        ? BANK_NAMES.has(instrument.symbol)
          ? 'BANKNIFTY'
          : 'NIFTY'
        : kind === 'INDEX'
          ? instrument.symbol
          : (instrument.underlying ?? 'NIFTY');
    const factor = this.factors.get(factorSymbol) ?? this.factors.get('NIFTY')!;
    const known = start.get(instrument.symbol);
    const startPrice = known?.price ?? equityPrice.get(instrument.symbol) ?? 1_000 * PRICE_SCALE;
    let weight: number;
    const clip = instrument.lotSize;
    let spreadBps = 3;
    let unitsPerDay = 0;
    if (kind === 'EQ') {
      const large = LARGE_CAPS.has(instrument.symbol);
      weight = large ? 4 : 1.5;
      spreadBps = large ? 2 : 4;
      unitsPerDay = ((large ? 1_200 : 300) * 1e7 * PRICE_SCALE) / startPrice; // ₹1,200 / ₹300 crore a day
    } else if (kind === 'INDEX') {
      weight = 3;
      spreadBps = 0;
    } else if (kind === 'FUT') {
      const order = futureRank.get(instrument.symbol) ?? 0;
      weight = order === 0 ? 6 : order === 1 ? 1.5 : 0.5;
      spreadBps = 1;
      unitsPerDay = 100_000 * clip * (order === 0 ? 1 : order === 1 ? 0.1 : 0.02);
    } else {
      const spot = Math.exp(factor.logLevel);
      const distance = Math.abs(Math.log(instrument.strike! / spot)) / 0.0025; // ≈ strikes from ATM
      weight = 2 * Math.exp(-distance / 6) + 0.02;
      spreadBps = 40;
      unitsPerDay = 400_000 * clip * Math.exp(-distance / 6);
    }
    const idio = kind === 'EQ' ? new StochasticVol(Math.log(perSecond(0.18 + 0.14 * u(0)))) : null;
    return {
      instrument,
      kind,
      factor,
      beta: kind === 'EQ' ? 0.6 + 0.8 * u(8) : 1,
      idio,
      logPrice: Math.log(startPrice),
      factorMark: factor.logLevel,
      lastT: 0,
      ltp: startPrice,
      prevClose: known?.prevClose ?? startPrice,
      day: Number.NaN,
      volume: 0,
      seq: 0,
      weight,
      clip,
      unitsPerSecond: unitsPerDay / SESSION_SECONDS,
      spreadBps,
      depthT: Number.NEGATIVE_INFINITY,
    };
  }
}

/** Years from `ts` to 15:30 IST on the expiry date. */
function yearsTo(expiry: string, ts: number): number {
  const close = Date.parse(`${expiry}T10:00:00Z`); // 15:30 IST
  return (close - ts) / 1000 / SECONDS_PER_YEAR;
}

/** Per underlying, 0 for the nearest future, 1 for the next… (liquidity concentrates in the near month). */
function rankFutures(instruments: readonly Instrument[]): Map<string, number> {
  const byUnderlying = new Map<string, Instrument[]>();
  for (const i of instruments) {
    if (i.instrumentType !== 'FUT') continue;
    const key = i.underlying ?? '';
    byUnderlying.set(key, [...(byUnderlying.get(key) ?? []), i]);
  }
  const rank = new Map<string, number>();
  for (const list of byUnderlying.values()) {
    list.sort((a, b) => (a.expiry ?? '').localeCompare(b.expiry ?? '')).forEach((f, k) => rank.set(f.symbol, k));
  }
  return rank;
}
