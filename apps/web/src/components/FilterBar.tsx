import type { FormEvent, ReactNode } from 'react';
import { PAGE_SEARCH_ATTRIBUTE } from '../app/useGlobalHotkeys';
import { Kbd } from './Kbd';
import './FilterBar.css';

/**
 * A list page's filters: one row (a search landmark) that wraps on narrow screens. With
 * `onSubmit` it is a form, so Enter in any field submits (e.g. re-reads the newest rows).
 */
export function FilterBar({ label, onSubmit, children }: { label?: string; onSubmit?: () => void; children: ReactNode }) {
  if (!onSubmit) {
    return (
      <div className="toolbar" role="search" aria-label={label}>
        {children}
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="toolbar" role="search" aria-label={label} onSubmit={submit}>
      {children}
    </form>
  );
}

interface FilterSearchProps {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  /** The accessible name (the placeholder is not one). */
  label: string;
  testId: string;
  /** Wider box, for ids. */
  wide?: boolean;
  mono?: boolean;
  invalid?: boolean;
  spellCheck?: boolean;
  /** Esc empties a filled box (and does nothing else). */
  clearOnEscape?: boolean;
  /** Shows the `/` key that focuses the box while it is empty. */
  slashHint?: boolean;
}

/** The page's search box: the `/` key focuses it (PAGE_SEARCH_ATTRIBUTE). */
export function FilterSearch({
  value,
  onChange,
  placeholder,
  label,
  testId,
  wide = false,
  mono = false,
  invalid = false,
  spellCheck,
  clearOnEscape = true,
  slashHint = true,
}: FilterSearchProps) {
  return (
    <div className={wide ? 'search-box search-box-wide' : 'search-box'}>
      <input
        type="search"
        className={mono ? 'input mono' : 'input'}
        placeholder={placeholder}
        aria-label={label}
        aria-invalid={invalid || undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={
          clearOnEscape
            ? (e) => {
                if (e.key === 'Escape' && value) {
                  e.preventDefault();
                  onChange('');
                }
              }
            : undefined
        }
        spellCheck={spellCheck}
        data-testid={testId}
        {...{ [PAGE_SEARCH_ATTRIBUTE]: '' }}
      />
      {slashHint && !value && <Kbd>/</Kbd>}
    </div>
  );
}

/** A labelled control in the bar: the label text, then the control (a select, a date…). */
export function FilterField({ label, title, children }: { label: string; title?: string; children: ReactNode }) {
  return (
    <label className="inline-field" title={title}>
      <span>{label}</span>
      {children}
    </label>
  );
}

interface FilterSelectProps<T extends string> {
  label: string;
  value: T | '';
  onChange: (value: T | '') => void;
  options: readonly (T | { value: T; label: string })[];
  /** The first option, the empty value: no filter. */
  anyLabel: string;
  testId: string;
}

/** One of a fixed set, or any. */
export function FilterSelect<T extends string>({ label, value, onChange, options, anyLabel, testId }: FilterSelectProps<T>) {
  return (
    <FilterField label={label}>
      <select className="select" value={value} onChange={(e) => onChange(e.target.value as T | '')} data-testid={testId}>
        <option value="">{anyLabel}</option>
        {options.map((option) => {
          const { value: v, label: text } = typeof option === 'string' ? { value: option, label: option } : option;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </FilterField>
  );
}

/** Pushes what follows to the right end of the bar. */
export const FilterSpacer = () => <div className="toolbar-spacer" />;

/** Re-reads the list: a submit button in a form bar, else a plain button calling onClick. */
export function FilterRefresh({ refreshing, onClick }: { refreshing: boolean; onClick?: () => void }) {
  return (
    <button type={onClick ? 'button' : 'submit'} className="button" onClick={onClick} disabled={refreshing}>
      {refreshing ? 'Refreshing…' : 'Refresh'}
    </button>
  );
}
