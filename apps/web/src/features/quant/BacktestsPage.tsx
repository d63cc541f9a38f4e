/*
 * Quant → Backtests: start a single backtest (docs/backtests.md), watch it run, read its report,
 * reopen one of the user's backtests (GET /api/v1/backtests). The API is quant-only: an admin without the quant role sees why.
 *
 * Test ids:
 *   backtests-page             the page; backtests-quant-only for a non-quant
 *   backtest-form …            see BacktestForm
 *   backtest-view …            see BacktestView (the open backtest, ?id=<id> in the URL)
 *   backtest-empty             nothing open yet
 *   backtests-recent           the user's backtests, newest first (data-count); rows backtest-recent-<id> (data-status), a click opens it;
 *                              backtests-more loads the next page
 */
import { useSearchParams } from 'react-router-dom';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { formatRelative } from '../../lib/format';
import { BacktestForm } from './BacktestForm';
import { BacktestView, STATUS_CHIP } from './BacktestView';
import { backtestTitle } from './backtest-report';
import { useBacktestList, useBacktestProgressSync, useRefreshBacktestList } from './backtests-api';
import { useModels } from './quant-api';
import { useIsQuant } from './useIsQuant';
import './quant.css';
import './backtests.css';

export function BacktestsPage() {
  const isQuant = useIsQuant();
  if (!isQuant) {
    return (
      <div className="page" data-testid="backtests-page">
        <PageHeader section="Quant" title="Backtests" />
        <div className="notice notice-warning" data-testid="backtests-quant-only">
          Backtests belong to quant users: running them needs the <span className="mono">quant</span> role, which your account does not
          have.
        </div>
      </div>
    );
  }
  return <QuantBacktests />;
}

function QuantBacktests() {
  const models = useModels();
  const [params, setParams] = useSearchParams();
  const openId = params.get('id');
  const list = useBacktestList();
  const refreshList = useRefreshBacktestList();
  useBacktestProgressSync();

  const open = (id: string) => setParams({ id });
  const started = (id: string) => {
    refreshList();
    open(id);
  };
  const shown = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="page" data-testid="backtests-page">
      <PageHeader
        section="Quant"
        title="Backtests"
        meta={<span className="muted">Stored candles replayed through the live strategies, with the same fees and position math.</span>}
      />
      <div className="quant-grid quant-grid-form-first backtests-grid">
        <div className="stack">
          <section className="panel" aria-labelledby="backtest-form-title">
            <h2 className="panel-title" id="backtest-form-title">
              New backtest
            </h2>
            <BacktestForm models={models.data?.items ?? []} onStarted={started} />
          </section>
          <section className="panel" aria-labelledby="backtests-recent-title">
            <h2 className="panel-title" id="backtests-recent-title">
              Recent backtests
            </h2>
            <ul className="backtests-recent" data-testid="backtests-recent" data-count={shown.length}>
              {shown.map((b) => (
                <li key={b.id}>
                  <button
                    type="button"
                    className="backtests-recent-item"
                    aria-current={b.id === openId || undefined}
                    onClick={() => open(b.id)}
                    data-testid={`backtest-recent-${b.id}`}
                    data-status={b.status}
                  >
                    <span className="mono backtests-recent-title">{backtestTitle(b)}</span>
                    <span className="backtests-recent-meta">
                      <span className={`chip ${STATUS_CHIP[b.status]}`}>{b.status}</span>
                      {b.children !== null && <span className="muted">{b.children} runs</span>}
                      <span className="muted">{formatRelative(b.createdAt)}</span>
                    </span>
                  </button>
                </li>
              ))}
              {list.isPending && <li className="muted">Loading…</li>}
              {list.isError && <li className="notice notice-error">Your backtests could not be loaded: {list.error.message}</li>}
              {list.isSuccess && shown.length === 0 && <li className="muted">Backtests you start are listed here for reopening.</li>}
            </ul>
            {list.hasNextPage && (
              <button
                type="button"
                className="button button-small"
                onClick={() => void list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
                data-testid="backtests-more"
              >
                {list.isFetchingNextPage ? 'Loading…' : 'Show older'}
              </button>
            )}
          </section>
        </div>
        <section aria-label="Backtest" className="stack backtest-main">
          {openId ? (
            <BacktestView key={openId} id={openId} onOpen={open} />
          ) : (
            <div data-testid="backtest-empty">
              <EmptyState title="No backtest open.">Run one with the form, or open a recent one.</EmptyState>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
