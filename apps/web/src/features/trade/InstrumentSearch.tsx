/*
 * Test ids:
 *   watchlist-search                   the search box (also focused by `/`)
 *   watchlist-search-results           the results dropdown (present while open)
 *   watchlist-search-result-<SYMBOL>   one result; click or Enter adds it (data-added="true" if already listed)
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { InstrumentDto } from '@tradeloop/contracts';
import { PAGE_SEARCH_ATTRIBUTE } from '../../app/useGlobalHotkeys';
import { Kbd } from '../../components/Kbd';
import { describeError } from '../../lib/api';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { instrumentSearchOptions, useInstrumentSearch } from './trade-api';
import '../../components/FilterBar.css';

const SEARCH_DEBOUNCE_MS = 200;

interface InstrumentSearchProps {
  listed: readonly string[];
  disabled?: boolean;
  onAdd: (instrument: InstrumentDto) => void;
}

/** Symbol prefix or name words; ↑/↓ move through the matches, Enter adds, Esc closes. */
export function InstrumentSearch({ listed, disabled, onAdd }: InstrumentSearchProps) {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const query = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  const search = useInstrumentSearch(query);
  const listId = useId();
  const typed = text.trim() !== '';
  const results = typed ? (search.data?.items ?? []) : [];
  const activeIndex = Math.max(0, Math.min(active, results.length - 1));
  const settled = typed && query === text && !search.isFetching;
  const showList = open && typed;

  const add = (instrument: InstrumentDto | undefined) => {
    if (!instrument) return;
    onAdd(instrument);
    setText('');
    setActive(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      if (results.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((activeIndex + step + results.length) % results.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (!typed) return;
      if (query.trim() === text.trim() && search.isSuccess && !search.isPlaceholderData && results.length > 0) {
        add(results[activeIndex]);
        return;
      }
      // Typed faster than the debounce, or its search is still in flight: search for exactly what
      // is in the box (joining a request already under way), then add its best match.
      const typedNow = text.trim();
      void queryClient
        .fetchQuery(instrumentSearchOptions(typedNow))
        .then(({ items }) => add(items.find((i) => i.symbol.toLowerCase() === typedNow.toLowerCase()) ?? items[0]))
        .catch(() => undefined);
    } else if (event.key === 'Escape') {
      if (text || open) {
        event.preventDefault();
        event.stopPropagation();
        setText('');
        setOpen(false);
      }
    }
  };

  return (
    <div className="wl-search">
      <div className="search-box wl-search-box">
        <input
          type="search"
          className="input"
          placeholder="Add instrument: symbol or name"
          aria-label="Search instruments to add to the watchlist"
          role="combobox"
          aria-expanded={showList && results.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showList && results[activeIndex] ? `${listId}-${activeIndex}` : undefined}
          value={text}
          disabled={disabled}
          onChange={(event) => {
            setText(event.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
          data-testid="watchlist-search"
          {...{ [PAGE_SEARCH_ATTRIBUTE]: '' }}
        />
        {!text && <Kbd>/</Kbd>}
      </div>
      {showList && (
        <div className="wl-search-popover" data-testid="watchlist-search-results">
          <ul id={listId} role="listbox" aria-label="Matching instruments" className="wl-search-list">
            {results.map((instrument, index) => {
              const added = listed.includes(instrument.symbol);
              return (
                <li
                  key={instrument.symbol}
                  id={`${listId}-${index}`}
                  role="option"
                  aria-selected={index === activeIndex}
                  className="wl-search-option"
                  // Keep focus in the box so the list stays open for the next add.
                  onMouseDown={(event) => event.preventDefault()}
                  onMouseEnter={() => setActive(index)}
                  onClick={() => add(instrument)}
                  data-testid={`watchlist-search-result-${instrument.symbol}`}
                  data-added={added}
                >
                  <span className="wl-search-symbol mono">{instrument.symbol}</span>
                  <span className="wl-search-name muted">{instrument.name}</span>
                  <span className="wl-search-tags">
                    {added ? <span className="chip chip-positive">added</span> : null}
                    <span className="chip chip-neutral">{instrument.exchange}</span>
                    <span className="chip chip-neutral">{instrument.instrumentType}</span>
                  </span>
                </li>
              );
            })}
          </ul>
          {search.isError && <p className="wl-search-hint text-negative">{describeError(search.error)}</p>}
          {settled && results.length === 0 && !search.isError && (
            <p className="wl-search-hint muted">No instrument matches “{text.trim()}”.</p>
          )}
          {!settled && results.length === 0 && !search.isError && <p className="wl-search-hint muted">Searching…</p>}
        </div>
      )}
    </div>
  );
}
