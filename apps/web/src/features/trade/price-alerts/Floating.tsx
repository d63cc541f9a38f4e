import { useLayoutEffect, useState, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

interface Place {
  top: number;
  right: number;
  maxHeight: number;
}

/**
 * Content floating under an anchor, right-aligned with it, drawn in document.body: the chart's
 * panel clips what overflows it (a small window leaves the chart little height), a portal does
 * not. It follows the anchor when the window is resized or scrolled.
 */
export function Floating({
  anchor,
  children,
  className,
}: {
  anchor: RefObject<HTMLElement | null>;
  children: ReactNode;
  className?: string;
}) {
  const [place, setPlace] = useState<Place | null>(null);
  useLayoutEffect(() => {
    const measure = () => {
      const rect = anchor.current?.getBoundingClientRect();
      if (!rect) return;
      const top = rect.bottom + 6;
      setPlace({ top, right: Math.max(8, window.innerWidth - rect.right), maxHeight: Math.max(160, window.innerHeight - top - 8) });
    };
    measure();
    window.addEventListener('resize', measure);
    window.addEventListener('scroll', measure, true);
    return () => {
      window.removeEventListener('resize', measure);
      window.removeEventListener('scroll', measure, true);
    };
  }, [anchor]);
  if (!place) return null;
  return createPortal(
    <div className={`floating ${className ?? ''}`} style={{ top: place.top, right: place.right, maxHeight: place.maxHeight }}>
      {children}
    </div>,
    document.body,
  );
}
