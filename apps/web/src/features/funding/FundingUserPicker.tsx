import { useId, useState, type KeyboardEvent } from 'react';
import type { AdminUser } from '@tradeloop/contracts';
import { PAGE_SEARCH_ATTRIBUTE } from '../../app/useGlobalHotkeys';
import { Kbd } from '../../components/Kbd';
import { RoleChips } from '../../components/RoleChips';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { useUserLookup } from './funding-api';
import './funding.css';
import '../../components/FilterBar.css';

const SEARCH_DEBOUNCE_MS = 250;

interface FundingUserPickerProps {
  selectedId: string | undefined;
  onSelect: (user: AdminUser) => void;
}

/** Search by email or name; ↑/↓ move through the matches, Enter picks, Esc clears. */
export function FundingUserPicker({ selectedId, onSelect }: FundingUserPickerProps) {
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const query = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const lookup = useUserLookup(query);
  const listId = useId();
  const typed = search.trim() !== '';
  const users = typed ? (lookup.data?.items ?? []) : [];
  const activeIndex = Math.min(active, users.length - 1);
  const settled = typed && query === search && !lookup.isFetching;

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (users.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((activeIndex + step + users.length) % users.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const user = users[activeIndex];
      if (user) onSelect(user);
    } else if (event.key === 'Escape' && search) {
      event.preventDefault();
      setSearch('');
    }
  };

  return (
    <div className="picker">
      <div className="search-box picker-search">
        <input
          type="search"
          className="input"
          placeholder="Search email or name"
          aria-label="Find a user by email or name"
          role="combobox"
          aria-expanded={users.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={users[activeIndex] ? `${listId}-${activeIndex}` : undefined}
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
          data-testid="funding-user-search"
          {...{ [PAGE_SEARCH_ATTRIBUTE]: '' }}
        />
        {!search && <Kbd>/</Kbd>}
      </div>
      {lookup.isError && <ErrorNotice error={lookup.error} onRetry={() => void lookup.refetch()} />}
      <ul id={listId} role="listbox" aria-label="Matching users" className="picker-list">
        {users.map((user, index) => (
          <li
            key={user.id}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === activeIndex}
            className={`picker-option${user.id === selectedId ? ' picker-option-current' : ''}`}
            onMouseEnter={() => setActive(index)}
            onClick={() => onSelect(user)}
            data-testid="funding-user-option"
          >
            <span className="picker-option-main">
              <span className="mono picker-email">{user.email}</span>
              {user.disabled && <span className="chip chip-negative">disabled</span>}
            </span>
            <span className="picker-option-sub">
              <span className="muted">{user.displayName}</span>
              <RoleChips roles={user.roles} />
            </span>
          </li>
        ))}
      </ul>
      {!typed && <p className="picker-hint muted">Type part of an email address or name to find the account holder.</p>}
      {settled && users.length === 0 && !lookup.isError && <p className="picker-hint muted">No user matches “{search.trim()}”.</p>}
    </div>
  );
}
