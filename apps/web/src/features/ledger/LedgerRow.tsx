import type { LedgerEntry } from '@tradeloop/contracts';
import { AccountLabel } from '../../components/AccountLabel';
import { EntryTypeChip } from '../../components/EntryTypeChip';
import { Money } from '../../components/Money';
import { formatDateTime, shortId } from '../../lib/format';

interface LedgerRowProps {
  entry: LedgerEntry;
  selected: boolean;
  onOpen: (transactionId: string) => void;
  onUserClick: (userId: string) => void;
}

/** One entry; the whole row opens its transaction (click, Enter or Space). */
export function LedgerRow({ entry, selected, onOpen, onUserClick }: LedgerRowProps) {
  return (
    <tr
      data-testid="ledger-row"
      data-entry-id={entry.id}
      data-transaction-id={entry.transactionId}
      className={`row-clickable${selected ? ' row-selected' : ''}`}
      tabIndex={0}
      aria-label={`Entry ${entry.id}, ${entry.type} ${entry.amount} on ${entry.account}; open transaction`}
      onClick={() => onOpen(entry.transactionId)}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget || (event.key !== 'Enter' && event.key !== ' ')) return;
        event.preventDefault();
        onOpen(entry.transactionId);
      }}
    >
      <td className="mono muted col-num">{entry.id}</td>
      <td className="mono nowrap">{formatDateTime(entry.createdAt)}</td>
      <td>
        <EntryTypeChip type={entry.type} />
      </td>
      <td className="nowrap">
        <AccountLabel account={entry.account} showOwner onOwnerClick={onUserClick} />
      </td>
      <td className="col-money">
        <Money value={entry.amount} signed />
      </td>
      <td className="col-money">{entry.balanceAfter === null ? <span className="muted">—</span> : <Money value={entry.balanceAfter} />}</td>
      <td className="col-reference" title={entry.reference}>
        {entry.reference}
      </td>
      <td className="mono nowrap" title={entry.transactionId}>
        <span className="tx-link">{shortId(entry.transactionId)}</span>
      </td>
    </tr>
  );
}
