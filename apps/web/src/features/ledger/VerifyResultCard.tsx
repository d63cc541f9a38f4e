import type { VerifyResult } from '@tradeloop/contracts';
import { Money } from '../../components/Money';
import { toPaise } from '../../lib/money';
import { formatClock, zoneLabel } from '../../lib/format';
import { HashValue } from './HashValue';
import { VerifyProblems } from './VerifyProblems';

interface VerifyResultCardProps {
  result: VerifyResult;
  checkedAt: number;
  onOpenTransaction: (id: string) => void;
  onUserClick: (userId: string) => void;
  onDismiss: () => void;
}

/** The outcome of a full verification pass: figures checked, the chain head, and any problems. */
export function VerifyResultCard({ result, checkedAt, onOpenTransaction, onUserClick, onDismiss }: VerifyResultCardProps) {
  const trialZero = toPaise(result.trialBalance) === 0n;
  return (
    <section
      className={`panel verify-card ${result.ok ? 'verify-ok' : 'verify-failed'}`}
      data-testid="verify-result"
      data-ok={String(result.ok)}
      aria-live="polite"
    >
      <header className="panel-title">
        <span className={`verify-badge ${result.ok ? 'verify-badge-ok' : 'verify-badge-failed'}`} data-testid="verify-status">
          {result.ok ? '✓ OK' : '✕ FAILED'}
        </span>
        <span>
          {result.ok
            ? 'Ledger verified: every hash, link and balance recomputes'
            : `Verification found ${result.problems.length}${result.problems.length >= 1000 ? '+' : ''} problem${result.problems.length === 1 ? '' : 's'}`}
        </span>
        <span className="toolbar-spacer" />
        <span className="muted mono" title="When this verification ran">
          checked {formatClock(checkedAt)} {zoneLabel()}
        </span>
        <button type="button" className="icon-button" aria-label="Dismiss verification result" onClick={onDismiss}>
          ×
        </button>
      </header>
      <dl className="verify-stats">
        <div>
          <dt>Transactions checked</dt>
          <dd className="mono" data-testid="verify-transactions">
            {result.transactionsChecked.toLocaleString('en-IN')}
          </dd>
        </div>
        <div>
          <dt>Entries checked</dt>
          <dd className="mono" data-testid="verify-entries">
            {result.entriesChecked.toLocaleString('en-IN')}
          </dd>
        </div>
        <div>
          <dt>Trial balance</dt>
          <dd className={trialZero ? 'text-positive' : 'text-negative'} data-testid="verify-trial-balance">
            <Money value={result.trialBalance} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd className="mono">{result.durationMs.toLocaleString('en-IN', { maximumFractionDigits: 0 })} ms</dd>
        </div>
        <div className="verify-head">
          <dt>Chain head</dt>
          <dd className="row">
            <span className="mono" title={`seq ${result.chainHead.seq}`}>
              #{result.chainHead.seq}
            </span>
            <HashValue label="chain head hash" value={result.chainHead.hash} testId="verify-chain-head" />
          </dd>
        </div>
      </dl>
      {result.problems.length > 0 && (
        <VerifyProblems problems={result.problems} onOpenTransaction={onOpenTransaction} onUserClick={onUserClick} />
      )}
    </section>
  );
}
