/*
 * Quant → Backtests: start a single backtest (docs/backtests.md), watch it run, read its report,
 * reopen a recent one. The API is quant-only: an admin without the quant role sees why.
 *
 * Test ids:
 *   backtests-page             the page; backtests-quant-only for a non-quant
 *   backtest-form …            see BacktestForm
 *   backtest-view …            see BacktestView (the open backtest, ?id=<id> in the URL)
 *   backtest-empty             nothing open yet
 *   backtests-recent           the recent list (data-count); rows backtest-recent-<id> (data-status), a click opens it
 */
import { useSearchParams } from 'react-router-dom';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useCurrentUser } from '../../lib/auth';
import { formatRelative } from '../../lib/format';
import { BacktestForm } from './BacktestForm';
import { BacktestView, STATUS_CHIP } from './BacktestView';
import { backtestTitle } from './backtest-report';
import { rememberBacktest, useBacktestProgressSync, useRecentBacktests } from './backtests-api';
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
  const { data: user } = useCurrentUser();
  const models = useModels();
  const [params, setParams] = useSearchParams();
  const openId = params.get('id');
  const recent = useRecentBacktests(user?.id);
  useBacktestProgressSync();

  const open = (id: string) => setParams({ id });
  const started = (id: string) => {
    if (user) rememberBacktest(user.id, id);
    open(id);
  };
  const shown = recent.filter((r) => !(r.query.isError && r.id !== openId));

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
              {shown.map(({ id, query }) => (
                <li key={id}>
                  <button
                    type="button"
                    className="backtests-recent-item"
                    aria-current={id === openId || undefined}
                    onClick={() => open(id)}
                    data-testid={`backtest-recent-${id}`}
                    data-status={query.data?.status ?? ''}
                  >
                    <span className="mono backtests-recent-title">{query.data ? backtestTitle(query.data) : id}</span>
                    <span className="backtests-recent-meta">
                      {query.data && <span className={`chip ${STATUS_CHIP[query.data.status]}`}>{query.data.status}</span>}
                      <span className="muted">{query.data ? formatRelative(query.data.createdAt) : 'loading…'}</span>
                    </span>
                  </button>
                </li>
              ))}
              {shown.length === 0 && <li className="muted">Backtests you start here are listed for reopening.</li>}
            </ul>
          </section>
        </div>
        <section aria-label="Backtest" className="stack backtest-main">
          {openId ? (
            <BacktestView key={openId} id={openId} />
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
