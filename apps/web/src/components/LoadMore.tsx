interface LoadMoreProps {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  shown: number;
  noun: string;
}

/** Footer of a cursor-paged table: how many rows are shown and a button for the next page. */
export function LoadMore({ hasMore, loading, onLoadMore, shown, noun }: LoadMoreProps) {
  return (
    <div className="table-footer">
      <span className="muted mono">
        {shown} {noun}
        {hasMore ? ' shown' : ''}
      </span>
      {hasMore && (
        <button type="button" className="button" onClick={onLoadMore} disabled={loading} data-testid="load-more">
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
