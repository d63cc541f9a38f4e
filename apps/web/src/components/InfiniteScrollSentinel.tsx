import { useEffect, useRef } from 'react';

interface InfiniteScrollSentinelProps {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  /** How far ahead of the viewport's bottom edge to start loading. */
  rootMargin?: string;
}

/**
 * An invisible marker after the last row: when it scrolls into view the next page is fetched.
 * The observer is recreated after each load, and a fresh observer reports the current state at
 * once, so a page too short to fill the screen keeps loading until the sentinel leaves view.
 */
export function InfiniteScrollSentinel({ hasMore, loading, onLoadMore, rootMargin = '240px' }: InfiniteScrollSentinelProps) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = ref.current;
    if (!target || !hasMore || loading || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver(
      (records) => {
        if (records.some((record) => record.isIntersecting)) {
          observer.disconnect();
          onLoadMore();
        }
      },
      { rootMargin },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasMore, loading, onLoadMore, rootMargin]);

  return <div ref={ref} className="scroll-sentinel" aria-hidden="true" data-testid="scroll-sentinel" />;
}
