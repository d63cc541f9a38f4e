import { CandlestickSeries, ColorType, createChart, CrosshairMode, type IChartApi, type ISeriesApi } from 'lightweight-charts';

/** The app's dark palette for lightweight-charts (canvas colours cannot read CSS variables). */
export const CHART_COLORS = {
  background: '#0f131a',
  text: '#8591a1',
  grid: '#171d28',
  border: '#2a3341',
  up: '#26c281',
  down: '#f0506e',
  upVolume: 'rgba(38, 194, 129, 0.45)',
  downVolume: 'rgba(240, 80, 110, 0.45)',
  crosshair: '#5d6877',
} as const;

/** A candlestick chart in the app's style, sized by its container: the trade chart and the signals chart share it. */
export function createCandleChart(container: HTMLElement): { chart: IChartApi; candles: ISeriesApi<'Candlestick'> } {
  const c = CHART_COLORS;
  const chart = createChart(container, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: c.background },
      textColor: c.text,
      fontFamily: 'Inter, system-ui, sans-serif',
      fontSize: 11,
    },
    grid: { vertLines: { color: c.grid }, horzLines: { color: c.grid } },
    crosshair: {
      mode: CrosshairMode.Normal,
      vertLine: { color: c.crosshair, labelBackgroundColor: '#1c2431' },
      horzLine: { color: c.crosshair, labelBackgroundColor: '#1c2431' },
    },
    rightPriceScale: { borderColor: c.border },
    timeScale: { borderColor: c.border, timeVisible: true, secondsVisible: false, rightOffset: 4 },
  });
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: c.up,
    downColor: c.down,
    borderVisible: false,
    wickUpColor: c.up,
    wickDownColor: c.down,
    priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
  });
  return { chart, candles };
}
