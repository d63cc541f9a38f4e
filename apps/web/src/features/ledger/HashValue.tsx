import { CopyButton } from '../../components/CopyButton';

/** A hash or id in full, selectable in one click, with a copy button. */
export function HashValue({ label, value, testId }: { label: string; value: string | null; testId?: string }) {
  if (value === null) return <span className="muted">not sealed yet</span>;
  return (
    <span className="hash">
      <code className="hash-text" data-testid={testId}>
        {value}
      </code>
      <CopyButton value={value} label={label} />
    </span>
  );
}
