import { DomainError } from '../../errors';
import type { Instrument } from '../instruments';
import { DEMO_EQUITIES, DEMO_INDICES } from '../demo-universe';
import { PRICE_SCALE, type PriceTicks } from '../price';
import { DEPTH_LEVELS, type DepthLevel, type MarketDepth } from '../depth';
import { istDayStart, intradayIntensity, SESSION_SECONDS } from './nse-session';
import { derivativeLiquidity, derivativePreviousClose, derivativeValue, INDEX_VOLATILITY } from './derivative-model';
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

/** Model seconds between two books of one instrument. */
const DEPTH_EVERY_S = 0.1;
/** An index prints on 5 paise. */
const INDEX_TICK = 500;
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
  /** The index's close before the first simulated day (the start's previous close, else its start level). */
  startPrevClose: PriceTicks;
  /** The index's previous close for the current IST day (what its derivatives' previous closes are priced on). */
  prevClose: PriceTicks;
  /** The index's last printed level (null until it prints): at a new IST day it becomes the previous close. */
  printed: PriceTicks | null;
  /** While steered: the log level the index is held at. */
  pinned: number | null;
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
  /** False once delisted: it is no longer picked (a direct `tick` still prints it). */
  listed: boolean;
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
 * whose level follows the index's current volatility (derivative-model.ts). Prices land on each
 * instrument's tick size, volume follows the NSE intraday U shape, the bid/ask spread widens with
 * volatility. A future's or option's previous close is the model's price on the index's previous
 * close (never what it last printed, nor a stored placeholder), so its day change is the model's.
 * The listing may change while it runs (`list`, `delist`: the daily roll of strikes).
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
  private readonly indexOf = new Map<string, number>();
  private readonly equityPrice: Map<string, number>;
  private readonly start: StartPrices;
  private cumulative: Float64Array;
  private t = 0;
  /** The IST day of the latest print (NaN before the first). */
  private day = Number.NaN;

  constructor(opts: MarketSimulatorOptions) {
    if (opts.instruments.length === 0) throw new DomainError('VALIDATION_FAILED', 'The simulator needs at least one instrument');
    this.rnd = new SeededRandom(opts.seed);
    this.depthRnd = new SeededRandom(opts.seed ^ 0x5eed_d3b7);
    const start = opts.start ?? new Map();
    this.start = start;
    for (const idx of DEMO_INDICES) {
      const known = start.get(idx.symbol);
      const level = known?.price ?? idx.level * PRICE_SCALE;
      const prevClose = known?.prevClose ?? level;
      this.factors.set(idx.symbol, {
        symbol: idx.symbol,
        logLevel: Math.log(level),
        vol: new StochasticVol(Math.log(perSecond(INDEX_VOLATILITY[idx.symbol]!.annualVol))),
        startPrevClose: prevClose,
        prevClose,
        printed: null,
        pinned: null,
      });
    }
    this.equityPrice = new Map(DEMO_EQUITIES.map(([s, , p]) => [s, p * PRICE_SCALE]));
    const futureRank = rankFutures(opts.instruments);
    this.states = [];
    for (const instrument of opts.instruments) {
      if (this.indexOf.has(instrument.symbol)) continue;
      this.indexOf.set(instrument.symbol, this.states.length);
      this.states.push(this.initialState(instrument, futureRank));
    }
    this.cumulative = new Float64Array(0);
    this.reweigh();
  }

  /** The cumulative print weights `pick` searches (delisted instruments weigh nothing). */
  private reweigh(): void {
    this.cumulative = new Float64Array(this.states.length);
    let sum = 0;
    this.states.forEach((s, i) => (this.cumulative[i] = sum += s.listed ? s.weight : 0));
  }

  /** Where `symbol` is in this simulator (for `tick`), or undefined. */
  indexOfSymbol(symbol: string): number | undefined {
    return this.indexOf.get(symbol);
  }

  /**
   * Lists instruments from now on (the daily roll of the simulated listing): new ones start from
   * the model (an index's derivatives from the index's current level), delisted ones come back
   * where they were. Futures' liquidity is re-ranked by expiry among the listed ones. Returns how
   * many were new.
   */
  list(instruments: readonly Instrument[]): number {
    let added = 0;
    for (const instrument of instruments) {
      const at = this.indexOf.get(instrument.symbol);
      if (at !== undefined) {
        this.states[at]!.listed = true;
        continue;
      }
      this.indexOf.set(instrument.symbol, this.states.length);
      const s = this.initialState(instrument, new Map());
      s.lastT = this.t; // nothing is due from before it was listed
      this.states.push(s);
      added += 1;
    }
    this.rerankFutures();
    this.reweigh();
    return added;
  }

  /** Stops picking these instruments (no longer listed, or expired). Unknown symbols are ignored. */
  delist(symbols: Iterable<string>): void {
    for (const symbol of symbols) {
      const at = this.indexOf.get(symbol);
      if (at !== undefined) this.states[at]!.listed = false;
    }
    this.rerankFutures();
    this.reweigh();
  }

  /** The symbols listed now, in index order. */
  listedSymbols(): string[] {
    return this.states.filter((s) => s.listed).map((s) => s.instrument.symbol);
  }

  private rerankFutures(): void {
    const rank = rankFutures(this.states.filter((s) => s.listed).map((s) => s.instrument));
    for (const s of this.states) {
      if (s.kind !== 'FUT' || !s.listed) continue;
      const l = derivativeLiquidity(s.instrument, Math.exp(s.factor!.logLevel), rank.get(s.instrument.symbol) ?? 0);
      s.weight = l.weight;
      s.unitsPerSecond = l.unitsPerDay / SESSION_SECONDS;
    }
  }

  /** The current level of an index the model moves (ticks, on the index's 5-paise tick), or undefined. */
  indexLevel(symbol: string): PriceTicks | undefined {
    const f = this.factors.get(symbol);
    return f ? Math.max(INDEX_TICK, Math.round(Math.exp(f.logLevel) / INDEX_TICK) * INDEX_TICK) : undefined;
  }

  /**
   * Holds an index at `level` (ticks) — and so everything priced on it: its futures and options,
   * and the market move of its equities — until released with null. The steering seam's way of
   * moving an index (docs/api.md "Market steering"). False for a symbol that is not a modelled index.
   */
  pinIndex(symbol: string, level: PriceTicks | null): boolean {
    const f = this.factors.get(symbol);
    if (!f) return false;
    f.pinned = level === null ? null : Math.log(level);
    if (f.pinned !== null) f.logLevel = f.pinned;
    return true;
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
      f.logLevel = f.pinned ?? f.logLevel + -0.5 * sigma * sigma * dt + sigma * Math.sqrt(dt) * z;
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
    if (day !== this.day) this.newDay(day);
    if (day !== s.day) {
      s.prevClose = this.previousClose(s, ts);
      s.day = day;
      s.volume = 0;
    }
    const elapsed = this.t - s.lastT;
    const fair = this.fairPrice(s, ts);
    const tickSize = s.instrument.tickSize;
    const ltp = Math.max(tickSize, Math.round(fair / tickSize) * tickSize);
    if (s.kind === 'INDEX') s.factor!.printed = ltp;
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

  /** A new IST day: each index's last print becomes its previous close. */
  private newDay(day: number): void {
    for (const f of this.factors.values()) {
      f.prevClose = Number.isNaN(this.day)
        ? f.startPrevClose
        : (f.printed ?? Math.max(INDEX_TICK, Math.round(Math.exp(f.logLevel) / INDEX_TICK) * INDEX_TICK));
    }
    this.day = day;
  }

  /**
   * An instrument's previous close at its first print of an IST day. An index's is its last print
   * before the day (or the start's previous close); a future's or option's is the model's price on
   * that close (derivativePreviousClose), whatever it last traded at; an equity's is its own last
   * price (or the start's previous close, or its start price).
   */
  private previousClose(s: SimState, ts: number): PriceTicks {
    switch (s.kind) {
      case 'INDEX':
        return s.factor!.prevClose;
      case 'FUT':
      case 'CE':
      case 'PE':
        return derivativePreviousClose(s.instrument, s.factor!.prevClose, ts);
      default:
        return s.seq > 0 ? s.ltp : s.prevClose;
    }
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
      case 'FUT':
      case 'CE':
      case 'PE':
        // The smile's level follows the index's realised volatility.
        return derivativeValue(s.instrument, Math.exp(f!.logLevel), ts, f!.vol.ratio);
      default: {
        const sigma = s.idio!.step(elapsed, this.rnd);
        const marketMove = f ? s.beta * (f.logLevel - s.factorMark) : 0;
        if (f) s.factorMark = f.logLevel;
        s.logPrice += marketMove - 0.5 * sigma * sigma * elapsed + sigma * Math.sqrt(elapsed) * this.rnd.normal();
        return Math.exp(s.logPrice);
      }
    }
  }

  private initialState(instrument: Instrument, futureRank: Map<string, number>): SimState {
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
    const known = this.start.get(instrument.symbol);
    const startPrice = known?.price ?? this.equityPrice.get(instrument.symbol) ?? 1_000 * PRICE_SCALE;
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
    } else {
      // Futures and options: priced by the model from the index, so a start price means nothing to them.
      ({ weight, spreadBps, unitsPerDay } = derivativeLiquidity(
        instrument,
        Math.exp(factor.logLevel),
        futureRank.get(instrument.symbol) ?? 0,
      ));
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
      listed: true,
    };
  }
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
