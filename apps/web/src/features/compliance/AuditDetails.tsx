/** Event details as compact `key=value` pairs; nested values are shown as JSON. */
export function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="kv-list">
      {entries.map(([key, value]) => (
        <span key={key} className="kv">
          <span className="kv-key">{key}</span>=<span className="kv-value">{formatValue(value)}</span>
        </span>
      ))}
    </span>
  );
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `[${value.join(',')}]`;
  return JSON.stringify(value);
}
