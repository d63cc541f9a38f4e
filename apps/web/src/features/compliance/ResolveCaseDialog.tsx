import { useRef, useState, type RefObject } from 'react';
import type { ComplianceCase } from '@tradeloop/contracts';
import { Dialog } from '../../components/Dialog';
import { describeError } from '../../lib/api';
import { figuresSummary, kindLabel } from './case-format';
import { useResolveCase } from './reconciliation-api';

const NOTE_MAX = 2000;

/** Closing a case with a note (audited as compliance.case_resolved; the first resolution stands). */
interface ResolveCaseDialogProps {
  target: ComplianceCase | null;
  onClose: () => void;
  onResolved: (resolved: ComplianceCase) => void;
}

export function ResolveCaseDialog({ target, onClose, onResolved }: ResolveCaseDialogProps) {
  const noteRef = useRef<HTMLTextAreaElement>(null);
  return (
    <Dialog open={target !== null} title="Resolve case" onClose={onClose} testId="resolve-case-dialog" initialFocus={noteRef}>
      {target && <ResolveForm key={target.id} target={target} noteRef={noteRef} onClose={onClose} onResolved={onResolved} />}
    </Dialog>
  );
}

function ResolveForm({
  target,
  noteRef,
  onClose,
  onResolved,
}: {
  target: ComplianceCase;
  noteRef: RefObject<HTMLTextAreaElement | null>;
  onClose: () => void;
  onResolved: (resolved: ComplianceCase) => void;
}) {
  const [note, setNote] = useState('');
  const resolve = useResolveCase();
  const enabled = note.trim() !== '' && !resolve.isPending;
  const summary = figuresSummary(target);
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (enabled)
          resolve.mutate(
            { id: target.id, note: note.trim() },
            {
              onSuccess: (resolved) => {
                onResolved(resolved);
                onClose();
              },
            },
          );
      }}
    >
      <dl className="properties properties-compact">
        <dt>Kind</dt>
        <dd>{kindLabel(target.kind)}</dd>
        <dt>Subject</dt>
        <dd className="mono break">{target.subject}</dd>
        <dt>Day</dt>
        <dd className="mono">{target.tradingDay}</dd>
        {summary && (
          <>
            <dt>Figures</dt>
            <dd className="mono">{summary}</dd>
          </>
        )}
      </dl>
      <label className="field">
        <span className="label">Resolution note (audited)</span>
        <textarea
          ref={noteRef}
          className="input case-note"
          value={note}
          maxLength={NOTE_MAX}
          rows={4}
          required
          onChange={(e) => setNote(e.target.value)}
          placeholder="What explains the difference, and what was done"
          data-testid="resolve-note"
        />
        <span className="field-hint">
          {note.length}/{NOTE_MAX} · the first resolution stands; it cannot be edited later.
        </span>
      </label>
      {resolve.isError && (
        <div className="notice notice-error" role="alert" data-testid="resolve-error">
          {describeError(resolve.error)}
        </div>
      )}
      <div className="dialog-footer">
        <button type="button" className="button button-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!enabled} data-testid="resolve-confirm">
          {resolve.isPending ? 'Resolving…' : 'Resolve case'}
        </button>
      </div>
    </form>
  );
}
