/** `attachment; filename="ledger-….csv"` (or RFC 5987 `filename*=UTF-8''…`) → the file name. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return sanitize(decodeURIComponent(extended[1].trim())) || fallback;
    } catch {
      // Malformed percent-encoding: fall through to the plain parameter.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  const name = plain?.[2] ?? plain?.[1]?.trim();
  return (name && sanitize(name)) || fallback;
}

/** A server-chosen name must not smuggle in a path. */
const sanitize = (name: string): string => name.replace(/[/\\]/g, '_').replace(/^\.+/, '').trim();

/**
 * Hands a blob to the browser's download manager through a temporary object URL. The URL is
 * revoked once the click has been dispatched, so the blob can be garbage collected.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking synchronously can cancel the download in some browsers; a tick later is safe.
  window.setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** "12.4 kB" for a toast. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
