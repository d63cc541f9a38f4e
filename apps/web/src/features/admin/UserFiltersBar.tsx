import { ROLES } from '@tradeloop/domain';
import { FilterBar, FilterSearch, FilterSelect } from '../../components/FilterBar';
import type { UserFilters } from './users-api';

interface UserFiltersBarProps {
  search: string;
  onSearchChange: (value: string) => void;
  filters: Omit<UserFilters, 'query'>;
  onFiltersChange: (next: Omit<UserFilters, 'query'>) => void;
}

const STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
] as const;

export function UserFiltersBar({ search, onSearchChange, filters, onFiltersChange }: UserFiltersBarProps) {
  return (
    <FilterBar>
      <FilterSearch
        value={search}
        onChange={onSearchChange}
        placeholder="Search email or name"
        label="Search users by email or name"
        testId="user-search"
      />
      <FilterSelect
        label="Role"
        value={filters.role}
        onChange={(role) => onFiltersChange({ ...filters, role })}
        options={ROLES}
        anyLabel="All roles"
        testId="role-filter"
      />
      <FilterSelect
        label="Status"
        value={filters.status}
        onChange={(status) => onFiltersChange({ ...filters, status })}
        options={STATUSES}
        anyLabel="Any"
        testId="status-filter"
      />
    </FilterBar>
  );
}
