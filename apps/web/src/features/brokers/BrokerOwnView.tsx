import type { BrokerAccount, BrokerHoldingList } from '@tradeloop/contracts';
import { isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { formatPrice } from '../../lib/price';
import { Money } from '../../components/Money';
import { usePositions } from '../trade/orders-api';
import { useBrokerView } from './broker-accounts-api';

/** Why the broker's view is missing, calmly: the session, the broker, or the server. */
function unavailable(error: unknown, what: string): string {
  if (isApiError(error) && error.status === 409) return `${what} need a broker login.`;
  if (isApiError(error) && error.status === 503) return `The broker is not answering; ${what.toLowerCase()} are not available right now.`;
  return `${what} are not available right now.`;
}

/**
 * What the broker itself reports for the account (its funds, positions, delivery holdings and orders; a paper
 * account's is our book of it), beside what Tradeloop holds for the same account. Asked only of a
 * connected account; whatever the broker cannot answer says so calmly.
 *
 * Test ids: broker-view-<id>; inside it, regions named "<name> at the broker" / "<name> in Tradeloop"
 */
interface PositionRow {
  key: string;
  symbol: string;
  product: string;
  netQuantity: number;
  averagePrice: string | null;
  /** Rupees as the API writes them. */
  realised: string;
}

/** One positions table for both sides of the comparison (the broker's and ours), so they read alike. */
function PositionsTable({ caption, rows }: { caption: string; rows: readonly PositionRow[] }) {
  return (
    <table className="table table-dense">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Symbol</th>
          <th scope="col">Product</th>
          <th scope="col" className="col-num">
            Net qty
          </th>
          <th scope="col" className="col-num">
            Avg
          </th>
          <th scope="col" className="col-num">
            Realised
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.key}>
            <td className="mono">{p.symbol}</td>
            <td>{p.product}</td>
            <td className="mono col-num">{p.netQuantity}</td>
            <td className="mono col-num">{formatPrice(p.averagePrice)}</td>
            <td className="col-num">
              <Money value={p.realised} signed />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The broker's delivery holdings (docs/brokers.md 4.12): settled and T1 quantities apart, as the
 * broker reports them; read like the positions table beside it.
 */
function HoldingsTable({ items }: { items: BrokerHoldingList['items'] }) {
  return (
    <table className="table table-dense">
      <caption className="visually-hidden">Holdings at the broker</caption>
      <thead>
        <tr>
          <th scope="col">Symbol</th>
          <th scope="col" className="col-num">
            Qty
          </th>
          <th scope="col" className="col-num" title="Bought, awaiting T+1 delivery">
            T1
          </th>
          <th scope="col" className="col-num">
            Avg
          </th>
          <th scope="col" className="col-num">
            P&amp;L
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((h) => (
          <tr key={`${h.exchange}-${h.symbol}`}>
            <td className="mono">{h.symbol}</td>
            <td className="mono col-num">{h.quantity}</td>
            <td className="mono col-num">{h.t1Quantity ?? '—'}</td>
            <td className="mono col-num">{formatPrice(h.averagePrice)}</td>
            <td className="col-num">
              <Money value={h.pnl} signed />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BrokerOwnView({ account }: { account: BrokerAccount }) {
  const live = account.status === 'connected';
  const funds = useBrokerView(account.id, 'funds', live);
  const positions = useBrokerView(account.id, 'positions', live);
  const holdings = useBrokerView(account.id, 'holdings', live && account.kind !== 'paper');
  const orders = useBrokerView(account.id, 'orders', live);
  const ours = usePositions();
  const ourRows = (ours.data?.items ?? []).filter((p) => p.accountId === account.id && p.netQuantity !== 0);
  const brokerPositions = (positions.data?.items ?? []).filter((p) => p.netQuantity !== 0);
  const brokerHoldings = (holdings.data?.items ?? []).filter((h) => h.quantity + (h.t1Quantity ?? 0) !== 0);
  const brokerOrders = (orders.data?.items ?? []).slice(0, 10);

  return (
    <div className="broker-view" data-testid={`broker-view-${account.id}`}>
      <section className="broker-view-side" aria-label={`${account.name} at the broker`}>
        <h3 className="section-title">At the broker</h3>
        {!live ? (
          <p className="muted">
            {account.status === 'disabled' ? 'Disabled: the broker is not asked.' : 'Available once the account is connected.'}
          </p>
        ) : (
          <>
            {funds.isPending ? (
              <span className="muted">Loading funds…</span>
            ) : funds.isError ? (
              <span className="muted">{unavailable(funds.error, 'Funds')}</span>
            ) : (
              <dl className="properties properties-compact">
                <dt>Available cash</dt>
                <dd>
                  <Money value={funds.data.availableCash} testId="broker-view-available" />
                </dd>
                <dt>Used margin</dt>
                <dd>
                  <Money value={funds.data.usedMargin} />
                </dd>
                <dt>As of</dt>
                <dd className="mono muted">{formatDateTime(funds.data.asOf)}</dd>
              </dl>
            )}
            {positions.isPending ? (
              <span className="muted">Loading positions…</span>
            ) : positions.isError ? (
              <span className="muted">{unavailable(positions.error, 'Positions')}</span>
            ) : brokerPositions.length === 0 ? (
              <span className="muted">No open positions at the broker.</span>
            ) : (
              <PositionsTable
                caption="Positions at the broker"
                rows={brokerPositions.map((p) => ({
                  key: `${p.exchange}-${p.symbol}-${p.product}`,
                  symbol: p.symbol,
                  product: p.product,
                  netQuantity: p.netQuantity,
                  averagePrice: p.averagePrice,
                  realised: p.realisedPnl,
                }))}
              />
            )}
            {account.kind !== 'paper' && (
              <>
                <h4 className="broker-view-subtitle">Holdings</h4>
                {holdings.isPending ? (
                  <span className="muted">Loading holdings…</span>
                ) : holdings.isError ? (
                  <span className="muted">{unavailable(holdings.error, 'Holdings')}</span>
                ) : brokerHoldings.length === 0 ? (
                  <span className="muted">No delivery holdings at the broker.</span>
                ) : (
                  <HoldingsTable items={brokerHoldings} />
                )}
              </>
            )}
            {orders.isSuccess && brokerOrders.length > 0 && (
              <table className="table table-dense">
                <caption className="visually-hidden">Orders at the broker</caption>
                <thead>
                  <tr>
                    <th scope="col">Order</th>
                    <th scope="col">Symbol</th>
                    <th scope="col">Side</th>
                    <th scope="col" className="col-num">
                      Filled / Qty
                    </th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {brokerOrders.map((o) => (
                    <tr key={o.brokerOrderId}>
                      <td className="mono muted" title={o.brokerOrderId}>
                        …{o.brokerOrderId.slice(-6)}
                      </td>
                      <td className="mono">{o.symbol}</td>
                      <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
                      <td className="mono col-num">
                        {o.filledQuantity} / {o.quantity}
                      </td>
                      <td title={o.rawStatus}>{o.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </section>
      <section className="broker-view-side" aria-label={`${account.name} in Tradeloop`}>
        <h3 className="section-title">In Tradeloop</h3>
        {account.paperBalance !== null && (
          <dl className="properties properties-compact">
            <dt>Virtual balance</dt>
            <dd>
              <Money value={account.paperBalance} />
            </dd>
          </dl>
        )}
        {ours.isError ? (
          <span className="muted">Our positions could not be loaded.</span>
        ) : ours.isPending ? (
          <span className="muted">Loading positions…</span>
        ) : ourRows.length === 0 ? (
          <span className="muted">No open positions through this account.</span>
        ) : (
          <PositionsTable
            caption="Positions in Tradeloop"
            rows={ourRows.map((p) => ({
              key: `${p.symbol}-${p.product}`,
              symbol: p.symbol,
              product: p.product,
              netQuantity: p.netQuantity,
              averagePrice: p.averagePrice,
              realised: p.realizedPnl,
            }))}
          />
        )}
      </section>
    </div>
  );
}
