import { useRef, useState, type ReactNode, type RefObject } from 'react';
import { describeError } from '../lib/api';
import { Dialog } from './Dialog';

export interface ReasonField {
  label: ReactNode;
  /** The confirm button stays disabled until a reason is typed. */
  required: boolean;
  placeholder?: string;
  testId: string;
}

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  testId?: string;
  /** What confirming does, and any fields of the dialog's own (shown above the reason). */
  children?: ReactNode;
  /** Asks for a reason (audited). The dialog keeps what is typed until it closes. */
  reason?: ReasonField;
  /** Called with the trimmed reason ('' without a reason field). */
  onConfirm: (reason: string) => void;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  /** False keeps the confirm button disabled (a choice or a change still missing). */
  canConfirm?: boolean;
  tone?: 'danger' | 'primary';
  confirmTestId: string;
  cancelLabel?: string;
  /** A refusal of the last attempt, shown as an alert above the buttons. */
  error?: unknown;
  errorTestId: string;
  /** The caller's fields are checked by the server, not by the browser. */
  noValidate?: boolean;
}

/**
 * The confirmation an action with consequences goes through: a modal <dialog> (labelled by its
 * title, Esc closes it, focus returns to the opener) saying what happens, an optional reason (it
 * takes the focus when the dialog opens), the last refusal, and Cancel / confirm.
 */
export function ConfirmDialog({ open, title, onClose, testId, reason, ...form }: ConfirmDialogProps) {
  const reasonRef = useRef<HTMLInputElement>(null);
  return (
    <Dialog open={open} title={title} onClose={onClose} testId={testId} initialFocus={reason ? reasonRef : undefined}>
      <ConfirmForm {...form} reason={reason} reasonRef={reasonRef} onClose={onClose} />
    </Dialog>
  );
}

/** Mounted while the dialog is open, so the reason starts empty each time. */
function ConfirmForm({
  children,
  reason,
  reasonRef,
  onConfirm,
  onClose,
  confirmLabel,
  pendingLabel,
  pending,
  canConfirm = true,
  tone = 'primary',
  confirmTestId,
  cancelLabel = 'Cancel',
  error,
  errorTestId,
  noValidate,
}: Omit<ConfirmDialogProps, 'open' | 'title' | 'testId'> & { reasonRef: RefObject<HTMLInputElement | null> }) {
  const [text, setText] = useState('');
  const enabled = canConfirm && !pending && !(reason?.required && !text.trim());
  return (
    <form
      className="stack"
      noValidate={noValidate}
      onSubmit={(event) => {
        event.preventDefault();
        if (enabled) onConfirm(text.trim());
      }}
    >
      {children}
      {reason && (
        <label className="field">
          <span className="label">{reason.label}</span>
          <input
            ref={reasonRef}
            className="input"
            value={text}
            maxLength={200}
            onChange={(e) => setText(e.target.value)}
            placeholder={reason.placeholder}
            data-testid={reason.testId}
          />
        </label>
      )}
      {error != null && (
        <div className="notice notice-error" role="alert" data-testid={errorTestId}>
          {describeError(error)}
        </div>
      )}
      <div className="dialog-footer">
        <button type="button" className="button button-ghost" onClick={onClose}>
          {cancelLabel}
        </button>
        <button type="submit" className={`button button-${tone}`} disabled={!enabled} data-testid={confirmTestId}>
          {pending ? pendingLabel : confirmLabel}
        </button>
      </div>
    </form>
  );
}
