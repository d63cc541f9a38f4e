import type { OrderSide } from '@tradeloop/domain';
import { formatPrice } from '../../../lib/price';
import type { OrderTicketForm } from './useOrderTicketForm';

/** The BUY / SELL toggle and the close button. */
export function TicketHeader({ side, onSide, onClose }: { side: OrderSide; onSide: (side: OrderSide) => void; onClose: () => void }) {
  return (
    <header className="ticket-header">
      <div className="segmented ticket-sides" role="group" aria-label="Side">
        <button
          type="button"
          className="segment segment-buy"
          aria-pressed={side === 'BUY'}
          onClick={() => onSide('BUY')}
          data-testid="ticket-side-buy"
        >
          Buy
        </button>
        <button
          type="button"
          className="segment segment-sell"
          aria-pressed={side === 'SELL'}
          onClick={() => onSide('SELL')}
          data-testid="ticket-side-sell"
        >
          Sell
        </button>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label="Close the ticket (Esc)"
        title="Close (Esc)"
        onClick={onClose}
        data-testid="ticket-close"
      >
        ×
      </button>
    </header>
  );
}

/** The instrument's type, lot and tick, its live LTP, and the touch: bid and ask, each a click into the price. */
export function TicketQuote({ form }: { form: Pick<OrderTicketForm, 'inst' | 'instrument' | 'ltp' | 'bid' | 'ask' | 'takePrice'> }) {
  const { inst, instrument, ltp, bid, ask, takePrice } = form;
  const touch = (label: 'Bid' | 'Ask', price: string | null) => (
    <button
      type="button"
      className={`ticket-touch ticket-touch-${label.toLowerCase()}`}
      disabled={price === null}
      onClick={() => price && takePrice(price)}
      title={price ? `Use ${formatPrice(price)} as the limit price` : undefined}
      data-testid={`ticket-${label.toLowerCase()}`}
      data-price={price ?? ''}
    >
      {label} <span className="mono">{formatPrice(price)}</span>
    </button>
  );
  return (
    <div className="ticket-quote muted">
      {inst ? (
        <>
          <span title={inst.name}>{inst.instrumentType}</span>
          <span>
            lot <span className="mono">{inst.lotSize}</span>
          </span>
          <span>
            tick <span className="mono">{inst.tickSize}</span>
          </span>
        </>
      ) : (
        <span>{instrument.isPending ? 'Loading…' : instrument.isError ? 'Could not load the instrument' : 'Unknown instrument'}</span>
      )}
      <span className="ticket-ltp">
        LTP <span className="mono">{formatPrice(ltp)}</span>
      </span>
      {(bid !== null || ask !== null) && (
        <span className="ticket-touches">
          {touch('Bid', bid)}
          {touch('Ask', ask)}
        </span>
      )}
    </div>
  );
}
