import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { WebhookDeliveryDto } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../lib/format';
import { decisionEngine, formatMs, isDeliveryDone, readDecision, STEP_LABEL, stepRows, type DecisionView } from './delivery-view';
import { useDeliveries } from './webhooks-api';

/**
 * A source's deliveries, newest first, each with its steps and timings, the engine chosen, the
 * decision and the shadow decision, and its orders. Re-read every 2 s while one is still moving.
 *
 * Test ids: delivery-log, delivery (data-status, data-engine, data-id), delivery-toggle, delivery-step (data-step, data-state),
 * delivery-decision, delivery-shadow (data-engine, data-verdict), decision-rule (data-pass), decision-agent (data-veto), delivery-order
 */
export function DeliveryLog({ sourceId }: { sourceId: string }) {
  const deliveries = useDeliveries(sourceId);
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? [];
  const moving = items.some((d) => !isDeliveryDone(d));

  return (
    <section className="delivery-log" aria-label="Delivery log" data-testid="delivery-log">
      <div className="setup-head">
        <h2 className="section-title">Deliveries</h2>
        <span className="muted small">{moving ? 'live — refreshing every 2 s' : 'newest first'}</span>
      </div>
      {deliveries.isError ? (
        <ErrorNotice error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.isPending ? null : items.length === 0 ? (
        <EmptyState title="No deliveries yet">Alerts sent to this source’s URL show here with each step.</EmptyState>
      ) : (
        <ol className="delivery-list">
          {items.map((d, i) => (
            <DeliveryItem key={d.id} delivery={d} initiallyOpen={i === 0} />
          ))}
        </ol>
      )}
      {deliveries.hasNextPage && (
        <button
          type="button"
          className="button button-small"
          disabled={deliveries.isFetchingNextPage}
          onClick={() => void deliveries.fetchNextPage()}
        >
          {deliveries.isFetchingNextPage ? 'Loading…' : 'Older deliveries'}
        </button>
      )}
    </section>
  );
}

const STATUS_TONE: Record<string, string> = {
  filled: 'chip-positive',
  rejected: 'chip-negative',
  intake_rejected: 'chip-negative',
  duplicate: 'chip-neutral',
  decided: 'chip-accent',
  ordered: 'chip-accent',
};

function summary(d: WebhookDeliveryDto): string {
  const p = d.payload;
  if (!p) return d.rejectReason ?? 'not an alert';
  const symbol = String(p['symbol'] ?? '');
  const action = String(p['action'] ?? '');
  const size = p['size'] as { kind?: string; quantity?: number; lots?: number } | undefined;
  const qty = size?.kind === 'units' ? ` ${size.quantity}` : size?.kind === 'lots' ? ` ${size.lots} lot(s)` : '';
  return `${action}${qty} ${symbol}`.trim();
}

function DeliveryItem({ delivery: d, initiallyOpen }: { delivery: WebhookDeliveryDto; initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const rows = stepRows(d);
  const decision = readDecision(d.decision);
  const shadow = readDecision(d.shadowDecision);
  const total = d.steps.length ? d.steps[d.steps.length - 1]!.elapsedMs : null;
  return (
    <li className="panel delivery" data-testid="delivery" data-status={d.status} data-engine={d.engine ?? ''} data-id={d.id}>
      <button type="button" className="delivery-head" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="delivery-toggle">
        <span className={`chip ${STATUS_TONE[d.status] ?? 'chip-neutral'}`}>{STEP_LABEL[d.status] ?? d.status}</span>
        <span className="mono">{summary(d)}</span>
        {d.engine && <span className="chip chip-neutral">engine {d.engine}</span>}
        <span className="muted small">HTTP {d.httpStatus}</span>
        <span className="toolbar-spacer" />
        <span className="muted small">{formatMs(total)}</span>
        <span className="muted small">{formatDateTime(d.receivedAt)}</span>
      </button>
      {open && (
        <div className="delivery-body">
          <ol className="delivery-steps">
            {rows.map((r) => (
              <li
                key={r.step}
                className={`delivery-step step-${r.state}`}
                data-testid="delivery-step"
                data-step={r.step}
                data-state={r.state}
              >
                <span className="step-dot" aria-hidden />
                <span className="step-label">{r.label}</span>
                <span className="mono small step-time">
                  {r.elapsedMs === null ? (r.state === 'pending' ? 'waiting' : '—') : `+${formatMs(r.elapsedMs)}`}
                </span>
                {r.detail && <span className="small step-detail">{r.detail}</span>}
              </li>
            ))}
          </ol>
          {d.rejectReason && <div className="notice notice-error small">{d.rejectReason}</div>}
          {d.duplicateOf && <div className="muted small">Duplicate of {d.duplicateOf}: no second decision.</div>}
          {(decision || shadow) && (
            <div className="decisions">
              {decision && (
                <DecisionCard
                  title="Decision (traded)"
                  view={decision}
                  engine={decisionEngine(d.decision) ?? d.engine}
                  testId="delivery-decision"
                />
              )}
              {shadow && (
                <DecisionCard
                  title="Shadow decision (not traded)"
                  view={shadow}
                  engine={decisionEngine(d.shadowDecision)}
                  testId="delivery-shadow"
                />
              )}
            </div>
          )}
          {d.orderIds.length > 0 && (
            <div className="row small">
              Orders:
              {d.orderIds.map((id) => (
                <Link key={id} className="mono" to={`/trade?tab=orders&order=${id}`} data-testid="delivery-order">
                  {id.slice(0, 8)}
                </Link>
              ))}
            </div>
          )}
          <details className="small">
            <summary>Body as received{d.rawBodyTruncated ? ' (truncated)' : ''}</summary>
            <pre className="mono setup-code">{d.rawBody}</pre>
          </details>
        </div>
      )}
    </li>
  );
}

function DecisionCard({ title, view, engine, testId }: { title: string; view: DecisionView; engine: string | null; testId: string }) {
  const verdict = view.verdict ?? '?';
  return (
    <div className="decision-card" data-testid={testId} data-engine={engine ?? ''} data-verdict={verdict}>
      <div className="setup-head">
        <strong>
          {title} — engine {engine ?? '?'}
        </strong>
        <span className={`chip ${verdict === 'ENTER' ? 'chip-positive' : 'chip-neutral'}`}>{verdict}</span>
      </div>
      {view.kind === 'A' && (
        <ul className="decision-rules">
          {view.rules.map((r) => (
            <li key={r.rule} data-testid="decision-rule" data-pass={r.pass}>
              <span className={r.pass ? 'text-positive' : 'text-negative'}>{r.pass ? '✓' : '✗'}</span>{' '}
              <span className="mono">{r.rule}</span> <span className="muted">{r.reason}</span>
            </li>
          ))}
        </ul>
      )}
      {view.kind === 'B' && (
        <>
          <table className="table table-dense">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Vote</th>
                <th className="col-num">Weight</th>
                <th className="col-num">Confidence</th>
                <th className="col-num">Contribution</th>
                <th>Reasons</th>
              </tr>
            </thead>
            <tbody>
              {view.agents.map((a) => (
                <tr key={a.agent} data-testid="decision-agent" data-veto={a.veto}>
                  <td className="mono">{a.agent}</td>
                  <td>
                    {a.vote}
                    {a.veto && <span className="chip chip-negative">veto</span>}
                  </td>
                  <td className="col-num">{a.weight ?? '—'} %</td>
                  <td className="col-num">{a.confidence ?? '—'}</td>
                  <td className="col-num">{a.contribution ?? '—'}</td>
                  <td className="small agent-reasons">
                    {a.riskScore !== null && `risk ${a.riskScore}; `}
                    {a.reasons.join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="small">
            Weighted total <strong className="mono">{view.total ?? '—'}</strong> against entry threshold{' '}
            <span className="mono">{view.entryThreshold ?? '—'}</span>
            {view.veto && <span className="text-negative"> — vetoed by risk: {view.vetoReasons.join('; ')}</span>}
          </div>
        </>
      )}
      {view.kind === 'other' && <pre className="mono setup-code">{JSON.stringify(view.raw, null, 2)}</pre>}
    </div>
  );
}
