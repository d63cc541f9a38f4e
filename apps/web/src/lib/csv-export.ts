import { useMutation } from '@tanstack/react-query';
import { toast } from 'sonner';
import { apiResponse, describeError, type QueryValue } from './api';
import { filenameFromDisposition, formatBytes, saveBlob } from './download';

/** What one CSV export asks for: the route, its filters, the file name to fall back on, and what comes first in it. */
export interface CsvExport {
  path: string;
  query: Record<string, QueryValue>;
  fallbackName: string;
  /** "entry", "event", "order": the toast says "oldest <first> first". */
  first: string;
}

/**
 * Downloads a server-side CSV export (the server names the file; it streams oldest first and audits
 * the export) and says how it went in a toast. One implementation for every export button.
 */
export function useCsvExport() {
  return useMutation({
    mutationFn: async ({ path, query, fallbackName, first }: CsvExport) => {
      const response = await apiResponse(path, { query, headers: { accept: 'text/csv' } });
      const filename = filenameFromDisposition(response.headers.get('content-disposition'), fallbackName);
      const blob = await response.blob();
      saveBlob(blob, filename);
      return { filename, size: blob.size, first };
    },
    onSuccess: ({ filename, size, first }) => {
      toast.success(`Exported ${filename}`, { description: `${formatBytes(size)} of CSV, oldest ${first} first` });
    },
    onError: (error) => {
      toast.error('Export failed', { description: describeError(error) });
    },
  });
}
