import { useState } from 'react';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { useInstrumentSearch } from '../trade-api';

const SEARCH_DEBOUNCE_MS = 200;

/** The instrument box: shows the symbol; typing searches, a click or Enter picks a match. */
export function SymbolField({ symbol, onPick }: { symbol: string; onPick: (symbol: string) => void }) {
  const [text, setText] = useState<string | null>(null);
  const query = useDebouncedValue(text ?? '', SEARCH_DEBOUNCE_MS);
  const search = useInstrumentSearch(text === null ? '' : query);
  const results = text ? (search.data?.items ?? []).filter((i) => i.instrumentType !== 'INDEX').slice(0, 8) : [];
  const pick = (s: string) => {
    setText(null);
    onPick(s);
  };
  return (
    <div className="ticket-symbol">
      <input
        className="input mono"
        aria-label="Instrument"
        value={text ?? symbol}
        onFocus={(e) => e.target.select()}
        onChange={(e) => setText(e.target.value.toUpperCase())}
        onBlur={() => window.setTimeout(() => setText(null), 150)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            const exact = results.find((i) => i.symbol === text?.trim());
            const first = exact ?? results[0];
            if (first) pick(first.symbol);
          } else if (e.key === 'Escape' && text !== null) {
            e.preventDefault();
            e.stopPropagation();
            setText(null);
          }
        }}
        autoComplete="off"
        spellCheck={false}
        data-testid="ticket-symbol"
      />
      {results.length > 0 && (
        <ul className="ticket-symbol-list" role="listbox" aria-label="Matching instruments">
          {results.map((i) => (
            <li
              key={i.symbol}
              role="option"
              aria-selected={i.symbol === symbol}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(i.symbol)}
              data-testid={`ticket-symbol-option-${i.symbol}`}
            >
              <span className="mono">{i.symbol}</span> <span className="muted">{i.name}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
