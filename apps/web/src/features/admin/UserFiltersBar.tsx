import { ROLES } from '@tradeloop/domain';
import { PAGE_SEARCH_ATTRIBUTE } from '../../app/useGlobalHotkeys';
import { Kbd } from '../../components/Kbd';
import type { UserFilters } from './users-api';

interface UserFiltersBarProps {
  search: string;
  onSearchChange: (value: string) => void;
  filters: Omit<UserFilters, 'query'>;
  onFiltersChange: (next: Omit<UserFilters, 'query'>) => void;
}

export function UserFiltersBar({ search, onSearchChange, filters, onFiltersChange }: UserFiltersBarProps) {
  return (
    <div className="toolbar" role="search">
      <div className="search-box">
        <input
          type="search"
          className="input"
          placeholder="Search email or name"
          aria-label="Search users by email or name"
          value={search}
          onChange={(e) => onSearchChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && search) {
              e.preventDefault();
              onSearchChange('');
            }
          }}
          data-testid="user-search"
          {...{ [PAGE_SEARCH_ATTRIBUTE]: '' }}
        />
        {!search && <Kbd>/</Kbd>}
      </div>
      <label className="inline-field">
        <span>Role</span>
        <select
          className="select"
          value={filters.role}
          onChange={(e) => onFiltersChange({ ...filters, role: e.target.value as UserFilters['role'] })}
          data-testid="role-filter"
        >
          <option value="">All roles</option>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Status</span>
        <select
          className="select"
          value={filters.status}
          onChange={(e) => onFiltersChange({ ...filters, status: e.target.value as UserFilters['status'] })}
          data-testid="status-filter"
        >
          <option value="">Any</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
        </select>
      </label>
    </div>
  );
}
