import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { DIRECTORY_IDS_MAX, type UserRef, type UserRefList } from '@tradeloop/contracts';
import { api } from './api';

export const directoryQueryKey = ['directory', 'users'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUserId = (value: string): boolean => UUID.test(value.trim());

/** The distinct user ids among `ids`, lower-cased and sorted (a stable query key), in chunks the API takes. */
export function directoryChunks(ids: readonly (string | null | undefined)[], size = DIRECTORY_IDS_MAX): string[][] {
  const distinct = [
    ...new Set(ids.filter((id): id is string => typeof id === 'string' && isUserId(id)).map((id) => id.toLowerCase())),
  ].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < distinct.length; i += size) chunks.push(distinct.slice(i, i + size));
  return chunks;
}

/** Looks a person up by id; undefined while loading or for an id nobody has. */
export type Directory = (id: string | null | undefined) => UserRef | undefined;

/**
 * Names for the user ids a page shows (admins and compliance: `GET /api/v1/directory/users`).
 * People do not change names often: results stay fresh for five minutes.
 */
export function useUserDirectory(ids: readonly (string | null | undefined)[]): Directory {
  const chunks = directoryChunks(ids);
  const results = useQueries({
    queries: chunks.map((chunk) => ({
      queryKey: [...directoryQueryKey, 'ids', chunk.join(',')],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api<UserRefList>('/api/v1/directory/users', { signal, query: { ids: chunk.join(',') } }),
      staleTime: 300_000,
    })),
  });
  const byId = new Map<string, UserRef>();
  for (const r of results) for (const user of r.data?.items ?? []) byId.set(user.id, user);
  return (id) => (id ? byId.get(id.toLowerCase()) : undefined);
}

/** People whose email or name contains `text` (exact email first). */
export function useUserSearch(text: string) {
  const query = text.trim();
  return useQuery({
    queryKey: [...directoryQueryKey, 'search', query.toLowerCase()],
    queryFn: ({ signal }) => api<UserRefList>('/api/v1/directory/users', { signal, query: { query, limit: 8 } }),
    enabled: query.length > 0 && !isUserId(query),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
