/*
 * Test ids:
 *   risk-panel            the panel
 *   kill-switch-state     own switch (data-engaged="true|false"), with its reason
 *   kill-switch-global    the platform-wide switch (data-engaged)
 *   kill-switch-button    engage own switch → confirmation dialog (kill-switch-dialog)
 *   kill-switch-reason    the reason (required)
 *   kill-switch-confirm   engages it (cancels open orders; new exposure is refused)
 *   kill-switch-error     a refused engagement
 *   risk-limits           own limits
 *   risk-events           the events table (data-count); rows risk-event-<id> (data-kind, data-rule)
 */
import { useState } from 'react';
import type { RiskEvent } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { UserName } from '../../components/UserName';
import { formatDateTime } from '../../lib/format';
import { useUserDirectory } from '../../lib/user-directory';
import { useEngageKillSwitch, useKillSwitch, useRiskEvents, useRiskLimits } from './orders-api';
import './risk.css';

const KIND_CHIP: Record<RiskEvent['kind'], string> = {
  REJECTED: 'chip-warning',
  TRIPPED: 'chip-negative',
  SWITCH_ENGAGED: 'chip-negative',
  SWITCH_RELEASED: 'chip-positive',
  DRIFT: 'chip-warning',
  RISK_EXIT: 'chip-warning',
};

export function RiskPanel() {
  const status = useKillSwitch();
  const limits = useRiskLimits();
  const events = useRiskEvents();
  const [confirming, setConfirming] = useState(false);
  const self = status.data?.self;
  const global = status.data?.global;

  return (
    <div className="risk-panel" data-testid="risk-panel">
      <div className="risk-summary">
        <section className={`risk-switch${self?.engaged ? ' risk-switch-engaged' : ''}`} aria-label="Kill switch">
          {status.isError ? (
            <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />
          ) : (
            <>
              <div className="risk-switch-state" data-testid="kill-switch-state" data-engaged={self ? String(self.engaged) : ''}>
                <span className={`status ${self?.engaged ? 'status-negative' : 'status-positive'}`}>
                  {self === undefined ? 'Loading…' : self.engaged ? 'Your kill switch is ENGAGED' : 'Trading enabled'}
                </span>
                {self?.engaged && (
                  <span className="muted">
                    {self.reason ?? 'no reason'} · {formatDateTime(self.at)} · new exposure is refused; only reducing orders are accepted.
                    An admin can release it.
                  </span>
                )}
              </div>
              <div className="muted" data-testid="kill-switch-global" data-engaged={global ? String(global.engaged) : ''}>
                Platform-wide:{' '}
                {global === undefined ? (
                  '—'
                ) : global.engaged ? (
                  <strong className="text-negative">HALTED ({global.reason ?? 'no reason'})</strong>
                ) : (
                  'normal'
                )}
              </div>
              <button
                type="button"
                className="button button-danger"
                disabled={!self || self.engaged}
                onClick={() => setConfirming(true)}
                data-testid="kill-switch-button"
              >
                {self?.engaged ? 'Kill switch engaged' : 'Engage kill switch'}
              </button>
            </>
          )}
        </section>
        <section className="risk-limits" aria-label="Risk limits" data-testid="risk-limits">
          <h3 className="section-title">Your limits</h3>
          {limits.isError ? (
            <ErrorNotice error={limits.error} onRetry={() => void limits.refetch()} />
          ) : limits.data ? (
            <dl className="properties properties-compact">
              <dt>Max order value</dt>
              <dd>
                <Money value={limits.data.maxOrderValue} />
              </dd>
              <dt>Max position value</dt>
              <dd>
                <Money value={limits.data.maxPositionValue} />
              </dd>
              <dt>Max daily loss</dt>
              <dd>
                <Money value={limits.data.maxDailyLoss} />
              </dd>
              <dt title="How much of the day's best P&L may be given back before your switch trips">Max drawdown</dt>
              <dd data-testid="risk-limit-max-drawdown">
                {limits.data.maxDrawdown === null ? <span className="muted">none</span> : <Money value={limits.data.maxDrawdown} />}
              </dd>
              <dt>Max open orders</dt>
              <dd className="mono">{limits.data.maxOpenOrders}</dd>
              <dt>Max orders / minute</dt>
              <dd className="mono">{limits.data.maxOrdersPerMinute}</dd>
              <dt>On an automatic trip</dt>
              <dd>{limits.data.squareOffOnTrip ? 'switch engaged, positions squared off' : 'switch engaged'}</dd>
            </dl>
          ) : (
            <span className="muted">Loading…</span>
          )}
        </section>
      </div>
      <h3 className="section-title">Risk events</h3>
      {events.isError ? (
        <ErrorNotice error={events.error} onRetry={() => void events.refetch()} />
      ) : (
        <RiskEventsTable events={events.data?.items ?? []} loading={events.isPending} />
      )}
      <EngageDialog open={confirming} onClose={() => setConfirming(false)} />
    </div>
  );
}

export function RiskEventsTable({
  events,
  loading,
  showUser = false,
}: {
  events: readonly RiskEvent[];
  loading: boolean;
  showUser?: boolean;
}) {
  const people = useUserDirectory(showUser ? events.map((e) => e.userId) : []);
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="risk-events" data-count={events.length}>
        <thead>
          <tr>
            <th>At</th>
            {showUser && <th>User</th>}
            <th>Kind</th>
            <th>Rule</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} data-testid={`risk-event-${e.id}`} data-kind={e.kind} data-rule={e.rule} data-user-id={e.userId ?? ''}>
              <td className="mono nowrap">{formatDateTime(e.at)}</td>
              {showUser && (
                <td className="nowrap">
                  {e.userId ? <UserName id={e.userId} user={people(e.userId)} /> : <span className="muted">everyone</span>}
                </td>
              )}
              <td>
                <span className={`chip ${KIND_CHIP[e.kind]}`}>{e.kind.replace('_', ' ')}</span>
              </td>
              <td className="mono">{e.rule}</td>
              <td>{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length === 0 && !loading && <EmptyState title="No risk events." />}
    </div>
  );
}

function EngageDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const engage = useEngageKillSwitch();
  const close = () => {
    engage.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={open}
      title="Engage your kill switch?"
      onClose={close}
      testId="kill-switch-dialog"
      reason={{ label: 'Reason', required: true, placeholder: 'e.g. stepping away, losses for the day', testId: 'kill-switch-reason' }}
      onConfirm={(reason) => engage.mutate(reason, { onSuccess: close })}
      pending={engage.isPending}
      pendingLabel="Engaging…"
      confirmLabel="Engage kill switch"
      tone="danger"
      confirmTestId="kill-switch-confirm"
      error={engage.error}
      errorTestId="kill-switch-error"
    >
      <p>
        All your open orders are cancelled and every new order that adds exposure is refused. Orders that reduce a position are still
        accepted. <strong>You cannot release it yourself</strong>: an admin has to.
      </p>
    </ConfirmDialog>
  );
}
