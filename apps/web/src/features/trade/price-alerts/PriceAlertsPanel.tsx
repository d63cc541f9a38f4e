/*
 * The caller's price alerts, in a popover from the chart toolbar: the charted symbol's first,
 * active ones before triggered ones, each with its level, note and state, and a delete button.
 *
 * Test ids: chart-alerts-panel, price-alert-row (data-id, data-symbol, data-condition, data-price,
 * data-status), price-alert-delete, price-alerts-empty
 */
import type { PriceAlert } from '@tradeloop/contracts';
import { formatDateTime } from '../../../lib/format';
import { formatPrice } from '../../../lib/price';
import { useDeletePriceAlert } from './price-alerts-api';

/** The charted symbol's alerts first; within each group the server's order (active newest first, then triggered latest first). */
export function orderForChart(alerts: readonly PriceAlert[], symbol: string | null): PriceAlert[] {
  return [...alerts.filter((a) => a.symbol === symbol), ...alerts.filter((a) => a.symbol !== symbol)];
}

export function PriceAlertsPanel({ alerts, symbol, loading }: { alerts: readonly PriceAlert[]; symbol: string | null; loading: boolean }) {
  const remove = useDeletePriceAlert();
  const rows = orderForChart(alerts, symbol);
  return (
    <div className="price-alerts-panel" role="dialog" aria-label="Price alerts" data-testid="chart-alerts-panel">
      <div className="price-alerts-head">
        <strong>Price alerts</strong>
        <span className="muted">{alerts.filter((a) => a.status === 'active').length} active</span>
      </div>
      {rows.length === 0 ? (
        <p className="muted price-alerts-empty" data-testid="price-alerts-empty">
          {loading ? 'Loading…' : 'No alerts yet. Use Alert, or Alt+click a price on the chart.'}
        </p>
      ) : (
        <ul className="price-alerts-list">
          {rows.map((a) => (
            <li
              key={a.id}
              className={`price-alert-row${a.symbol === symbol ? ' price-alert-row-charted' : ''}`}
              data-testid="price-alert-row"
              data-id={a.id}
              data-symbol={a.symbol}
              data-condition={a.condition}
              data-price={a.price}
              data-status={a.status}
            >
              <div className="price-alert-main">
                <span className="mono price-alert-symbol">{a.symbol}</span>
                <span className="mono">
                  {a.condition === 'above' ? '≥' : '≤'} {formatPrice(a.price)}
                </span>
                {a.status === 'active' ? (
                  <span className="chip chip-accent">Active</span>
                ) : (
                  <span className="chip chip-warning" title={formatDateTime(a.triggeredAt)}>
                    Triggered @ {formatPrice(a.triggerPrice)}
                  </span>
                )}
              </div>
              {(a.note || a.status === 'triggered') && (
                <div className="price-alert-sub muted">
                  {a.note}
                  {a.note && a.status === 'triggered' ? ' · ' : ''}
                  {a.status === 'triggered' ? formatDateTime(a.triggeredAt) : ''}
                </div>
              )}
              <button
                type="button"
                className="button button-small button-ghost price-alert-delete"
                aria-label={`Delete the alert ${a.symbol} ${a.condition} ${a.price}`}
                title="Delete"
                disabled={remove.isPending && remove.variables === a.id}
                onClick={() => remove.mutate(a.id)}
                data-testid="price-alert-delete"
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
