import { AUDIT_ACTIONS } from '@tradeloop/contracts';
import { FilterBar, FilterRefresh, FilterSearch, FilterSelect, FilterSpacer } from '../../components/FilterBar';
import { isCompleteActorId, type AuditFilters } from './audit-api';

interface AuditFiltersBarProps {
  filters: AuditFilters;
  onChange: (next: AuditFilters) => void;
  onRefresh: () => void;
  refreshing: boolean;
}

export function AuditFiltersBar({ filters, onChange, onRefresh, refreshing }: AuditFiltersBarProps) {
  const actorInvalid = filters.actorId.trim() !== '' && !isCompleteActorId(filters.actorId);
  return (
    <FilterBar>
      <FilterSelect
        label="Action"
        value={filters.action}
        onChange={(action) => onChange({ ...filters, action })}
        options={AUDIT_ACTIONS}
        anyLabel="All actions"
        testId="audit-action-filter"
      />
      <FilterSearch
        value={filters.actorId}
        onChange={(actorId) => onChange({ ...filters, actorId })}
        placeholder="Actor user ID (uuid)"
        label="Filter by actor user ID"
        invalid={actorInvalid}
        wide
        mono
        clearOnEscape={false}
        slashHint={false}
        testId="audit-actor-filter"
      />
      {actorInvalid && <span className="field-error">Paste a full user ID to filter</span>}
      <FilterSpacer />
      <FilterRefresh refreshing={refreshing} onClick={onRefresh} />
    </FilterBar>
  );
}
