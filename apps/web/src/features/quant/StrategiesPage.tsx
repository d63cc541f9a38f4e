/*
 * Quant → Strategies: create, start / stop, kill switch, live P&L and each strategy's orders.
 *
 * Test ids:
 *   strategies-page                   the page
 *   strategy-create-form: strategy-name, strategy-kind-<kind>, strategy-symbols, strategy-model,
 *     strategy-quantity, strategy-fast / strategy-slow, strategy-mode-<mode>, strategy-create-submit,
 *     strategy-create-error
 *   strategies-table; strategy-row-<id> (data-status, data-orders, data-switch, data-name)
 *   strategy-start-<id> / strategy-stop-<id> / strategy-switch-<id> / strategy-open-<id>
 *   strategy-pnl-<id>, strategy-orders-count-<id>, strategy-orders-<id> (strategy-order-<orderId>, data-signal-id)
 */
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { CreateStrategyForm } from './CreateStrategyForm';
import { StrategyRow } from './StrategyRow';
import { useStrategies } from './quant-api';

export function StrategiesPage() {
  const strategies = useStrategies();
  const items = strategies.data?.items ?? [];
  return (
    <div className="page" data-testid="strategies-page">
      <PageHeader section="Quant" title="Strategies" meta={<span className="muted">Orders go through the same risk checks, wallet and kill switches as yours.</span>} />
      <div className="quant-grid quant-grid-narrow-left">
        <CreateStrategyForm />
        <section className="panel">
          <h2 className="panel-title">Your strategies</h2>
          {strategies.isError ? (
            <ErrorNotice error={strategies.error} onRetry={() => void strategies.refetch()} />
          ) : items.length === 0 ? (
            <EmptyState title={strategies.isPending ? 'Loading…' : 'No strategies yet.'} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="strategies-table">
                <thead>
                  <tr>
                    <th>Strategy</th>
                    <th>Status</th>
                    <th className="col-num">P&amp;L</th>
                    <th className="col-num">Orders</th>
                    <th>Last refusal</th>
                    <th className="col-actions" aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <StrategyRow key={s.id} s={s} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
