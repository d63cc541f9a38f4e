import { formatPrice as formatTicks, type OrderSide } from '@tradeloop/domain';
import { formatInr } from '../../../lib/money';
import { formatPrice } from '../../../lib/price';
import type { OrderEstimate } from '../order-estimate';

/** What the order would hold and cost, before it is sent; a hint while the ticket is incomplete. */
export function TicketEstimate({ estimate, side }: { estimate: OrderEstimate | null; side: OrderSide }) {
  if (!estimate) {
    return (
      <div className="ticket-estimate muted" data-testid="ticket-estimate" data-hold="" data-fees="">
        Estimate appears once the order is complete (market orders need a live price).
      </div>
    );
  }
  const { lines } = estimate.fees;
  return (
    <dl
      className="ticket-estimate"
      data-testid="ticket-estimate"
      data-hold={formatInr(estimate.hold)}
      data-fees={formatInr(estimate.fees.total)}
    >
      <div>
        <dt>Value @ ≈{formatPrice(formatTicks(Math.ceil(estimate.referencePrice / 100) * 100))}</dt>
        <dd className="mono">{formatInr(estimate.notional)}</dd>
      </div>
      <div
        title={`Brokerage ${formatInr(lines.brokerage)} · STT ${formatInr(lines.stt)} · Exchange ${formatInr(lines.exchangeCharges)} · GST ${formatInr(lines.gst)}`}
      >
        <dt>Charges</dt>
        <dd className="mono">{formatInr(estimate.fees.total)}</dd>
      </div>
      <div className="ticket-estimate-hold">
        <dt>
          {side === 'BUY' ? 'Funds held' : estimate.shortQuantity > 0 ? `Margin held (${estimate.shortQuantity} short)` : 'Funds held'}
        </dt>
        <dd className="mono">{formatInr(estimate.hold)}</dd>
      </div>
      {/* A <dl> holds only term/definition groups: the breakdown is one, its term for screen readers. */}
      <div
        className="ticket-estimate-note"
        title="Brokerage MIS/NRML min(₹20, 0.03 %), CNC ₹0; STT 0.025 % sell MIS, 0.1 % CNC; exchange 0.00297 %; GST 18 % on brokerage + exchange. Market and SL-M orders are held at LTP + 5 %."
      >
        <dt className="visually-hidden">Breakdown</dt>
        <dd>
          Estimate · brokerage {formatInr(lines.brokerage)} · STT {formatInr(lines.stt)} · exch {formatInr(lines.exchangeCharges)} · GST{' '}
          {formatInr(lines.gst)}
        </dd>
      </div>
    </dl>
  );
}
