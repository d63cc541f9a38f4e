import type { Page } from '@tradeloop/contracts';

/**
 * Flattens cursor pages into rows, dropping repeats: pages read at different moments can
 * overlap, and a duplicate React key would corrupt the table.
 */
export function flattenPages<T extends { id: string }>(pages: readonly Page<T>[] | undefined): T[] {
  const seen = new Set<string>();
  const rows: T[] = [];
  for (const page of pages ?? []) {
    for (const item of page.items) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      rows.push(item);
    }
  }
  return rows;
}
