import { useState } from 'react';
import type { StrategyDto } from '@tradeloop/contracts';
import { describeError } from '../../lib/api';
import { useStrategyAction, useStrategyOrders } from './quant-api';

const signed = (v: string) => (v.startsWith('-') ? 'money money-negative' : v === '0.00' ? 'money' : 'money money-positive');

/** One strategy: status, P&L, start / stop, its kill switch, and (opened) its orders. */
export function StrategyRow({ s }: { s: StrategyDto }) {
  const [open, setOpen] = useState(false);
  const action = useStrategyAction();
  const running = s.status === 'running';
  return (
    <>
      <tr data-testid={`strategy-row-${s.id}`} data-status={s.status} data-orders={s.orders} data-switch={s.killSwitch.engaged} data-name={s.name}>
        <td>
          <button type="button" className="link-button" onClick={() => setOpen(!open)} aria-expanded={open} data-testid={`strategy-open-${s.id}`}>
            {s.name}
          </button>
          <div className="muted mono cell-sub">
            {s.kind} · {s.symbols.join(', ')}
          </div>
        </td>
        <td>
          <span className={`status ${running ? 'status-positive' : ''}`}>{s.status}</span> <span className="chip chip-neutral">{s.mode}</span>
          {s.killSwitch.engaged && <span className="chip chip-negative">switch on</span>}
        </td>
        <td className="col-num">
          <span className={signed(s.pnl.total)} data-testid={`strategy-pnl-${s.id}`}>
            ₹{s.pnl.total}
          </span>
          <div className="muted mono cell-sub" title="realized · unrealized">
            {s.pnl.realized} · {s.pnl.unrealized}
          </div>
        </td>
        <td className="col-num mono" data-testid={`strategy-orders-count-${s.id}`}>
          {s.orders}
        </td>
        <td className="strategy-error muted" title={s.lastError ?? ''}>
          {s.lastError ?? ''}
        </td>
        <td className="col-actions strategy-actions">
          {running ? (
            <button type="button" className="button button-small" onClick={() => action.mutate({ id: s.id, kind: 'stop' })} data-testid={`strategy-stop-${s.id}`}>
              Stop
            </button>
          ) : (
            <button type="button" className="button button-small button-primary" onClick={() => action.mutate({ id: s.id, kind: 'start' })} data-testid={`strategy-start-${s.id}`}>
              Start
            </button>
          )}
          <button
            type="button"
            className={`button button-small ${s.killSwitch.engaged ? '' : 'button-danger'}`}
            onClick={() => action.mutate({ id: s.id, kind: 'kill-switch', engaged: !s.killSwitch.engaged, reason: s.killSwitch.engaged ? 'released from the Strategies page' : 'pulled from the Strategies page' })}
            data-testid={`strategy-switch-${s.id}`}
          >
            {s.killSwitch.engaged ? 'Release switch' : 'Kill switch'}
          </button>
        </td>
      </tr>
      {action.isError && (
        <tr>
          <td colSpan={6}>
            <div className="notice notice-error" role="alert" data-testid={`strategy-action-error-${s.id}`}>
              {describeError(action.error)}
            </div>
          </td>
        </tr>
      )}
      {open && (
        <tr className="row-detail">
          <td colSpan={6}>
            <StrategyOrders id={s.id} />
          </td>
        </tr>
      )}
    </>
  );
}

function StrategyOrders({ id }: { id: string }) {
  const orders = useStrategyOrders(id);
  const items = orders.data?.items ?? [];
  if (items.length === 0) return <p className="muted">{orders.isPending ? 'Loading…' : 'No orders yet.'}</p>;
  return (
    <table className="table table-dense" data-testid={`strategy-orders-${id}`}>
      <thead>
        <tr>
          <th>Time</th>
          <th>Symbol</th>
          <th>Side</th>
          <th className="col-num">Filled / Qty</th>
          <th className="col-num">Avg price</th>
          <th>Status</th>
          <th>Signal</th>
        </tr>
      </thead>
      <tbody>
        {items.map((o) => (
          <tr key={o.id} data-testid={`strategy-order-${o.id}`} data-status={o.status} data-signal-id={o.signalId ?? ''}>
            <td className="mono muted">{new Date(o.createdAt).toLocaleTimeString()}</td>
            <td className="mono">{o.symbol}</td>
            <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
            <td className="col-num mono">
              {o.filledQuantity} / {o.quantity}
            </td>
            <td className="col-num mono">{o.averagePrice ?? '—'}</td>
            <td>{o.status}</td>
            <td className="mono muted">{o.signalId ? `${o.signalId.slice(0, 8)}…` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
