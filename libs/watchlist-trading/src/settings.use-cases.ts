import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  indexProfileOf,
  resolveSettings,
  validateSettings,
  type Instrument,
  type ResolvedSettings,
  type SettingsTierName,
  type SettingsTierValues,
  type UserId,
} from '@tradeloop/domain';
import type { EffectiveSettings, SettingsTierDto, SettingsValues } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { BrokerAccountsRepository } from '@tradeloop/accounts';
import { InstrumentsRepository } from '@tradeloop/market';
import { SettingsRepository, tierId, type StoredTier } from './settings.repository';
import { WatchlistTradingRepository } from './watchlist-trading.repository';

/** Which tier instance a GET or PUT addresses. */
export type TierRef =
  | { tier: 'global' }
  | { tier: 'index'; underlying: string }
  | { tier: 'watchlist'; watchlistId: string }
  | { tier: 'user' }
  | { tier: 'symbol'; symbol: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNDERLYING = /^[A-Z0-9&_-]{1,40}$/;

/**
 * The six tiers of watchlist trading settings (docs/watchlist-trading.md, "Settings: six tiers"):
 * who may read and write each, what a tier may hold, and the effective set of a row.
 */
@Injectable()
export class TradingSettingsService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(SettingsRepository) private readonly repo: SettingsRepository,
    @Inject(WatchlistTradingRepository) private readonly wt: WatchlistTradingRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(BrokerAccountsRepository) private readonly accounts: BrokerAccountsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  /** The tier's row id and key, after checking the caller may address it (404 for another's watchlist, an unknown symbol or underlying). */
  private async address(sql: Sql, userId: UserId, ref: TierRef): Promise<{ id: string; key: string; owner: string | null }> {
    switch (ref.tier) {
      case 'global':
        return { id: tierId.global(), key: '', owner: null };
      case 'index': {
        const u = ref.underlying.toUpperCase();
        if (!UNDERLYING.test(u) || !(await this.wt.isUnderlying(sql, u))) throw new DomainError('NOT_FOUND', `No index or underlying ${u}`);
        return { id: tierId.index(u), key: u, owner: null };
      }
      case 'watchlist':
        if (!UUID.test(ref.watchlistId) || !(await this.wt.ownsWatchlist(sql, userId, ref.watchlistId)))
          throw new DomainError('NOT_FOUND', 'No such watchlist');
        return { id: tierId.watchlist(ref.watchlistId.toLowerCase()), key: ref.watchlistId.toLowerCase(), owner: userId };
      case 'user':
        return { id: tierId.user(userId), key: userId, owner: userId };
      case 'symbol': {
        const s = ref.symbol.toUpperCase();
        if (s.length > 40 || !(await this.instruments.cachedBySymbol(s, sql))) throw new DomainError('NOT_FOUND', `No instrument ${s}`);
        return { id: tierId.symbol(userId, s), key: s, owner: userId };
      }
    }
  }

  async get(userId: UserId, ref: TierRef): Promise<SettingsTierDto> {
    const sql = this.db.sql;
    const { id, key } = await this.address(sql, userId, ref);
    const row = await this.repo.get(id, sql);
    return { tier: ref.tier, key, values: row?.values ?? {}, updatedAt: row?.updatedAt?.toISOString() ?? null };
  }

  /**
   * Replaces the tier's set. The shape was checked at the edge (unknown keys are a 400 there);
   * here the rules one tier can break on its own (validateSettings) and the accounts: only a
   * user's own tiers may name accounts, and only accounts the user may trade.
   */
  async put(userId: UserId, ref: TierRef, values: SettingsValues, meta: RequestMeta): Promise<SettingsTierDto> {
    const errors = validateSettings(values as SettingsTierValues).map((e) => ({ ...e, field: `values.${e.field}` }));
    const accountIds = values.accountIds ?? null;
    if (accountIds && accountIds.length > 0) {
      if (ref.tier === 'global' || ref.tier === 'index')
        errors.push({ field: 'values.accountIds', message: 'accounts are chosen per user: set them on a watchlist, user or symbol tier' });
      else
        for (const [i, a] of accountIds.entries())
          if (!(await this.accounts.canTrade(userId, a)))
            errors.push({ field: `values.accountIds.${i}`, message: 'not one of your broker accounts' });
    }
    if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', 'These settings cannot be saved', { fieldErrors: errors });
    return this.db.tx(async (sql) => {
      const { id, key, owner } = await this.address(sql, userId, ref);
      const row = await this.repo.put(sql, { id, tier: ref.tier as StoredTier, ownerUserId: owner, values, updatedBy: userId });
      await this.audit.append(
        {
          actorId: userId,
          action: 'settings.updated',
          subject: `settings:${id}`,
          details: { tier: ref.tier, key, values: row.values },
          meta,
        },
        sql,
      );
      return { tier: ref.tier, key, values: row.values, updatedAt: row.updatedAt?.toISOString() ?? null };
    });
  }

  /** The tier values that apply to a click on `row` of a watchlist (any of them may be absent). */
  async tiersFor(
    sql: Sql,
    userId: UserId,
    watchlistId: string | null,
    row: Instrument | null,
    click: SettingsTierValues | null,
  ): Promise<Partial<Record<SettingsTierName, SettingsTierValues | null>>> {
    const index = row ? indexProfileOf(row) : null;
    const ids = {
      global: tierId.global(),
      index: index ? tierId.index(index) : null,
      watchlist: watchlistId ? tierId.watchlist(watchlistId.toLowerCase()) : null,
      user: tierId.user(userId),
      symbol: row ? tierId.symbol(userId, row.symbol) : null,
    };
    const found = await this.repo.many(
      Object.values(ids).filter((v): v is string => v !== null),
      sql,
    );
    const of = (id: string | null) => (id === null ? null : (found.get(id) ?? null));
    return {
      global: of(ids.global),
      index: of(ids.index),
      watchlist: of(ids.watchlist),
      user: of(ids.user),
      symbol: of(ids.symbol),
      click,
    };
  }

  /** GET /settings/effective: every key's effective value and its tier, for a row of a watchlist (both optional). */
  async effective(userId: UserId, q: { watchlistId?: string; symbol?: string }): Promise<EffectiveSettings> {
    const sql = this.db.sql;
    if (q.watchlistId !== undefined && (!UUID.test(q.watchlistId) || !(await this.wt.ownsWatchlist(sql, userId, q.watchlistId))))
      throw new DomainError('NOT_FOUND', 'No such watchlist');
    let row: Instrument | null = null;
    if (q.symbol !== undefined) {
      row = (await this.instruments.cachedBySymbol(q.symbol.toUpperCase(), sql)) ?? null;
      if (!row)
        throw new DomainError('VALIDATION_FAILED', `Unknown symbol ${q.symbol}`, {
          fieldErrors: [{ field: 'symbol', message: 'no such instrument' }],
        });
    }
    return { values: effectiveDto(resolveSettings(await this.tiersFor(sql, userId, q.watchlistId ?? null, row, null))) };
  }
}

/** The wire form of a resolved set: `{ key: { value, source } }`. */
export const effectiveDto = (r: ResolvedSettings): EffectiveSettings['values'] =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { value: v.value, source: v.source }]));
