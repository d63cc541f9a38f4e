import type { FormEvent } from 'react';
import { ENTRY_TYPES, type EntryType } from '@tradeloop/domain';
import { PAGE_SEARCH_ATTRIBUTE } from '../../app/useGlobalHotkeys';
import { Kbd } from '../../components/Kbd';
import { utcOffsetLabel } from '../../lib/format';
import { EMPTY_FILTERS, filterProblems, type LedgerFilters } from './ledger-api';

interface LedgerFiltersBarProps {
  filters: LedgerFilters;
  onChange: (next: LedgerFilters) => void;
  onRefresh: () => void;
  refreshing: boolean;
}

/** Filters apply as they are typed; Enter (or Refresh) re-reads the newest entries. */
export function LedgerFiltersBar({ filters, onChange, onRefresh, refreshing }: LedgerFiltersBarProps) {
  const problems = filterProblems(filters);
  const active = filters.userId || filters.type || filters.from || filters.to;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onRefresh();
  };

  return (
    <form className="toolbar" role="search" aria-label="Ledger filters" onSubmit={submit}>
      <div className="search-box search-box-wide">
        <input
          type="search"
          className="input mono"
          placeholder="User ID (uuid)"
          aria-label="Filter by user ID"
          aria-invalid={problems.userId ? true : undefined}
          value={filters.userId}
          onChange={(e) => onChange({ ...filters, userId: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filters.userId) {
              e.preventDefault();
              onChange({ ...filters, userId: '' });
            }
          }}
          spellCheck={false}
          data-testid="ledger-user-filter"
          {...{ [PAGE_SEARCH_ATTRIBUTE]: '' }}
        />
        {!filters.userId && <Kbd>/</Kbd>}
      </div>
      <label className="inline-field">
        <span>Type</span>
        <select
          className="select"
          value={filters.type}
          onChange={(e) => onChange({ ...filters, type: e.target.value as EntryType | '' })}
          data-testid="ledger-type-filter"
        >
          <option value="">All types</option>
          {ENTRY_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>From</span>
        <input
          type="datetime-local"
          className="input input-datetime"
          value={filters.from}
          onChange={(e) => onChange({ ...filters, from: e.target.value })}
          aria-invalid={problems.range ? true : undefined}
          data-testid="ledger-from"
        />
      </label>
      <label className="inline-field" title="Entries strictly before this moment">
        <span>To</span>
        <input
          type="datetime-local"
          className="input input-datetime"
          value={filters.to}
          onChange={(e) => onChange({ ...filters, to: e.target.value })}
          aria-invalid={problems.range ? true : undefined}
          data-testid="ledger-to"
        />
      </label>
      <span className="field-hint" title="Dates are your local time; they are sent to the server in UTC">
        {utcOffsetLabel()}
      </span>
      {(problems.userId || problems.range) && <span className="field-error">{problems.userId ?? problems.range}</span>}
      {active && (
        <button type="button" className="button button-ghost" onClick={() => onChange(EMPTY_FILTERS)} data-testid="ledger-clear-filters">
          Clear
        </button>
      )}
      <div className="toolbar-spacer" />
      <button type="submit" className="button" disabled={refreshing}>
        {refreshing ? 'Refreshing…' : 'Refresh'}
      </button>
    </form>
  );
}
