import type { LedgerEntry } from '@tradeloop/contracts';
import { AccountLabel } from '../../components/AccountLabel';
import { EntryTypeChip } from '../../components/EntryTypeChip';
import { Money } from '../../components/Money';
import { formatDateTime, shortId } from '../../lib/format';

export function WalletEntryRow({ entry, fresh }: { entry: LedgerEntry; fresh: boolean }) {
  return (
    <tr data-testid="wallet-entry-row" data-entry-id={entry.id} className={fresh ? 'row-fresh' : undefined}>
      <td className="mono nowrap">{formatDateTime(entry.createdAt)}</td>
      <td>
        <EntryTypeChip type={entry.type} />
      </td>
      <td>
        <AccountLabel account={entry.account} />
      </td>
      <td className="col-money">
        <Money value={entry.amount} signed testId="entry-amount" />
      </td>
      <td className="col-money">{entry.balanceAfter === null ? <span className="muted">—</span> : <Money value={entry.balanceAfter} />}</td>
      <td className="col-reference" title={entry.reference}>
        {entry.reference}
      </td>
      <td className="mono muted nowrap" title={entry.transactionId}>
        {shortId(entry.transactionId)}
      </td>
    </tr>
  );
}
