import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import './CopyButton.css';

/** Copies a value (a hash, an id) to the clipboard and confirms in place for a moment. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return undefined;
    const timer = window.setTimeout(() => setCopied(false), 1_500);
    return () => window.clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      toast.error('Could not copy', { description: 'The browser refused clipboard access; select the text instead.' });
    }
  };

  return (
    <button
      type="button"
      className="button button-small button-copy"
      onClick={() => void copy()}
      aria-label={`Copy ${label}`}
      title={`Copy ${label}`}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
