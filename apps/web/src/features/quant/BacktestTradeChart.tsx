import { useEffect, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts';
import type { BacktestTradeDto, CandleSeries } from '@tradeloop/contracts';
import type { Timeframe } from '@tradeloop/domain';
import { api } from '../../lib/api';
import { chartTime, toBar } from '../trade/chart-data';
import { tradeMarkers } from './backtest-report';
import { CandlesOverlay, MarkerLegend, useMarkedCandleChart } from './SignalChart';
import '../trade/trade.css';

/**
 * The symbol's candles over the backtest's range (the app's candle chart) with each fill as a
 * BUY / SELL marker on its bar.
 *
 * Test ids: backtest-trade-chart (data-symbol, data-state loading|error|ready, data-markers, data-buy, data-sell).
 */
export function BacktestTradeChart({
  symbol,
  timeframe,
  from,
  to,
  trades,
}: {
  symbol: string;
  timeframe: Timeframe;
  from: string;
  to: string;
  trades: readonly BacktestTradeDto[];
}) {
  const { containerRef, handlesRef } = useMarkedCandleChart();
  const candles = useQuery({
    queryKey: ['market', 'candles-range', symbol, timeframe, from, to],
    queryFn: ({ signal }) => api<CandleSeries>('/api/v1/market/candles', { signal, query: { symbol, timeframe, from, to } }),
    staleTime: Infinity,
  });
  const bars = useMemo(() => (candles.data?.candles ?? []).map(toBar), [candles.data]);

  const markers = useMemo(
    () =>
      tradeMarkers(
        trades,
        symbol,
        bars.map((b) => b.time),
        chartTime,
      ),
    [trades, symbol, bars],
  );
  useEffect(() => {
    const handles = handlesRef.current;
    if (!handles) return;
    handles.candles.setData(bars);
    handles.chart.timeScale().fitContent();
  }, [bars, handlesRef]);
  useEffect(() => {
    handlesRef.current?.markers.setMarkers(markers.map((m) => ({ ...m, time: m.time as UTCTimestamp }) satisfies SeriesMarker<Time>));
  }, [markers, handlesRef]);

  const state = candles.isError ? 'error' : candles.isPending ? 'loading' : 'ready';
  const buys = markers.filter((m) => m.shape === 'arrowUp').length;
  return (
    <section
      className="chart-panel backtest-trade-chart"
      aria-label={`${symbol} candles with the backtest's trades`}
      data-testid="backtest-trade-chart"
      data-symbol={symbol}
      data-state={state}
      data-markers={markers.length}
      data-buy={buys}
      data-sell={markers.length - buys}
    >
      <header className="chart-header">
        <div className="chart-title">
          <h3 className="chart-symbol mono">{symbol}</h3>
          <span className="muted">{timeframe} candles · trades</span>
        </div>
        <MarkerLegend buys={buys} sells={markers.length - buys} />
      </header>
      <div className="chart-canvas">
        <div ref={containerRef} className="chart-surface" />
        <CandlesOverlay state={state} symbol={symbol} error={candles.error} onRetry={() => void candles.refetch()} />
      </div>
    </section>
  );
}
