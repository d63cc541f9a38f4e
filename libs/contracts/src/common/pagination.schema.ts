import { z } from 'zod';
import { orNull } from './text.schema';

export const LIMIT_MAX = 500;
export const LIMIT_DEFAULT = 50;

/** `?limit=&cursor=` as docs/api.md "Conventions" defines for every list. Cursors are opaque to clients. */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(LIMIT_DEFAULT),
  cursor: z.string().min(1).max(512).optional(),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: orNull(z.string(), 'this is the last page') });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
