import type { EntryType } from '@tradeloop/domain';
import { ENTRY_TYPE_TONE } from '../lib/ledger';

export function EntryTypeChip({ type }: { type: EntryType }) {
  return (
    <span className={`chip chip-${ENTRY_TYPE_TONE[type]}`} data-testid="entry-type">
      {type}
    </span>
  );
}
