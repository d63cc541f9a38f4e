/*
 * Admin → Risk: per-user limits, per-user and platform-wide kill switches, all risk events.
 *
 * Test ids:
 *   risk-admin-page                 the page
 *   (user search: funding-user-search / funding-user-option, shared with Admin → Funding)
 *   risk-admin-user                 the picked user (data-user-id)
 *   risk-limits-form                their limits, prefilled from the server
 *   risk-limit-<field>              maxOrderValue | maxPositionValue | maxDailyLoss (rupees),
 *                                   maxOpenOrders | maxOrdersPerMinute (counts), squareOffOnTrip (switch)
 *   risk-limits-save                saves the limits; risk-limits-saved / risk-limits-error after
 *   risk-limit-error-<field>        a field's error from the server
 *   user-kill-switch-state          the user's switch (data-engaged), with its reason
 *   user-kill-switch-engage / user-kill-switch-release    → confirmation
 *   global-kill-switch-state        platform-wide switch (data-engaged)
 *   global-kill-switch-engage / global-kill-switch-release → confirmation
 *   admin-kill-switch-dialog, admin-kill-switch-reason / admin-kill-switch-confirm  the confirmation
 *   risk-events                     risk events: the picked user's (and platform-wide), else everyone's
 *   risk-events-scope / risk-events-all   whose events the table shows / back to everyone
 */
import { useState } from 'react';
import type { AdminUser } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { FundingUserPicker } from '../funding/FundingUserPicker';
import { useRiskEvents } from '../trade/orders-api';
import { RiskEventsTable } from '../trade/RiskPanel';
import { GlobalSwitchPanel } from './GlobalSwitchPanel';
import { KillSwitchDialog } from './KillSwitchDialog';
import { UserRiskPanel } from './UserRiskPanel';
import { useRiskAdminSync, type SwitchChange } from './risk-admin-api';
import './admin.css';

export function RiskAdminPage() {
  const [user, setUser] = useState<AdminUser | null>(null);
  const [change, setChange] = useState<SwitchChange | null>(null);
  // The events follow the picked trader (theirs and the platform-wide ones); everyone's until then.
  const events = useRiskEvents(user?.id);
  useRiskAdminSync();

  return (
    <div className="page" data-testid="risk-admin-page">
      <PageHeader
        section="Admin"
        title="Risk"
        meta={<span className="muted">Per-user limits and kill switches. Every change is audited.</span>}
      />
      <GlobalSwitchPanel onChange={setChange} />
      <div className="risk-admin-grid">
        <section className="panel" aria-labelledby="risk-user-title">
          <h2 className="panel-title" id="risk-user-title">
            <span className="step">1</span> Trader
          </h2>
          <FundingUserPicker selectedId={user?.id} onSelect={setUser} />
        </section>
        <section className="panel stack" aria-labelledby="risk-limits-title">
          <h2 className="panel-title" id="risk-limits-title">
            <span className="step">2</span> Kill switch and limits
          </h2>
          {user ? (
            <UserRiskPanel key={user.id} user={user} onChange={setChange} />
          ) : (
            <EmptyState title="Pick a user on the left to see their switch and limits." />
          )}
        </section>
      </div>
      <div className="row risk-events-heading">
        <h2 className="section-title" data-testid="risk-events-scope" data-user-id={user?.id ?? ''}>
          {user ? `Risk events: ${user.displayName} (${user.email}) and platform-wide` : 'Risk events: all users'}
        </h2>
        {user && (
          <button type="button" className="button button-ghost button-small" onClick={() => setUser(null)} data-testid="risk-events-all">
            Show all users
          </button>
        )}
      </div>
      {events.isError ? (
        <ErrorNotice error={events.error} onRetry={() => void events.refetch()} />
      ) : (
        <RiskEventsTable events={events.data?.items ?? []} loading={events.isPending} showUser />
      )}
      <KillSwitchDialog change={change} onClose={() => setChange(null)} />
    </div>
  );
}
