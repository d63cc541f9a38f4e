import { useQuery } from '@tanstack/react-query';
import type { PnlHistoryDto, PortfolioDto } from '@tradeloop/contracts';
import { api } from '../../lib/api';

export const portfolioQueryKey = ['portfolio'] as const;

/** Today's P&L and the holdings; re-read every 5 s and on every order event (useTradingSync). */
export function usePortfolio() {
  return useQuery({
    queryKey: portfolioQueryKey,
    queryFn: ({ signal }) => api<PortfolioDto>('/api/v1/portfolio', { signal }),
    refetchInterval: 5_000,
  });
}

export function usePnlHistory(days: number) {
  return useQuery({
    queryKey: [...portfolioQueryKey, 'pnl-history', days],
    queryFn: ({ signal }) => api<PnlHistoryDto>('/api/v1/portfolio/pnl-history', { signal, query: { days } }),
    refetchInterval: 60_000,
  });
}
