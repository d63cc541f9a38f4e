import { ENTRY_TYPES, type BookKind } from '@tradeloop/domain';
import { FilterBar, FilterField, FilterRefresh, FilterSelect, FilterSpacer } from '../../components/FilterBar';
import { UserFilter } from '../../components/UserFilter';
import { zoneLabel } from '../../lib/format';
import { EMPTY_FILTERS, filterProblems, type LedgerFilters } from './ledger-api';

/** Real money, paper money, and what live broker accounts hold at their brokers. */
const BOOK_OPTIONS = [
  { value: 'wallet', label: 'Wallets (real money)' },
  { value: 'paper', label: 'Paper books' },
  { value: 'mirror', label: 'Broker cash mirrors' },
] as const satisfies readonly { value: BookKind; label: string }[];

interface LedgerFiltersBarProps {
  filters: LedgerFilters;
  onChange: (next: LedgerFilters) => void;
  onRefresh: () => void;
  refreshing: boolean;
}

/** Filters apply as they are typed; Enter (or Refresh) re-reads the newest entries. */
export function LedgerFiltersBar({ filters, onChange, onRefresh, refreshing }: LedgerFiltersBarProps) {
  const problems = filterProblems(filters);
  const active = filters.userId || filters.book || filters.type || filters.from || filters.to;

  return (
    <FilterBar label="Ledger filters" onSubmit={onRefresh}>
      <UserFilter
        userId={filters.userId}
        onChange={(userId) => onChange({ ...filters, userId })}
        label="Filter by account holder: email or name"
        placeholder="Holder: email or name"
        testId="ledger-user-filter"
      />
      <FilterSelect
        label="Book"
        value={filters.book}
        onChange={(book) => onChange({ ...filters, book })}
        options={BOOK_OPTIONS}
        anyLabel="All books"
        testId="ledger-book-filter"
      />
      <FilterSelect
        label="Type"
        value={filters.type}
        onChange={(type) => onChange({ ...filters, type })}
        options={ENTRY_TYPES}
        anyLabel="All types"
        testId="ledger-type-filter"
      />
      <FilterField label="From">
        <input
          type="datetime-local"
          className="input input-datetime"
          value={filters.from}
          onChange={(e) => onChange({ ...filters, from: e.target.value })}
          aria-invalid={problems.range ? true : undefined}
          data-testid="ledger-from"
        />
      </FilterField>
      <FilterField label="To" title="Entries strictly before this moment">
        <input
          type="datetime-local"
          className="input input-datetime"
          value={filters.to}
          onChange={(e) => onChange({ ...filters, to: e.target.value })}
          aria-invalid={problems.range ? true : undefined}
          data-testid="ledger-to"
        />
      </FilterField>
      <span className="field-hint" title="Dates are in the display zone (Account → Preferences); they are sent to the server in UTC">
        {zoneLabel()}
      </span>
      {(problems.userId || problems.range) && <span className="field-error">{problems.userId ?? problems.range}</span>}
      {active && (
        <button type="button" className="button button-ghost" onClick={() => onChange(EMPTY_FILTERS)} data-testid="ledger-clear-filters">
          Clear
        </button>
      )}
      <FilterSpacer />
      <FilterRefresh refreshing={refreshing} />
    </FilterBar>
  );
}
