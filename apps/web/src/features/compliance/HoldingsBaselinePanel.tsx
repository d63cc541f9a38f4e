import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime, shortId } from '../../lib/format';
import { useHoldingsBaseline, useRecaptureBaseline } from './reconciliation-api';

/**
 * A live account's opening holdings baseline (docs/brokers.md 4.12): the delivery shares it held
 * at the broker before the platform, added to our CNC side by the reconciliation. Compliance and
 * admins re-capture it from the broker's books as read now, behind a confirmation (audited).
 */
export function HoldingsBaselinePanel({ accountId }: { accountId: string }) {
  const baseline = useHoldingsBaseline(accountId);
  const recapture = useRecaptureBaseline(accountId);
  const [confirming, setConfirming] = useState(false);
  const data = baseline.data;
  const titleId = `baseline-${accountId}`;

  return (
    <section className="panel baseline-panel" aria-labelledby={titleId} data-testid="holdings-baseline">
      <div className="baseline-head">
        <h2 className="panel-title" id={titleId}>
          Opening holdings baseline ·{' '}
          <span className="mono" title={accountId}>
            {shortId(accountId)}
          </span>
        </h2>
        {data && (
          <span className="muted small" data-testid="baseline-source">
            {data.captured
              ? `${data.source === 'compliance' ? 'Re-captured by compliance' : 'Captured by the reconciliation'} from ${data.tradingDay}'s books, ${formatDateTime(data.capturedAt)}`
              : 'Not captured yet: the account’s first successful reconciliation captures it.'}
          </span>
        )}
        <div className="toolbar-spacer" />
        <button
          type="button"
          className="button"
          onClick={() => {
            recapture.reset();
            setConfirming(true);
          }}
          disabled={!baseline.isSuccess}
          data-testid="baseline-recapture"
        >
          Re-capture…
        </button>
      </div>
      {baseline.isPending && <p className="muted">Loading the baseline…</p>}
      {baseline.isError && <ErrorNotice error={baseline.error} onRetry={() => void baseline.refetch()} />}
      {data && data.captured && data.items.length === 0 && (
        <p className="muted" data-testid="baseline-empty">
          No shares held before the platform: our CNC positions are compared with the broker’s as they are.
        </p>
      )}
      {data && data.items.length > 0 && (
        <ul className="baseline-items" aria-label="Baseline holdings">
          {data.items.map((item) => (
            <li key={item.symbol} className="chip chip-neutral mono" data-testid="baseline-item" data-symbol={item.symbol}>
              {item.symbol} <strong>{item.quantity}</strong>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={confirming}
        title="Re-capture the holdings baseline"
        onClose={() => setConfirming(false)}
        testId="baseline-recapture-dialog"
        onConfirm={() => recapture.mutate(undefined, { onSuccess: () => setConfirming(false) })}
        confirmLabel="Re-capture from the broker"
        pendingLabel="Reading the broker…"
        pending={recapture.isPending}
        confirmTestId="baseline-recapture-confirm"
        error={recapture.isError ? recapture.error : undefined}
        errorTestId="baseline-recapture-error"
      >
        <p>
          Reads the broker’s books now and replaces this account’s baseline whole: per symbol, the broker’s CNC position and holdings less
          ours. Do it once a case is explained by shares moved in or out outside the platform.
        </p>
        <p className="muted">Audited as compliance.holdings_baseline_captured, with the previous items.</p>
      </ConfirmDialog>
    </section>
  );
}
