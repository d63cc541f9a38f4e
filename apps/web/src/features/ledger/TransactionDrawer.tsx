import { Drawer } from '../../components/Drawer';
import { ErrorNotice } from '../../components/ErrorNotice';
import { UserName } from '../../components/UserName';
import { formatDateTime } from '../../lib/format';
import { useUserDirectory } from '../../lib/user-directory';
import { useLedgerTransaction } from './ledger-api';
import { HashValue } from './HashValue';
import { TransactionEntries } from './TransactionEntries';

interface TransactionDrawerProps {
  transactionId: string | null;
  onClose: () => void;
  onUserClick: (userId: string) => void;
}

/** Drill-down: one transaction's legs and its place in the hash chain. */
export function TransactionDrawer({ transactionId, onClose, onUserClick }: TransactionDrawerProps) {
  const tx = useLedgerTransaction(transactionId);
  const data = tx.data;
  const people = useUserDirectory([data?.userId]);
  return (
    <Drawer open={transactionId !== null} title="Transaction" onClose={onClose} testId="tx-drilldown">
      {tx.isPending && <p className="muted">Loading transaction…</p>}
      {tx.isError && <ErrorNotice error={tx.error} onRetry={() => void tx.refetch()} />}
      {data && (
        <div className="stack" data-transaction-id={data.id}>
          <dl className="properties properties-compact">
            <dt>ID</dt>
            <dd>
              <HashValue label="transaction id" value={data.id} testId="tx-id" />
            </dd>
            <dt>Type</dt>
            <dd>
              <span className="chip chip-neutral">{data.type}</span>
            </dd>
            <dt>User</dt>
            <dd className="row">
              {data.userId === null ? (
                // A firm account's cash mirror: its book has no owner.
                <span className="muted">none (a firm account)</span>
              ) : (
                <>
                  <UserName id={data.userId} user={people(data.userId)} testId="tx-user" />
                  <button type="button" className="button button-small" onClick={() => onUserClick(data.userId!)}>
                    Filter
                  </button>
                </>
              )}
            </dd>
            <dt>Reference</dt>
            <dd className="break">{data.reference}</dd>
            <dt>Created</dt>
            <dd className="mono">{formatDateTime(data.createdAt)}</dd>
          </dl>
          <h3 className="drawer-section">Entries</h3>
          <TransactionEntries entries={data.entries} />
          <h3 className="drawer-section">Integrity</h3>
          <dl className="properties properties-compact properties-hashes">
            <dt>Chain seq</dt>
            <dd className="mono" data-testid="tx-seq">
              {data.seq ?? <span className="muted">sealing…</span>}
            </dd>
            <dt>Content hash</dt>
            <dd>
              <HashValue label="content hash" value={data.contentHash} testId="tx-content-hash" />
            </dd>
            <dt>Chain hash</dt>
            <dd>
              <HashValue label="chain hash" value={data.chainHash} testId="tx-chain-hash" />
            </dd>
            <dt>Prev hash</dt>
            <dd>
              <HashValue label="previous chain hash" value={data.prevChainHash} testId="tx-prev-hash" />
            </dd>
          </dl>
          <p className="field-hint">
            chain hash = sha256(prev hash ‖ seq ‖ content hash). Verify recomputes all of them from the stored rows.
          </p>
        </div>
      )}
    </Drawer>
  );
}
