import type { BrokerAccount, PositionDto } from '@tradeloop/contracts';
import { formatPrice } from '../../lib/price';
import { Money } from '../../components/Money';
import { usePositions } from '../trade/orders-api';
import { useBrokerView } from './broker-accounts-api';
import { fundsRows, positionRows } from './broker-account-view';

/**
 * What the broker itself reports for the account (its funds and positions), beside what
 * Tradeloop holds for the same account. Shown only as far as the broker's calls answer; an
 * account that is not connected, or a broker view that is not available, says so calmly.
 *
 * Test ids: broker-view-<id>, broker-view-funds, broker-view-positions, broker-view-ours
 */
export function BrokerOwnView({ account }: { account: BrokerAccount }) {
  const live = account.status === 'connected';
  const funds = useBrokerView(account.id, 'funds', live);
  const positions = useBrokerView(account.id, 'positions', live);
  const ours = usePositions();
  // Positions are per account (orders route to accounts); `accountId` is read defensively.
  const ourRows = (ours.data?.items ?? []).filter(
    (p: PositionDto & { accountId?: string }) => p.accountId === account.id && p.netQuantity !== 0,
  );
  const fundRows = funds.isSuccess ? fundsRows(funds.data) : [];
  const brokerPositions = positions.isSuccess ? positionRows(positions.data) : [];

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
            <div data-testid="broker-view-funds">
              {funds.isPending ? (
                <span className="muted">Loading funds…</span>
              ) : fundRows.length > 0 ? (
                <dl className="properties properties-compact">
                  {fundRows.map((r) => (
                    <div key={r.key} className="broker-view-pair">
                      <dt>{r.label}</dt>
                      <dd className="mono">{r.value}</dd>
                    </div>
                  ))}
                </dl>
              ) : (
                <span className="muted">Funds not available from the broker right now.</span>
              )}
            </div>
            <div data-testid="broker-view-positions">
              {positions.isPending ? (
                <span className="muted">Loading positions…</span>
              ) : positions.isError ? (
                <span className="muted">Positions not available from the broker right now.</span>
              ) : brokerPositions.length === 0 ? (
                <span className="muted">No open positions at the broker.</span>
              ) : (
                <table className="table table-dense">
                  <caption className="visually-hidden">Positions at the broker</caption>
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
                        P&amp;L
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {brokerPositions.map((p) => (
                      <tr key={p.key}>
                        <td className="mono">{p.symbol}</td>
                        <td>{p.product}</td>
                        <td className="mono col-num">{p.netQuantity}</td>
                        <td className="mono col-num">{p.averagePrice}</td>
                        <td className="mono col-num">{p.pnl}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </>
        )}
      </section>
      <section className="broker-view-side" aria-label={`${account.name} in Tradeloop`} data-testid="broker-view-ours">
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
          <table className="table table-dense">
            <caption className="visually-hidden">Positions in Tradeloop</caption>
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
                  Unrealised
                </th>
              </tr>
            </thead>
            <tbody>
              {ourRows.map((p) => (
                <tr key={`${p.symbol}-${p.product}`}>
                  <td className="mono">{p.symbol}</td>
                  <td>{p.product}</td>
                  <td className="mono col-num">{p.netQuantity}</td>
                  <td className="mono col-num">{formatPrice(p.averagePrice)}</td>
                  <td className="col-num">
                    <Money value={p.unrealizedPnl} signed />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
