import { AUDIT_ACTIONS } from '@tradeloop/contracts';
import { FilterBar, FilterField, FilterRefresh, FilterSelect, FilterSpacer } from '../../components/FilterBar';
import { UserFilter } from '../../components/UserFilter';
import { zoneLabel } from '../../lib/format';
import { auditRangeProblem, EMPTY_AUDIT_FILTERS, type AuditFilters } from './audit-api';

interface AuditFiltersBarProps {
  filters: AuditFilters;
  onChange: (next: AuditFilters) => void;
  onRefresh: () => void;
  refreshing: boolean;
}

/** Action, who (by email or name) and when; filters apply as they are chosen. */
export function AuditFiltersBar({ filters, onChange, onRefresh, refreshing }: AuditFiltersBarProps) {
  const rangeProblem = auditRangeProblem(filters);
  const active = filters.action || filters.actorId || filters.from || filters.to;
  return (
    <FilterBar label="Audit filters" onSubmit={onRefresh}>
      <FilterSelect
        label="Action"
        value={filters.action}
        onChange={(action) => onChange({ ...filters, action })}
        options={AUDIT_ACTIONS}
        anyLabel="All actions"
        testId="audit-action-filter"
      />
      <UserFilter
        userId={filters.actorId}
        onChange={(actorId) => onChange({ ...filters, actorId })}
        label="Filter by who acted: email or name"
        placeholder="Actor: email or name"
        testId="audit-actor-filter"
      />
      <FilterField label="From">
        <input
          type="datetime-local"
          className="input input-datetime"
          value={filters.from}
          onChange={(e) => onChange({ ...filters, from: e.target.value })}
          aria-invalid={rangeProblem ? true : undefined}
          data-testid="audit-from"
        />
      </FilterField>
      <FilterField label="To" title="Events strictly before this moment">
        <input
          type="datetime-local"
          className="input input-datetime"
          value={filters.to}
          onChange={(e) => onChange({ ...filters, to: e.target.value })}
          aria-invalid={rangeProblem ? true : undefined}
          data-testid="audit-to"
        />
      </FilterField>
      <span className="field-hint" title="Dates are in the display zone (Account → Preferences); they are sent to the server in UTC">
        {zoneLabel()}
      </span>
      {rangeProblem && <span className="field-error">{rangeProblem}</span>}
      {active && (
        <button
          type="button"
          className="button button-ghost"
          onClick={() => onChange(EMPTY_AUDIT_FILTERS)}
          data-testid="audit-clear-filters"
        >
          Clear
        </button>
      )}
      <FilterSpacer />
      <FilterRefresh refreshing={refreshing} />
    </FilterBar>
  );
}
