import { useId, useState, type KeyboardEvent } from 'react';
import { PAGE_SEARCH_ATTRIBUTE } from '../app/useGlobalHotkeys';
import { isUserId, useUserDirectory, useUserSearch } from '../lib/user-directory';
import { useDebouncedValue } from '../lib/useDebouncedValue';
import { UserName } from './UserName';
import './UserFilter.css';

interface UserFilterProps {
  /** The filtered user's id, or '' for everyone. */
  userId: string;
  onChange: (userId: string) => void;
  /** The accessible name, e.g. "Filter by user". */
  label: string;
  placeholder?: string;
  testId: string;
}

/**
 * A filter bar's "who": type part of an email or a name and pick from the matches (↑/↓, Enter),
 * or paste a full user id. Once picked it shows the person, with × to go back to everyone.
 * Test ids: `<testId>` the box, `<testId>-option` a match, `<testId>-selected` the picked person,
 * `<testId>-clear` back to everyone.
 */
export function UserFilter({ userId, onChange, label, placeholder = 'User: email or name', testId }: UserFilterProps) {
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const query = useDebouncedValue(text, 200);
  const search = useUserSearch(open ? query : '');
  const directory = useUserDirectory([userId]);
  const listId = useId();
  const matches = open && text.trim() !== '' ? (search.data?.items ?? []) : [];
  const activeIndex = Math.min(active, matches.length - 1);

  const pick = (id: string) => {
    onChange(id.trim().toLowerCase());
    setText('');
    setOpen(false);
    setActive(0);
  };

  if (userId) {
    return (
      <span className="user-filter-selected" data-testid={`${testId}-selected`} data-user-id={userId}>
        <UserName id={userId} user={directory(userId)} />
        <button
          type="button"
          className="icon-button"
          aria-label="Show everyone"
          title="Show everyone"
          onClick={() => onChange('')}
          data-testid={`${testId}-clear`}
        >
          ×
        </button>
      </span>
    );
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (matches.length === 0) return;
      setActive((activeIndex + (event.key === 'ArrowDown' ? 1 : -1) + matches.length) % matches.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (isUserId(text)) pick(text);
      else if (matches[activeIndex]) pick(matches[activeIndex].id);
    } else if (event.key === 'Escape' && text) {
      event.preventDefault();
      setText('');
    }
  };

  const settled = open && text.trim() !== '' && query === text && !search.isFetching && !isUserId(text);
  return (
    <div className="user-filter search-box search-box-wide">
      <input
        type="search"
        className="input"
        placeholder={placeholder}
        aria-label={label}
        role="combobox"
        aria-expanded={matches.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={matches[activeIndex] ? `${listId}-${activeIndex}` : undefined}
        value={text}
        onChange={(event) => {
          const value = event.target.value;
          if (isUserId(value)) return pick(value);
          setText(value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        autoComplete="off"
        spellCheck={false}
        data-testid={testId}
        {...{ [PAGE_SEARCH_ATTRIBUTE]: '' }}
      />
      <ul id={listId} role="listbox" aria-label="Matching people" className="user-filter-list" hidden={matches.length === 0 && !settled}>
        {matches.map((user, index) => (
          <li
            key={user.id}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === activeIndex}
            className="user-filter-option"
            onMouseEnter={() => setActive(index)}
            // mousedown, not click: the input's blur would close the list before a click lands.
            onMouseDown={(event) => {
              event.preventDefault();
              pick(user.id);
            }}
            data-testid={`${testId}-option`}
          >
            <span className="user-filter-option-name">{user.displayName}</span>
            <span className="user-filter-option-email mono">{user.email}</span>
          </li>
        ))}
        {settled && matches.length === 0 && !search.isError && <li className="user-filter-empty muted">Nobody matches “{text.trim()}”.</li>}
      </ul>
    </div>
  );
}
