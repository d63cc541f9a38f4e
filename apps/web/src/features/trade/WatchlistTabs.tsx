/*
 * Test ids:
 *   watchlist-tabs                 the tab strip
 *   watchlist-tab-<name>           one list's tab (aria-selected on the active one); double-click renames
 *   watchlist-new                  "+" create a list
 *   watchlist-rename               rename the active list
 *   watchlist-delete               delete the active list
 *   watchlist-name-dialog          create/rename dialog: watchlist-name-input, watchlist-name-submit
 *   watchlist-delete-dialog        delete confirmation: watchlist-delete-confirm
 */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { WATCHLISTS_MAX_PER_USER, type Watchlist } from '@tradeloop/contracts';
import { Dialog } from '../../components/Dialog';
import { FormField } from '../auth/FormField';
import { describeError } from '../../lib/api';

interface WatchlistTabsProps {
  lists: readonly Watchlist[];
  activeId: string | null;
  busy: boolean;
  onActivate: (id: string) => void;
  onCreate: (name: string) => Promise<unknown>;
  onRename: (id: string, name: string) => Promise<unknown>;
  onDelete: (id: string) => Promise<unknown>;
}

type Editing = { mode: 'create' } | { mode: 'rename'; list: Watchlist } | null;

export function WatchlistTabs({ lists, activeId, busy, onActivate, onCreate, onRename, onDelete }: WatchlistTabsProps) {
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Watchlist | null>(null);
  const active = lists.find((w) => w.id === activeId) ?? null;
  const full = lists.length >= WATCHLISTS_MAX_PER_USER;

  // Arrow keys move between tabs (the WAI-ARIA tabs pattern), activating as they go.
  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step || lists.length < 2) return;
    event.preventDefault();
    const next = lists[(index + step + lists.length) % lists.length]!;
    onActivate(next.id);
    const strip = event.currentTarget.parentElement;
    requestAnimationFrame(() => strip?.querySelector<HTMLElement>(`[data-id="${next.id}"]`)?.focus());
  };

  return (
    <div className="wl-tabs-bar">
      <div className="wl-tabs" role="tablist" aria-label="Watchlists" data-testid="watchlist-tabs">
        {lists.map((list, index) => (
          <button
            key={list.id}
            type="button"
            role="tab"
            aria-selected={list.id === activeId}
            tabIndex={list.id === activeId ? 0 : -1}
            className="wl-tab"
            onClick={() => onActivate(list.id)}
            onDoubleClick={() => setEditing({ mode: 'rename', list })}
            onKeyDown={(event) => onTabKeyDown(event, index)}
            title={`${list.name} (${list.symbols.length})`}
            data-id={list.id}
            data-testid={`watchlist-tab-${list.name}`}
          >
            {list.name}
            <span className="wl-tab-count">{list.symbols.length}</span>
          </button>
        ))}
      </div>
      <div className="wl-tab-actions">
        <button
          type="button"
          className="icon-button"
          aria-label="New watchlist"
          title={full ? `At most ${WATCHLISTS_MAX_PER_USER} watchlists` : 'New watchlist'}
          disabled={full || busy}
          onClick={() => setEditing({ mode: 'create' })}
          data-testid="watchlist-new"
        >
          +
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Rename watchlist"
          title="Rename watchlist"
          disabled={!active || busy}
          onClick={() => active && setEditing({ mode: 'rename', list: active })}
          data-testid="watchlist-rename"
        >
          <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" className="wl-icon">
            <path d="M11 2.5l2.5 2.5L6 12.5H3.5V10z" />
          </svg>
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Delete watchlist"
          title="Delete watchlist"
          disabled={!active || busy}
          onClick={() => setDeleting(active)}
          data-testid="watchlist-delete"
        >
          <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" className="wl-icon">
            <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5" />
          </svg>
        </button>
      </div>

      <Dialog
        open={editing !== null}
        title={editing?.mode === 'rename' ? 'Rename watchlist' : 'New watchlist'}
        onClose={() => setEditing(null)}
        testId="watchlist-name-dialog"
      >
        {editing && (
          <NameForm
            key={editing.mode === 'rename' ? editing.list.id : 'new'}
            initial={editing.mode === 'rename' ? editing.list.name : suggestName(lists)}
            submitLabel={editing.mode === 'rename' ? 'Rename' : 'Create'}
            onSubmit={(name) => (editing.mode === 'rename' ? onRename(editing.list.id, name) : onCreate(name))}
            onDone={() => setEditing(null)}
          />
        )}
      </Dialog>

      <Dialog open={deleting !== null} title="Delete watchlist" onClose={() => setDeleting(null)} testId="watchlist-delete-dialog">
        {deleting && (
          <div className="stack">
            <p>
              Delete <strong>{deleting.name}</strong> and its {deleting.symbols.length}{' '}
              {deleting.symbols.length === 1 ? 'instrument' : 'instruments'}? This cannot be undone.
            </p>
            <div className="dialog-footer">
              <button type="button" className="button" onClick={() => setDeleting(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="button button-danger"
                disabled={busy}
                onClick={() => {
                  void onDelete(deleting.id).finally(() => setDeleting(null));
                }}
                data-testid="watchlist-delete-confirm"
              >
                Delete
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </div>
  );
}

function NameForm({
  initial,
  submitLabel,
  onSubmit,
  onDone,
}: {
  initial: string;
  submitLabel: string;
  onSubmit: (name: string) => Promise<unknown>;
  onDone: () => void;
}) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setError('Give the watchlist a name');
      return;
    }
    setPending(true);
    try {
      await onSubmit(trimmed);
      onDone();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setPending(false);
    }
  };
  return (
    <form className="form" onSubmit={(event) => void submit(event)} noValidate>
      <FormField
        label="Name"
        value={name}
        maxLength={40}
        autoFocus
        onChange={(event) => {
          setName(event.target.value);
          setError(null);
        }}
        errors={error ? [error] : []}
        data-testid="watchlist-name-input"
      />
      <div className="dialog-footer">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={pending} data-testid="watchlist-name-submit">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/** "Watchlist N" with the first N not taken. */
function suggestName(lists: readonly Watchlist[]): string {
  const taken = new Set(lists.map((w) => w.name.toLowerCase()));
  for (let n = lists.length + 1; ; n += 1) if (!taken.has(`watchlist ${n}`)) return `Watchlist ${n}`;
}
