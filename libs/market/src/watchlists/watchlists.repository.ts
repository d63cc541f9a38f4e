import { Injectable } from '@nestjs/common';
import type { Watchlist } from '@tradeloop/contracts';
import type { Sql } from '@tradeloop/platform';

interface WatchlistRow {
  id: string;
  name: string;
  symbols: string[];
  created_at: Date;
  updated_at: Date;
}

const toWatchlist = (r: WatchlistRow): Watchlist => ({
  id: r.id,
  name: r.name,
  symbols: r.symbols,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** One or all of a user's lists with their symbols in order. `$1` is the user, `$2` an optional list id. */
const SELECT_WATCHLISTS = `
  SELECT w.id, w.name, w.created_at, w.updated_at,
         coalesce(array_agg(i.symbol ORDER BY i.position) FILTER (WHERE i.symbol IS NOT NULL), '{}') AS symbols
  FROM watchlists w
  LEFT JOIN watchlist_items i ON i.watchlist_id = w.id
  WHERE w.user_id = $1 AND ($2::uuid IS NULL OR w.id = $2::uuid)
  GROUP BY w.id
  ORDER BY w.position, w.created_at, w.id`;

/** SQL for watchlists and their items. Every method runs on the caller's `Sql` (usually a transaction). */
@Injectable()
export class WatchlistsRepository {
  async list(sql: Sql, userId: string): Promise<Watchlist[]> {
    return (await sql.rows<WatchlistRow>(SELECT_WATCHLISTS, [userId, null])).map(toWatchlist);
  }

  async find(sql: Sql, userId: string, id: string): Promise<Watchlist | undefined> {
    const row = await sql.maybeOne<WatchlistRow>(SELECT_WATCHLISTS, [userId, id]);
    return row && toWatchlist(row);
  }

  /**
   * Serialises changes to one user's set of lists (create, rename, delete, the default list) so
   * the count limit, name uniqueness and positions are checked against a settled state.
   */
  async lockUser(sql: Sql, userId: string): Promise<void> {
    await sql.rows(`SELECT pg_advisory_xact_lock(hashtext('tradeloop:watchlists:' || $1::text))`, [userId]);
  }

  /** Locks one list of the user for a change to its symbols; false when it is not theirs. */
  async lockList(sql: Sql, userId: string, id: string): Promise<boolean> {
    const row = await sql.maybeOne(`SELECT 1 FROM watchlists WHERE id = $1 AND user_id = $2 FOR UPDATE`, [id, userId]);
    return row !== undefined;
  }

  async count(sql: Sql, userId: string): Promise<number> {
    const row = await sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM watchlists WHERE user_id = $1`, [userId]);
    return row.n;
  }

  async nameTaken(sql: Sql, userId: string, name: string, exceptId: string | null = null): Promise<boolean> {
    const row = await sql.maybeOne(
      `SELECT 1 FROM watchlists WHERE user_id = $1 AND lower(name) = lower($2) AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [userId, name, exceptId],
    );
    return row !== undefined;
  }

  /** Appends a list after the user's others; false when the name is taken (case-insensitive). */
  async insert(sql: Sql, row: { id: string; userId: string; name: string }): Promise<boolean> {
    const rows = await sql.rows(
      `INSERT INTO watchlists (id, user_id, name, position)
       SELECT $1::uuid, $2::uuid, $3::text, coalesce(max(position) + 1, 0) FROM watchlists WHERE user_id = $2::uuid
       ON CONFLICT (user_id, lower(name)) DO NOTHING
       RETURNING id`,
      [row.id, row.userId, row.name],
    );
    return rows.length === 1;
  }

  async rename(sql: Sql, userId: string, id: string, name: string): Promise<boolean> {
    const rows = await sql.rows(`UPDATE watchlists SET name = $3, updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING id`, [
      id,
      userId,
      name,
    ]);
    return rows.length === 1;
  }

  async delete(sql: Sql, userId: string, id: string): Promise<boolean> {
    const rows = await sql.rows(`DELETE FROM watchlists WHERE id = $1 AND user_id = $2 RETURNING id`, [id, userId]);
    return rows.length === 1;
  }

  async touch(sql: Sql, id: string): Promise<void> {
    await sql.rows(`UPDATE watchlists SET updated_at = now() WHERE id = $1`, [id]);
  }

  /** The given symbols that are not in the instrument master, in the order given. */
  async unknownSymbols(sql: Sql, symbols: readonly string[]): Promise<string[]> {
    if (symbols.length === 0) return [];
    const known = await sql.rows<{ symbol: string }>(`SELECT symbol FROM instruments WHERE symbol = ANY($1::text[])`, [symbols]);
    const set = new Set(known.map((r) => r.symbol));
    return symbols.filter((s) => !set.has(s));
  }

  async symbols(sql: Sql, id: string): Promise<string[]> {
    const rows = await sql.rows<{ symbol: string }>(`SELECT symbol FROM watchlist_items WHERE watchlist_id = $1 ORDER BY position`, [id]);
    return rows.map((r) => r.symbol);
  }

  /** Replaces the whole list with `symbols` in this order. */
  async replaceItems(sql: Sql, id: string, symbols: readonly string[]): Promise<void> {
    await sql.rows(`DELETE FROM watchlist_items WHERE watchlist_id = $1`, [id]);
    if (symbols.length === 0) return;
    await sql.rows(
      `INSERT INTO watchlist_items (watchlist_id, symbol, position)
       SELECT $1::uuid, s.symbol, s.ord - 1 FROM unnest($2::text[]) WITH ORDINALITY AS s(symbol, ord)`,
      [id, symbols],
    );
  }

  async appendItem(sql: Sql, id: string, symbol: string): Promise<void> {
    await sql.rows(
      `INSERT INTO watchlist_items (watchlist_id, symbol, position)
       SELECT $1::uuid, $2::text, coalesce(max(position) + 1, 0) FROM watchlist_items WHERE watchlist_id = $1::uuid`,
      [id, symbol],
    );
  }

  async removeItem(sql: Sql, id: string, symbol: string): Promise<boolean> {
    const rows = await sql.rows(`DELETE FROM watchlist_items WHERE watchlist_id = $1 AND symbol = $2 RETURNING symbol`, [id, symbol]);
    return rows.length === 1;
  }
}
