import { LineSeries, LineStyle, type IChartApi, type ISeriesApi, type LineData, type Time, type WhitespaceData } from 'lightweight-charts';
import {
  CHART_INDICATORS,
  chartIndicatorSeries,
  chartIndicatorText,
  indicatorBarOf,
  PRICE_SCALE,
  type ChartIndicator,
  type IndicatorBar,
} from '@tradeloop/domain';
import type { Bar } from './chart-data';

/** How each indicator is drawn and named. RSI has a pane of its own under the price. */
export const INDICATOR_STYLE: Record<ChartIndicator, { label: string; description: string; color: string }> = {
  sma20: { label: 'SMA 20', description: 'Simple moving average', color: '#e8b339' },
  ema20: { label: 'EMA 20', description: 'Exponential moving average', color: '#4da3ff' },
  vwap: { label: 'VWAP', description: 'Volume-weighted, from the day’s open', color: '#c77dff' },
  rsi14: { label: 'RSI 14', description: 'Relative strength (pane below)', color: '#5fd3c4' },
};

/** Share of the chart's height the RSI pane takes (the price pane the rest). */
const RSI_STRETCH = 0.25;

/** What the chart's test hooks say about the indicators: each last value, and the bars they were computed over. */
export interface IndicatorSnapshot {
  /** Each indicator's value at the last bar as shown ('' while off or undefined). */
  last: Record<ChartIndicator, string>;
  /** ISO time of the first bar the values are computed over. */
  from: string;
  /** The last bar, "ts|open|high|low|close|volume" as the API writes them. */
  bar: string;
}

const EMPTY_LAST: Record<ChartIndicator, string> = { sma20: '', ema20: '', vwap: '', rsi14: '' };
export const EMPTY_SNAPSHOT: IndicatorSnapshot = { last: EMPTY_LAST, from: '', bar: '' };

type Point = LineData<Time> | WhitespaceData<Time>;

/**
 * The chart's indicator series (docs/domain.md "Chart indicators"), computed by the domain's one
 * implementation over exactly the bars the chart draws: history replaces them, a live bar updates
 * the last one or appends, and every enabled line follows (its last point updated, the rest set
 * once). Price-like values are drawn in rupees; the RSI line sits in a pane below the price with
 * its 30 and 70 lines. Framework-free: PriceChart drives it.
 */
export class IndicatorLayer {
  private bars: Bar[] = [];
  private input: IndicatorBar[] = [];
  private series: Record<ChartIndicator, number[]> = { sma20: [], ema20: [], vwap: [], rsi14: [] };
  private readonly lines = new Map<ChartIndicator, ISeriesApi<'Line'>>();
  private enabled: ReadonlySet<ChartIndicator> = new Set();

  constructor(private readonly chart: IChartApi) {
    // The line between the price and the RSI panes, in the chart's border colour.
    chart.applyOptions({ layout: { panes: { separatorColor: '#2a3341', separatorHoverColor: '#3a4556' } } });
  }

  /** Shows exactly `next` (lines made or removed as needed). */
  setEnabled(next: ReadonlySet<ChartIndicator>): void {
    this.enabled = next;
    for (const kind of CHART_INDICATORS) {
      const line = this.lines.get(kind);
      if (next.has(kind) && !line) this.lines.set(kind, this.addLine(kind));
      else if (!next.has(kind) && line) {
        this.chart.removeSeries(line);
        this.lines.delete(kind);
      }
    }
  }

  /** Replaces every bar (history, another symbol or timeframe). */
  setBars(bars: readonly Bar[]): void {
    this.bars = [...bars];
    this.input = bars.map(inputOf);
    this.recompute();
    for (const [kind, line] of this.lines) line.setData(this.points(kind));
  }

  /** A live bar: updates the last bar or appends (an older one is ignored, as the chart does). */
  live(bar: Bar): void {
    const last = this.bars.at(-1);
    if (last && bar.time < last.time) return;
    if (last && bar.time === last.time) {
      this.bars[this.bars.length - 1] = bar;
      this.input[this.input.length - 1] = inputOf(bar);
    } else {
      this.bars.push(bar);
      this.input.push(inputOf(bar));
    }
    this.recompute();
    const i = this.bars.length - 1;
    for (const [kind, line] of this.lines) line.update(this.point(kind, i));
  }

  /** Closed bars' stored states replace the ones drawn at their times (every value from the first on moves). */
  replace(bars: readonly Bar[]): void {
    let changed = false;
    for (const bar of bars) {
      const i = this.indexOf(bar.time);
      if (i < 0) continue;
      this.bars[i] = bar;
      this.input[i] = inputOf(bar);
      changed = true;
    }
    if (!changed) return;
    this.recompute();
    for (const [kind, line] of this.lines) line.setData(this.points(kind));
  }

  /** The enabled indicators' texts at `time` (a hovered bar), or at the last bar. */
  valuesAt(time?: number): Record<ChartIndicator, string> {
    let i = this.bars.length - 1;
    if (time !== undefined) {
      i = this.indexOf(time);
      if (i < 0) return EMPTY_LAST;
    }
    const out = { ...EMPTY_LAST };
    if (i < 0) return out;
    for (const kind of this.enabled) out[kind] = chartIndicatorText(kind, this.series[kind][i]!);
    return out;
  }

  snapshot(): IndicatorSnapshot {
    const first = this.bars[0];
    const last = this.bars.at(-1);
    if (!first || !last) return EMPTY_SNAPSHOT;
    return {
      last: this.valuesAt(),
      from: first.ts,
      bar: [last.ts, last.o, last.h, last.l, last.c, last.volume].join('|'),
    };
  }

  private recompute(): void {
    this.series = chartIndicatorSeries(this.input);
  }

  private indexOf(time: number): number {
    let lo = 0;
    let hi = this.bars.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.bars[mid]!.time;
      if (t === time) return mid;
      if (t < time) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private point(kind: ChartIndicator, i: number): Point {
    const time = this.bars[i]!.time;
    const v = this.series[kind][i]!;
    if (!Number.isFinite(v)) return { time };
    return { time, value: kind === 'rsi14' ? v : v / PRICE_SCALE };
  }

  private points(kind: ChartIndicator): Point[] {
    return this.bars.map((_, i) => this.point(kind, i));
  }

  private addLine(kind: ChartIndicator): ISeriesApi<'Line'> {
    const { color } = INDICATOR_STYLE[kind];
    const rsi = kind === 'rsi14';
    const line = this.chart.addSeries(
      LineSeries,
      {
        color,
        lineWidth: rsi ? 1 : 2,
        priceLineVisible: false,
        lastValueVisible: true,
        crosshairMarkerVisible: false,
        priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
        ...(rsi ? { autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 100 } }) } : {}),
      },
      rsi ? 1 : 0,
    );
    if (rsi) {
      for (const price of [30, 70])
        line.createPriceLine({ price, color: '#5d6877', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: '' });
      const panes = this.chart.panes();
      panes[0]?.setStretchFactor(1 - RSI_STRETCH);
      panes[1]?.setStretchFactor(RSI_STRETCH);
    }
    line.setData(this.points(kind));
    return line;
  }
}

const inputOf = (b: Bar): IndicatorBar => indicatorBarOf({ ts: b.ts, high: b.h, low: b.l, close: b.c, volume: b.volume });
