import { useEffect, useRef } from 'react';
import { Toaster } from 'sonner';
import './ToastHost.css';

const HOST_ID = 'toast-host';

/**
 * Toasts live in a manual popover so they can join the browser's top layer: a modal <dialog>
 * sits in the top layer too and would otherwise cover (and dim) an error toast raised from it.
 */
export function ToastHost() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = ref.current;
    if (host && !host.matches(':popover-open')) host.showPopover();
  }, []);
  return (
    <div id={HOST_ID} ref={ref} popover="manual" className="toast-host">
      <Toaster theme="dark" position="bottom-right" richColors closeButton duration={6_000} toastOptions={{ className: 'toast' }} />
    </div>
  );
}

/** Re-enters the top layer above whatever modal was just opened (last shown is drawn on top). */
export function raiseToasts(): void {
  const host = document.getElementById(HOST_ID);
  if (!host?.matches(':popover-open')) return;
  host.hidePopover();
  host.showPopover();
}
