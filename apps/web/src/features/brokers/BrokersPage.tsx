/*
 * Account → Brokers: the accounts orders go through (paper and live), adding one, the daily
 * login, default / disable / delete, and the broker's own funds and positions beside ours.
 *
 * URL: ?login=ok|failed&reason=… is where the broker's login callback sends the browser back.
 *
 * Test ids: brokers-page, broker-add-open, broker-login-outcome (data-outcome),
 * broker-delete-dialog, broker-delete-confirm, broker-delete-error; the cards: BrokerAccountCard.tsx.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { toast } from 'sonner';
import type { BrokerAccount } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { isApiError } from '../../lib/api';
import { AddBrokerAccountForm } from './AddBrokerAccountForm';
import { BrokerAccountCard } from './BrokerAccountCard';
import { useBrokerAccounts, useDeleteBrokerAccount } from './broker-accounts-api';
import { KIND_LABEL, loginOutcome, sortAccounts } from './broker-account-view';
import { EditBrokerAccountDialog } from './EditBrokerAccountDialog';
import './brokers.css';

export function BrokersPage() {
  const accounts = useBrokerAccounts();
  const remove = useDeleteBrokerAccount();
  const [params, setParams] = useSearchParams();
  const outcome = loginOutcome(params);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<BrokerAccount | null>(null);
  const [deleting, setDeleting] = useState<BrokerAccount | null>(null);
  const items = sortAccounts(accounts.data?.items ?? []);
  // 403: the user's roles do not trade (viewer, compliance); 404: a server without broker accounts.
  const refusal = accounts.isError && isApiError(accounts.error) ? accounts.error.status : null;
  const unavailable = refusal === 403 || refusal === 404;

  const dismissOutcome = () =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.delete('login');
        next.delete('reason');
        return next;
      },
      { replace: true },
    );

  return (
    <div className="page brokers-page" data-testid="brokers-page">
      <PageHeader
        section="Account"
        title="Brokers"
        meta={accounts.isFetching && !accounts.isPending ? <span className="spinner" aria-label="Loading" /> : null}
        actions={
          !adding &&
          !unavailable && (
            <button type="button" className="button button-primary" onClick={() => setAdding(true)} data-testid="broker-add-open">
              Add account
            </button>
          )
        }
      />
      {outcome && (
        <div
          className={`notice ${outcome.ok ? 'notice-success' : 'notice-error'}`}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="broker-login-outcome"
          data-outcome={outcome.ok ? 'ok' : 'failed'}
        >
          <span>
            <strong>{outcome.ok ? 'Logged in at the broker.' : 'The broker login did not complete.'}</strong>{' '}
            {outcome.ok ? 'The account can trade until its session expires.' : (outcome.reason ?? 'Try again.')}
          </span>
          <button type="button" className="button button-small" onClick={dismissOutcome}>
            Dismiss
          </button>
        </div>
      )}
      {adding && (
        <section className="panel" aria-labelledby="broker-add-title">
          <h2 className="panel-title" id="broker-add-title">
            Add a broker account
          </h2>
          <AddBrokerAccountForm onDone={() => setAdding(false)} />
        </section>
      )}
      {unavailable ? (
        <EmptyState
          title={
            refusal === 403
              ? 'Broker accounts belong to traders: your roles do not trade.'
              : 'Broker accounts are not available on this server.'
          }
        />
      ) : accounts.isError ? (
        <ErrorNotice error={accounts.error} onRetry={() => void accounts.refetch()} />
      ) : accounts.isPending ? (
        <div className="muted">Loading accounts…</div>
      ) : (
        <div className="broker-list" role="list" aria-label="Broker accounts">
          {items.map((account) => (
            <div role="listitem" key={account.id}>
              <BrokerAccountCard account={account} onEdit={setEditing} onDelete={setDeleting} />
            </div>
          ))}
          {items.length === 0 && <EmptyState title="No broker accounts yet." />}
        </div>
      )}
      <EditBrokerAccountDialog account={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete broker account"
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        testId="broker-delete-dialog"
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              toast.success(`Deleted ${deleting.name}`);
              setDeleting(null);
            },
          })
        }
        confirmLabel="Delete account"
        pendingLabel="Deleting…"
        pending={remove.isPending}
        tone="danger"
        confirmTestId="broker-delete-confirm"
        error={remove.error}
        errorTestId="broker-delete-error"
      >
        {deleting && (
          <p>
            Delete <strong>{deleting.name}</strong> ({KIND_LABEL[deleting.kind]})?{' '}
            {deleting.kind === 'paper'
              ? 'Its virtual balance goes with it; its paper book stays in the ledger’s history.'
              : 'Its saved credentials are erased. Orders already placed through it stay in your history; nothing is sent to the broker.'}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
