import type { BacktestMetrics as ReportMetrics } from '@tradeloop/contracts';
import type { BacktestMetrics } from '@tradeloop/domain';

/** The report's figures (contracts' BacktestMetrics) from the engine library's metrics: backtests and strategy runs alike. */
export function reportMetrics(m: BacktestMetrics): ReportMetrics {
  return {
    totalReturn: m.totalReturn,
    cagr: m.cagr,
    sharpe: m.sharpe,
    sortino: m.sortino,
    maxDrawdown: m.maxDrawdown,
    winRate: m.winRate,
    profitFactor: m.profitFactor,
    trades: m.trades,
    fees: m.feesText,
    exposure: m.exposure ?? 0,
    turnover: m.turnover ?? 0,
  };
}
