import { Link } from 'react-router-dom';
import { CopyButton } from '../../components/CopyButton';
import { Money } from '../../components/Money';
import { WalletBalances } from '../../components/WalletBalances';
import { formatDateTime } from '../../lib/format';
import { DIRECTION_LABEL, type FundingOutcome } from './funding-api';

/** What was posted, the wallet it left behind, and where to find the transaction. */
export function FundingResult({ outcome, onDismiss }: { outcome: FundingOutcome; onDismiss: () => void }) {
  const { transaction, wallet } = outcome.response;
  const label = DIRECTION_LABEL[outcome.direction];
  return (
    <section className="panel panel-success" data-testid="funding-result" data-direction={outcome.direction} aria-live="polite">
      <header className="panel-title">
        <span className="result-mark" aria-hidden="true">
          ✓
        </span>
        {label.noun} posted
        {outcome.replayed && (
          <span className="badge badge-warning" title="The server had already applied this request; nothing moved twice">
            replayed
          </span>
        )}
        <span className="toolbar-spacer" />
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      </header>
      <dl className="properties properties-compact">
        <dt>User</dt>
        <dd>
          {outcome.user.displayName} <span className="mono muted">{outcome.user.email}</span>
        </dd>
        <dt>Amount</dt>
        <dd>
          <Money value={outcome.direction === 'deposit' ? outcome.amount : `-${outcome.amount}`} signed />
        </dd>
        <dt>Reference</dt>
        <dd>{transaction.reference}</dd>
        <dt>Transaction</dt>
        <dd className="row">
          <span className="mono" data-testid="funding-result-tx">
            {transaction.id}
          </span>
          <CopyButton value={transaction.id} label="transaction id" />
          <Link to={`/compliance/ledger?tx=${transaction.id}`} className="nowrap">
            Open in ledger →
          </Link>
        </dd>
        <dt>Posted at</dt>
        <dd className="mono">{formatDateTime(transaction.createdAt)}</dd>
      </dl>
      <WalletBalances wallet={wallet} testIdPrefix="funding-result" compact />
    </section>
  );
}
