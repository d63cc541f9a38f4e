import { AUDIT_ACTIONS } from '@tradeloop/contracts';
import { PAGE_SEARCH_ATTRIBUTE } from '../../app/useGlobalHotkeys';
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
    <div className="toolbar" role="search">
      <label className="inline-field">
        <span>Action</span>
        <select
          className="select"
          value={filters.action}
          onChange={(e) => onChange({ ...filters, action: e.target.value as AuditFilters['action'] })}
          data-testid="audit-action-filter"
        >
          <option value="">All actions</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </label>
      <div className="search-box search-box-wide">
        <input
          type="search"
          className="input mono"
          placeholder="Actor user ID (uuid)"
          aria-label="Filter by actor user ID"
          aria-invalid={actorInvalid || undefined}
          value={filters.actorId}
          onChange={(e) => onChange({ ...filters, actorId: e.target.value })}
          data-testid="audit-actor-filter"
          {...{ [PAGE_SEARCH_ATTRIBUTE]: '' }}
        />
      </div>
      {actorInvalid && <span className="field-error">Paste a full user ID to filter</span>}
      <div className="toolbar-spacer" />
      <button type="button" className="button" onClick={onRefresh} disabled={refreshing}>
        {refreshing ? 'Refreshing…' : 'Refresh'}
      </button>
    </div>
  );
}
