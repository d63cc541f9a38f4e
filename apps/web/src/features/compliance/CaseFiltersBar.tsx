import { COMPLIANCE_CASE_KINDS, COMPLIANCE_CASE_STATUSES } from '@tradeloop/contracts';
import { FilterBar, FilterField, FilterRefresh, FilterSelect, FilterSpacer } from '../../components/FilterBar';
import { shortId } from '../../lib/format';
import { caseQuery, kindLabel } from './case-format';
import { EMPTY_CASE_FILTERS, type CaseFilters } from './reconciliation-api';

const STATUS_OPTIONS = COMPLIANCE_CASE_STATUSES.map((s) => ({ value: s, label: s === 'open' ? 'Open' : 'Resolved' }));
const KIND_OPTIONS = COMPLIANCE_CASE_KINDS.map((k) => ({ value: k, label: kindLabel(k) }));

interface CaseFiltersBarProps {
  filters: CaseFilters;
  onChange: (update: (f: CaseFilters) => CaseFilters) => void;
  /** Compliance cannot list broker accounts: the ones offered are those the cases named. */
  accounts: readonly string[];
  onRefresh: () => void;
  refreshing: boolean;
}

/** The filters `GET /compliance/cases` takes: status, kind, account and the trading days. */
export function CaseFiltersBar({ filters, onChange, accounts, onRefresh, refreshing }: CaseFiltersBarProps) {
  const { problem } = caseQuery(filters);
  const active = filters.status || filters.kind || filters.accountId || filters.from || filters.to;
  return (
    <FilterBar label="Filter cases">
      <FilterSelect
        label="Status"
        value={filters.status}
        onChange={(status) => onChange((f) => ({ ...f, status }))}
        options={STATUS_OPTIONS}
        anyLabel="Any status"
        testId="cases-status-filter"
      />
      <FilterSelect
        label="Kind"
        value={filters.kind}
        onChange={(kind) => onChange((f) => ({ ...f, kind }))}
        options={KIND_OPTIONS}
        anyLabel="All kinds"
        testId="cases-kind-filter"
      />
      <FilterSelect
        label="Account"
        value={filters.accountId}
        onChange={(accountId) => onChange((f) => ({ ...f, accountId }))}
        options={accounts.map((id) => ({ value: id, label: shortId(id) }))}
        anyLabel="All accounts"
        testId="cases-account-filter"
      />
      <FilterField label="Day from" title="IST trading day, inclusive">
        <input
          type="date"
          className="input input-day"
          value={filters.from}
          onChange={(e) => onChange((f) => ({ ...f, from: e.target.value }))}
          aria-invalid={problem ? true : undefined}
          data-testid="cases-from"
        />
      </FilterField>
      <FilterField label="to" title="IST trading day, inclusive">
        <input
          type="date"
          className="input input-day"
          value={filters.to}
          onChange={(e) => onChange((f) => ({ ...f, to: e.target.value }))}
          aria-invalid={problem ? true : undefined}
          data-testid="cases-to"
        />
      </FilterField>
      {problem && <span className="field-error">{problem}</span>}
      {active && (
        <button
          type="button"
          className="button button-ghost"
          onClick={() => onChange(() => EMPTY_CASE_FILTERS)}
          data-testid="cases-clear-filters"
        >
          Clear
        </button>
      )}
      <FilterSpacer />
      <FilterRefresh refreshing={refreshing} onClick={onRefresh} />
    </FilterBar>
  );
}
