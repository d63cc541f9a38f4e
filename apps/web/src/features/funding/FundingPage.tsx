import { useState } from 'react';
import type { AdminUser } from '@tradeloop/contracts';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { WalletBalances } from '../../components/WalletBalances';
import { CopyButton } from '../../components/CopyButton';
import { RoleChips } from '../../components/RoleChips';
import { useAdminWallet, type FundingOutcome } from './funding-api';
import { useFundingReview } from './useFundingReview';
import { FundingUserPicker } from './FundingUserPicker';
import { FundingForm } from './FundingForm';
import { FundingReviewDialog } from './FundingReviewDialog';
import { FundingResult } from './FundingResult';
import { FundingRecentEntries } from './FundingRecentEntries';
import './funding.css';

export function FundingPage() {
  const [user, setUser] = useState<AdminUser | null>(null);
  const [outcome, setOutcome] = useState<FundingOutcome | null>(null);
  // Bumped after each posting so the form starts empty for the next one.
  const [formVersion, setFormVersion] = useState(0);
  const wallet = useAdminWallet(user?.id);
  const review = useFundingReview((posted) => {
    setOutcome(posted);
    setFormVersion((v) => v + 1);
  });

  return (
    <div className="page">
      <PageHeader
        section="Admin"
        title="Funding"
        meta={<span className="muted">Deposit to or withdraw from a user's wallet. Every movement is a ledger transaction.</span>}
      />
      {outcome && <FundingResult outcome={outcome} onDismiss={() => setOutcome(null)} />}
      <div className="funding-grid">
        <section className="panel" aria-labelledby="funding-user-title">
          <h2 className="panel-title" id="funding-user-title">
            <span className="step">1</span> Account holder
          </h2>
          <FundingUserPicker selectedId={user?.id} onSelect={setUser} />
        </section>
        <section className="panel" aria-labelledby="funding-move-title">
          <h2 className="panel-title" id="funding-move-title">
            <span className="step">2</span> Move money
          </h2>
          {!user ? (
            <EmptyState title="Pick a user on the left to see their wallet." />
          ) : (
            <>
              <div className="funding-subject" data-testid="funding-selected-user">
                <div className="funding-subject-name">
                  <strong>{user.displayName}</strong>
                  <span className="mono muted">{user.email}</span>
                  <RoleChips roles={user.roles} />
                  {user.disabled && <span className="chip chip-negative">disabled</span>}
                </div>
                <div className="row muted">
                  <span className="mono" title="User ID">
                    {user.id}
                  </span>
                  <CopyButton value={user.id} label="user id" />
                </div>
              </div>
              {wallet.isError && <ErrorNotice error={wallet.error} onRetry={() => void wallet.refetch()} />}
              <WalletBalances key={user.id} wallet={wallet.data} testIdPrefix="funding-wallet" compact />
              <FundingForm key={`${user.id}:${formVersion}`} user={user} disabled={review.pending} onReview={review.open} />
            </>
          )}
        </section>
        {user && (
          <section className="panel" aria-labelledby="funding-recent-title">
            <h2 className="panel-title" id="funding-recent-title">
              Recent movements
            </h2>
            <FundingRecentEntries userId={user.id} />
          </section>
        )}
      </div>
      <FundingReviewDialog
        attempt={review.attempt}
        wallet={review.attempt?.user.id === user?.id ? wallet.data : undefined}
        pending={review.pending}
        error={review.error}
        isRetry={review.isRetry}
        onConfirm={review.confirm}
        onClose={review.close}
      />
    </div>
  );
}
