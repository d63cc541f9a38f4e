/*
 * Admin → Risk: per-user limits, per-user and platform-wide kill switches, all risk events.
 *
 * Test ids:
 *   risk-admin-page                 the page
 *   (user search: funding-user-search / funding-user-option, shared with Admin → Funding)
 *   risk-admin-user                 the picked user
 *   risk-limit-<field>              maxOrderValue | maxPositionValue | maxDailyLoss (rupees),
 *                                   maxOpenOrders | maxOrdersPerMinute (counts)
 *   risk-limits-save                saves the limits; risk-limits-saved / risk-limits-error after
 *   risk-limit-error-<field>        a field's error from the server
 *   user-kill-switch-engage / user-kill-switch-release    the picked user's switch → confirmation
 *   global-kill-switch-state        platform-wide switch as last known (data-engaged)
 *   global-kill-switch-engage / global-kill-switch-release → confirmation
 *   admin-kill-switch-reason / admin-kill-switch-confirm  the confirmation's reason and button
 *   risk-events                     every user's risk events
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AdminUser, KillSwitchStatus, RiskLimitsDto } from '@tradeloop/contracts';
import { toast } from 'sonner';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { RoleChips } from '../../components/RoleChips';
import { api, describeError, isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { FundingUserPicker } from '../funding/FundingUserPicker';
import { riskEventsQueryKey, useRiskEvents } from '../trade/orders-api';
import { RiskEventsTable } from '../trade/RiskPanel';

const MONEY_FIELDS = [
  ['maxOrderValue', 'Max order value (₹)'],
  ['maxPositionValue', 'Max position value (₹)'],
  ['maxDailyLoss', 'Max daily loss (₹)'],
] as const;
const COUNT_FIELDS = [
  ['maxOpenOrders', 'Max open orders'],
  ['maxOrdersPerMinute', 'Max orders / minute'],
] as const;
type LimitField = (typeof MONEY_FIELDS)[number][0] | (typeof COUNT_FIELDS)[number][0];

interface SwitchChange {
  scope: 'global' | 'user';
  user?: AdminUser;
  engaged: boolean;
}

export function RiskAdminPage() {
  const [user, setUser] = useState<AdminUser | null>(null);
  const [change, setChange] = useState<SwitchChange | null>(null);
  const events = useRiskEvents();
  const items = events.data?.items ?? [];
  // The API has no admin read of switch states: the latest global switch event says where it stands.
  const lastGlobal = items.find((e) => e.userId === null && (e.kind === 'SWITCH_ENGAGED' || e.kind === 'SWITCH_RELEASED'));
  const globalEngaged = lastGlobal ? lastGlobal.kind === 'SWITCH_ENGAGED' : false;
  const lastUser = user ? items.find((e) => e.userId === user.id && (e.kind === 'SWITCH_ENGAGED' || e.kind === 'SWITCH_RELEASED')) : undefined;

  return (
    <div className="page" data-testid="risk-admin-page">
      <PageHeader section="Admin" title="Risk" meta={<span className="muted">Per-user limits and kill switches. Every change is audited.</span>} />
      <section className={`panel risk-switch${globalEngaged ? ' risk-switch-engaged' : ''}`} aria-label="Platform-wide kill switch">
        <div className="row">
          <div className="risk-switch-state" data-testid="global-kill-switch-state" data-engaged={String(globalEngaged)}>
            <span className={`status ${globalEngaged ? 'status-negative' : 'status-positive'}`}>
              Platform-wide kill switch: {globalEngaged ? 'ENGAGED — trading halted for everyone' : 'released'}
            </span>
            {lastGlobal && (
              <span className="muted">
                {lastGlobal.detail} · {formatDateTime(lastGlobal.at)}
              </span>
            )}
          </div>
          <span className="toolbar-spacer" />
          {globalEngaged ? (
            <button type="button" className="button" onClick={() => setChange({ scope: 'global', engaged: false })} data-testid="global-kill-switch-release">
              Release global switch
            </button>
          ) : (
            <button type="button" className="button button-danger" onClick={() => setChange({ scope: 'global', engaged: true })} data-testid="global-kill-switch-engage">
              Halt all trading
            </button>
          )}
        </div>
      </section>
      <div className="risk-admin-grid">
        <section className="panel" aria-labelledby="risk-user-title">
          <h2 className="panel-title" id="risk-user-title">
            <span className="step">1</span> Trader
          </h2>
          <FundingUserPicker selectedId={user?.id} onSelect={setUser} />
        </section>
        <section className="panel" aria-labelledby="risk-limits-title">
          <h2 className="panel-title" id="risk-limits-title">
            <span className="step">2</span> Limits and kill switch
          </h2>
          {!user ? (
            <EmptyState title="Pick a user on the left to set their limits." />
          ) : (
            <>
              <div className="funding-subject" data-testid="risk-admin-user">
                <div className="funding-subject-name">
                  <strong>{user.displayName}</strong>
                  <span className="mono muted">{user.email}</span>
                  <RoleChips roles={user.roles} />
                </div>
              </div>
              <LimitsForm key={user.id} user={user} />
              <div className="row">
                <span className="muted">
                  Kill switch: {lastUser ? `${lastUser.kind === 'SWITCH_ENGAGED' ? 'engaged' : 'released'} ${formatDateTime(lastUser.at)}` : 'no change recorded'}
                </span>
                <span className="toolbar-spacer" />
                <button type="button" className="button button-danger button-small" onClick={() => setChange({ scope: 'user', user, engaged: true })} data-testid="user-kill-switch-engage">
                  Engage
                </button>
                <button type="button" className="button button-small" onClick={() => setChange({ scope: 'user', user, engaged: false })} data-testid="user-kill-switch-release">
                  Release
                </button>
              </div>
            </>
          )}
        </section>
      </div>
      <h2 className="section-title">Risk events (all users)</h2>
      {events.isError ? <ErrorNotice error={events.error} onRetry={() => void events.refetch()} /> : <RiskEventsTable events={items} loading={events.isPending} showUser />}
      <SwitchDialog change={change} onClose={() => setChange(null)} />
    </div>
  );
}

function LimitsForm({ user }: { user: AdminUser }) {
  const [values, setValues] = useState<Record<LimitField, string>>({ maxOrderValue: '', maxPositionValue: '', maxDailyLoss: '', maxOpenOrders: '', maxOrdersPerMinute: '' });
  const [saved, setSaved] = useState<RiskLimitsDto | null>(null);
  const save = useMutation({
    mutationFn: (body: Record<string, string | number>) => api<RiskLimitsDto>(`/api/v1/admin/risk/limits/${encodeURIComponent(user.id)}`, { method: 'PUT', body }),
    onSuccess: (limits) => {
      setSaved(limits);
      toast.success(`Limits saved for ${user.email}`);
    },
  });
  const fieldErrors = isApiError(save.error) ? save.error.fieldErrors : [];
  const errorFor = (f: LimitField) => fieldErrors.find((e) => e.field === f)?.message;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    save.mutate({
      maxOrderValue: values.maxOrderValue.trim(),
      maxPositionValue: values.maxPositionValue.trim(),
      maxDailyLoss: values.maxDailyLoss.trim(),
      maxOpenOrders: Number(values.maxOpenOrders),
      maxOrdersPerMinute: Number(values.maxOrdersPerMinute),
    });
  };
  const input = (f: LimitField, label: string, money: boolean) => (
    <label key={f} className="field">
      <span className="label">{label}</span>
      <input
        className="input mono"
        inputMode={money ? 'decimal' : 'numeric'}
        placeholder={money ? '500000.00' : '10'}
        value={values[f]}
        onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
        aria-invalid={errorFor(f) ? true : undefined}
        data-testid={`risk-limit-${f}`}
        required
      />
      {errorFor(f) && (
        <span className="field-error" data-testid={`risk-limit-error-${f}`}>
          {errorFor(f)}
        </span>
      )}
    </label>
  );
  return (
    <form className="stack" onSubmit={submit}>
      <p className="muted">The API offers no read of another user's limits: enter all five; they replace the current ones.</p>
      <div className="risk-limits-form">
        {MONEY_FIELDS.map(([f, l]) => input(f, l, true))}
        {COUNT_FIELDS.map(([f, l]) => input(f, l, false))}
      </div>
      {save.isError && fieldErrors.length === 0 && (
        <div className="notice notice-error" role="alert" data-testid="risk-limits-error">
          {describeError(save.error)}
        </div>
      )}
      {saved && (
        <div className="notice" role="status" data-testid="risk-limits-saved">
          Saved: order ≤ ₹{saved.maxOrderValue}, position ≤ ₹{saved.maxPositionValue}, daily loss ≤ ₹{saved.maxDailyLoss}, {saved.maxOpenOrders} open orders, {saved.maxOrdersPerMinute}/min.
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="risk-limits-save">
          {save.isPending ? 'Saving…' : 'Save limits'}
        </button>
      </div>
    </form>
  );
}

function SwitchDialog({ change, onClose }: { change: SwitchChange | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const mutation = useMutation({
    mutationFn: (c: SwitchChange & { reason: string }) =>
      api<KillSwitchStatus>('/api/v1/admin/risk/kill-switch', {
        method: 'POST',
        body: { scope: c.scope, ...(c.user ? { userId: c.user.id } : {}), engaged: c.engaged, reason: c.reason },
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: riskEventsQueryKey }),
  });
  const close = () => {
    mutation.reset();
    setReason('');
    onClose();
  };
  const title = !change
    ? ''
    : change.scope === 'global'
      ? change.engaged
        ? 'Halt trading for everyone?'
        : 'Release the global kill switch?'
      : `${change.engaged ? 'Engage' : 'Release'} ${change.user?.email}'s kill switch?`;
  return (
    <Dialog open={change !== null} title={title} onClose={close} testId="admin-kill-switch-dialog">
      {change && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) mutation.mutate({ ...change, reason: reason.trim() }, { onSuccess: close });
          }}
        >
          <p>
            {change.engaged
              ? 'Open orders are cancelled and every order that adds exposure is refused (423) until the switch is released. Orders that reduce a position still go through.'
              : 'New orders are accepted again (other limits still apply).'}
          </p>
          <label className="field">
            <span className="label">Reason</span>
            <input className="input" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} autoFocus data-testid="admin-kill-switch-reason" />
          </label>
          {mutation.isError && (
            <div className="notice notice-error" role="alert">
              {describeError(mutation.error)}
            </div>
          )}
          <div className="dialog-footer">
            <button type="button" className="button button-ghost" onClick={close}>
              Cancel
            </button>
            <button type="submit" className={`button ${change.engaged ? 'button-danger' : 'button-primary'}`} disabled={!reason.trim() || mutation.isPending} data-testid="admin-kill-switch-confirm">
              {mutation.isPending ? 'Saving…' : change.engaged ? 'Engage' : 'Release'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
