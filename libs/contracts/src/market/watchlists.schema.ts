import { z } from 'zod';
import { trimmedText } from '../common';

export const WATCHLISTS_MAX_PER_USER = 10;
export const WATCHLIST_MAX_SYMBOLS = 100;

const NameSchema = trimmedText(40);
const SymbolSchema = trimmedText(40);

/** A user's named, ordered list of instruments. */
export const WatchlistSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  symbols: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Watchlist = z.infer<typeof WatchlistSchema>;
export const WatchlistListSchema = z.object({ items: z.array(WatchlistSchema) });
export type WatchlistList = z.infer<typeof WatchlistListSchema>;

export const CreateWatchlistSchema = z.strictObject({
  name: NameSchema,
  symbols: z.array(SymbolSchema).max(WATCHLIST_MAX_SYMBOLS).default([]),
});
export const RenameWatchlistSchema = z.strictObject({ name: NameSchema });
/** Replaces the whole ordered list (reorder, bulk edit). Duplicates are refused. */
export const ReplaceWatchlistSymbolsSchema = z.strictObject({
  symbols: z
    .array(SymbolSchema)
    .max(WATCHLIST_MAX_SYMBOLS, `at most ${WATCHLIST_MAX_SYMBOLS} symbols`)
    .refine((s) => new Set(s).size === s.length, 'symbols must not repeat'),
});
export const AddWatchlistSymbolSchema = z.strictObject({ symbol: SymbolSchema });
