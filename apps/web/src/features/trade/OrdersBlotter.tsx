/*
 * Test ids:
 *   orders-blotter             the table (data-count)
 *   order-row-<id>             one order (data-status, data-symbol, data-side, data-filled, data-reserved)
 *   order-account-<id>         the broker account it went through, by name
 *   order-status-<id>          its status chip
 *   order-cancel-<id>          Cancel (open orders only) → a confirmation
 *   order-cancel-confirm       confirms the cancellation
 *   order-cancel-error         a refused cancellation (e.g. 409: already terminal)
 *   order-modify-<id>          Modify (working orders at the broker) → ModifyOrderDialog
 */
import { useState } from 'react';
import type { Order } from '@tradeloop/contracts';
import { isTerminalStatus, type OrderStatus } from '@tradeloop/domain';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { formatClock, zoneLabel } from '../../lib/format';
import { formatPrice } from '../../lib/price';
import { useBrokerAccounts } from '../brokers/broker-accounts-api';
import { ModifyOrderDialog } from './ModifyOrderDialog';
import { useCancelOrder } from './orders-api';

const STATUS_CHIP: Record<OrderStatus, string> = {
  PENDING: 'chip-neutral',
  OPEN: 'chip-accent',
  TRIGGER_PENDING: 'chip-warning',
  PARTIALLY_FILLED: 'chip-warning',
  FILLED: 'chip-positive',
  CANCELLED: 'chip-neutral',
  REJECTED: 'chip-negative',
  EXPIRED: 'chip-neutral',
};

export const isOpenOrder = (o: Order) => !isTerminalStatus(o.status);

export function StatusChip({ status, testId }: { status: OrderStatus; testId?: string }) {
  return (
    <span className={`chip ${STATUS_CHIP[status]}`} data-testid={testId}>
      {status.replace('_', ' ')}
    </span>
  );
}

export function OrdersBlotter({
  orders,
  loading,
  error,
  onRetry,
}: {
  orders: readonly Order[];
  loading: boolean;
  error: unknown;
  onRetry: () => void;
}) {
  const [cancelling, setCancelling] = useState<Order | null>(null);
  const [modifying, setModifying] = useState<Order | null>(null);
  // Which account each order went through, by name (the broker's own name until the list loads).
  const brokerAccounts = useBrokerAccounts();
  const accountNames = new Map((brokerAccounts.data?.items ?? []).map((a) => [a.id, a.name]));
  const cancel = useCancelOrder();
  const closeCancel = () => {
    setCancelling(null);
    cancel.reset();
  };

  if (error) return <ErrorNotice error={error} onRetry={onRetry} />;
  return (
    <>
      <div className="table-wrap trading-table-wrap">
        <table className="table table-dense" data-testid="orders-blotter" data-count={orders.length}>
          <thead>
            <tr>
              <th title="Times in the display zone (Account → Preferences)">Time ({zoneLabel()})</th>
              <th>Symbol</th>
              <th>Account</th>
              <th>Side</th>
              <th>Type</th>
              <th>Product</th>
              <th className="col-num">Filled / Qty</th>
              <th className="col-num">Price</th>
              <th className="col-num">Avg price</th>
              <th className="col-num">Reserved</th>
              <th>Status</th>
              <th className="col-actions" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr
                key={o.id}
                data-testid={`order-row-${o.id}`}
                data-status={o.status}
                data-symbol={o.symbol}
                data-side={o.side}
                data-filled={o.filledQuantity}
                data-reserved={o.reserved}
                className={isOpenOrder(o) ? undefined : 'row-muted'}
              >
                <td className="mono" title={o.createdAt}>
                  {formatClock(Date.parse(o.createdAt))}
                </td>
                <td className="mono">{o.symbol}</td>
                <td className="order-account" data-testid={`order-account-${o.id}`}>
                  {accountNames.get(o.accountId) ?? (o.broker === 'mock' ? 'Paper' : o.broker)}
                </td>
                <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
                <td>{o.type}</td>
                <td>{o.product}</td>
                <td className="col-num mono">
                  {o.filledQuantity} / {o.quantity}
                </td>
                <td className="col-num mono">
                  {o.price ? formatPrice(o.price) : o.type === 'MARKET' || o.type === 'SL-M' ? 'MKT' : '—'}
                  {o.triggerPrice && <span className="muted"> trg {formatPrice(o.triggerPrice)}</span>}
                </td>
                <td className="col-num mono">{formatPrice(o.averagePrice)}</td>
                <td className="col-num">
                  <Money value={o.reserved} />
                </td>
                <td>
                  <StatusChip status={o.status} testId={`order-status-${o.id}`} />
                  {o.rejectReason && <span className="muted order-reason"> {o.rejectReason}</span>}
                </td>
                <td className="col-actions">
                  {isOpenOrder(o) && o.status !== 'PENDING' && o.type !== 'MARKET' && (
                    <button
                      type="button"
                      className="button button-small button-ghost"
                      onClick={() => setModifying(o)}
                      data-testid={`order-modify-${o.id}`}
                    >
                      Modify
                    </button>
                  )}
                  {isOpenOrder(o) && (
                    <button
                      type="button"
                      className="button button-small button-ghost"
                      onClick={() => setCancelling(o)}
                      data-testid={`order-cancel-${o.id}`}
                    >
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {orders.length === 0 && !loading && <EmptyState title="No orders yet. Press B or S to open the ticket." />}
      </div>
      <ModifyOrderDialog order={modifying} onClose={() => setModifying(null)} />
      <ConfirmDialog
        open={cancelling !== null}
        title="Cancel order?"
        onClose={closeCancel}
        onConfirm={() => cancelling && cancel.mutate(cancelling.id, { onSuccess: closeCancel })}
        pending={cancel.isPending}
        pendingLabel="Cancelling…"
        confirmLabel="Cancel order"
        tone="danger"
        cancelLabel="Keep it"
        confirmTestId="order-cancel-confirm"
        error={cancel.error}
        errorTestId="order-cancel-error"
      >
        {cancelling && (
          <p>
            {cancelling.side} {cancelling.quantity - cancelling.filledQuantity} of {cancelling.quantity}{' '}
            <strong className="mono">{cancelling.symbol}</strong> {cancelling.type}
            {cancelling.price ? ` @ ${formatPrice(cancelling.price)}` : ''}. Its hold of <Money value={cancelling.reserved} /> is released.
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
