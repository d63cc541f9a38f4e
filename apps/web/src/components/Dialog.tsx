import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { raiseToasts } from './ToastHost';
import './Dialog.css';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  /** What takes focus when it opens (e.g. the field to fill in); by default the browser's pick, the first focusable element. */
  initialFocus?: RefObject<HTMLElement | null>;
}

/**
 * A modal built on the native <dialog>: the browser traps focus, closes on Esc and restores
 * focus to the opener, so none of that is re-implemented here.
 */
export function Dialog({ open, title, onClose, children, testId, initialFocus }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      initialFocus?.current?.focus();
      raiseToasts();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, initialFocus]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-modal="true"
      data-testid={testId}
      onClose={onClose}
      onMouseDown={(event) => {
        // A press on the backdrop lands on the <dialog> itself, not on its content.
        if (event.target === ref.current) onClose();
      }}
    >
      {open && (
        <div className="dialog-surface">
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          <div className="dialog-body">{children}</div>
        </div>
      )}
    </dialog>
  );
}
