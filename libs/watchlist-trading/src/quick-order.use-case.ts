import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  applyStrikePolicy,
  clickQuantity,
  DomainError,
  formatPrice,
  perUnitTicks,
  resolveFuture,
  resolveOption,
  resolveSettings,
  rowUnderlying,
  settingsValues,
  targetPosition,
  todayIst,
  validateResolved,
  type FieldError,
  type Instrument,
  type ResolvedSettings,
  type SettingsTierValues,
  type TargetAction,
  type UserId,
} from '@tradeloop/domain';
import type { IntentInstrument, IntentResult, QuickOrderRequest, QuickOrderResponse } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';
import type { RequestMeta } from '@tradeloop/identity';
import { BrokerAccountDirectory, BrokerAccountsRepository } from '@tradeloop/accounts';
import { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { LegEngine, type LegAccountOutcome, type LegAccountState, type SettleContext } from './leg-engine';
import { STANDING_EXITS, type StandingExits } from './standing-exits.port';
import { effectiveDto, TradingSettingsService } from './settings.use-cases';
import { WatchlistTradingRepository, type LegRow } from './watchlist-trading.repository';

/** Canonical JSON (sorted keys): the body's hash does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
export const quickBodyHash = (body: QuickOrderRequest): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

const invalid = (errors: FieldError[], message = errors.map((e) => `${e.field}: ${e.message}`).join('; ')) =>
  new DomainError('VALIDATION_FAILED', message, { fieldErrors: errors });

/** A field of the resolved settings as a request names it: the click's own under `overrides`. */
const fieldOf = (r: ResolvedSettings, key: keyof ResolvedSettings) => (r[key].source === 'click' ? `overrides.${key}` : key);

const REPLAY_WAIT_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const intentInstrument = (i: Instrument): IntentInstrument => ({
  symbol: i.symbol,
  instrumentType: i.instrumentType,
  expiry: i.expiry ?? null,
  strike: i.strike === undefined ? null : formatPrice(i.strike),
  lotSize: i.lotSize,
});

/** What a BUY-like or SELL-like click trades. */
interface OpenPlan {
  kind: 'open';
  contract: Instrument;
  legKind: LegRow['kind'];
  side: 'BUY' | 'SELL';
}
/** What an EXIT or EXIT_ALL flattens. */
interface ExitPlan {
  kind: 'exit';
  legs: LegRow[];
}

/**
 * POST /api/v1/orders/quick (docs/watchlist-trading.md, "Quick orders", "Intents and target
 * positions", "Fan-out"): one click on a watchlist row as an idempotent intent. Resolves the
 * settings and the contract, snapshots the settings into the intent and onto the leg, and moves
 * each account's target position, sending only the delta through the normal order path. Each
 * account answers for itself; one account's failure never stops the others.
 */
@Injectable()
export class QuickOrderUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistTradingRepository) private readonly repo: WatchlistTradingRepository,
    @Inject(TradingSettingsService) private readonly settings: TradingSettingsService,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(BrokerAccountDirectory) private readonly directory: BrokerAccountDirectory,
    @Inject(BrokerAccountsRepository) private readonly accounts: BrokerAccountsRepository,
    @Inject(LegEngine) private readonly engine: LegEngine,
    @Inject(STANDING_EXITS) private readonly standing: StandingExits,
  ) {}

  async execute(userId: UserId, body: QuickOrderRequest, meta: RequestMeta, now = new Date()): Promise<QuickOrderResponse> {
    const hash = quickBodyHash(body);
    const sql = this.db.sql;
    const rowSymbol = body.symbol.toUpperCase();
    // Independent reads at once (each on its own pooled connection).
    const [earlier, symbols, rowInstrument] = await Promise.all([
      this.repo.findIntent(sql, userId, body.intentId),
      this.repo.watchlistSymbols(sql, userId, body.watchlistId),
      body.action === 'EXIT_ALL' ? null : this.instruments.cachedBySymbol(rowSymbol, sql),
    ]);
    if (earlier) return this.replay(userId, body.intentId, hash);

    if (!symbols) throw new DomainError('NOT_FOUND', 'No such watchlist');
    if (body.action !== 'EXIT_ALL' && !symbols.includes(rowSymbol))
      throw invalid([{ field: 'symbol', message: 'not a row of this watchlist' }]);
    const row = rowInstrument ?? null;
    if (body.action !== 'EXIT_ALL' && !row) throw invalid([{ field: 'symbol', message: 'no such instrument' }]);

    const resolved = resolveSettings(
      await this.settings.tiersFor(sql, userId, body.watchlistId, row, (body.overrides ?? null) as SettingsTierValues | null),
    );
    const values = settingsValues(resolved);
    const plan = await this.plan(sql, userId, body, row, resolved, now);

    // The rules on the resolved set; at an opening click the SL against the contract's price.
    let entry: number | null = null;
    if (plan.kind === 'open')
      entry = (await this.quotes.get([plan.contract.symbol]).catch(() => new Map())).get(plan.contract.symbol)?.[2] ?? null;
    const ruleErrors = validateResolved(values, plan.kind === 'open' ? { side: plan.side, entry } : null).map((e) => ({
      ...e,
      field: fieldOf(resolved, e.field as keyof ResolvedSettings),
    }));
    if (ruleErrors.length > 0) throw invalid(ruleErrors);

    // Everything that can refuse the click is checked before it is recorded.
    const open =
      plan.kind === 'open'
        ? {
            accountIds: await this.accountsOf(userId, values.accountIds, fieldOf(resolved, 'accountIds')),
            step: clickQuantity(values.stepLots, plan.contract.lotSize, fieldOf(resolved, 'stepLots')),
            max: values.maxLotsPerLeg * plan.contract.lotSize,
          }
        : null;

    const snapshot = effectiveDto(resolved);
    const inserted = await this.repo.insertIntent(sql, {
      userId,
      intentId: body.intentId,
      watchlistId: body.watchlistId,
      action: body.action,
      bodyHash: hash,
      body,
      resolvedSettings: snapshot,
      instrumentSymbol: plan.kind === 'open' ? plan.contract.symbol : plan.legs.length === 1 ? plan.legs[0]!.symbol : null,
    });
    // A concurrent duplicate took the id first: answer as it does.
    if (!inserted) return this.replay(userId, body.intentId, hash);

    const results: IntentResult[] = [];
    let instrument: IntentInstrument | null = null;
    let targetQuantity: number | null = null;
    const ctx = (accountId: string) => ({ seed: `intent:${body.intentId}:${accountId}`, intentId: body.intentId, meta, tag: 'quick' });

    if (plan.kind === 'open' && open) {
      const { accountIds, step, max } = open;
      const action: TargetAction = plan.side;
      const leg = await this.beforeSending(userId, body.intentId, () =>
        this.repo.upsertLeg(sql, {
          id: uuidv7(),
          userId,
          watchlistId: body.watchlistId,
          rowSymbol: row!.symbol,
          symbol: plan.contract.symbol,
          kind: plan.legKind,
          product: values.product,
          settings: snapshot,
        }),
      );
      // Every account in one settle: one transaction, one batched intake (each account accepted or refused on its own).
      const engineLeg = { id: leg.id, userId, symbol: leg.symbol, product: leg.product };
      const outcomes = await this.engine
        .settleMany(
          accountIds.map((accountId) => ({
            leg: engineLeg,
            accountId,
            decide: (s: LegAccountState) => targetPosition(action, s.filled + s.working, step, max),
            ctx: ctx(accountId),
          })),
        )
        .catch((err: unknown) => accountIds.map(() => failed(err)));
      outcomes.forEach((o, i) => results.push(resultOf(accountIds[i]!, leg.symbol, o)));
      instrument = intentInstrument(plan.contract);
      targetQuantity = outcomes[0]?.targetQuantity ?? null;
    } else if (plan.kind === 'exit') {
      const targets = await this.beforeSending(userId, body.intentId, () =>
        this.repo.legAccounts(
          sql,
          plan.legs.map((l) => l.id),
        ),
      );
      const outcomes = await this.exitAll(
        targets.map((t) => ({ leg: plan.legs.find((l) => l.id === t.leg_id)!, accountId: t.account_id })),
        userId,
        (t) => ctx(`${t.accountId}:${t.leg.id}`),
      );
      outcomes.forEach((o, i) =>
        results.push(resultOf(targets[i]!.account_id, plan.legs.find((l) => l.id === targets[i]!.leg_id)!.symbol, o)),
      );
      if (plan.legs.length === 1) {
        const contract = await this.instruments.cachedBySymbol(plan.legs[0]!.symbol, sql);
        instrument = contract ? intentInstrument(contract) : null;
        targetQuantity = 0;
      }
    }

    const created = inserted.created_at;
    const response: QuickOrderResponse = {
      intent: {
        id: body.intentId,
        action: body.action,
        instrument,
        targetQuantity,
        resolvedSettings: snapshot,
        results,
        createdAt: created.toISOString(),
      },
      summary: {
        total: results.length,
        accepted: results.filter((r) => r.status === 'accepted').length,
        failed: results.filter((r) => r.status !== 'accepted').length,
      },
    };
    await this.repo.completeIntent(this.db.sql, userId, body.intentId, response);
    return response;
  }

  /** Work between recording the intent and sending anything: should it fail, the intent is forgotten, so a retry runs it afresh. */
  private async beforeSending<T>(userId: UserId, intentId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      await this.repo.forgetIntent(this.db.sql, userId, intentId).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Flattens legs on accounts. A standing exit held at the broker (a Kite GTT, StandingExits) is
   * released first: one that already fired is the exit — its order is adopted as the leg's — so
   * only the target is set to 0 and nothing more is sent; one the broker could not be asked about
   * fails that account rather than risk a double exit. The rest settle to 0 together.
   */
  private async exitAll(
    targets: { leg: LegRow; accountId: string }[],
    userId: UserId,
    ctxOf: (t: { leg: LegRow; accountId: string }) => SettleContext,
  ): Promise<LegAccountOutcome[]> {
    const out = new Array<LegAccountOutcome>(targets.length);
    const settle: number[] = [];
    await Promise.all(
      targets.map(async (t, i) => {
        try {
          const released = await this.standing.release(t.leg.id, t.accountId);
          if (released.outcome === 'unknown')
            out[i] = {
              status: 'failed',
              deltaQuantity: 0,
              targetQuantity: 0,
              reason: `the broker's standing exit could not be released: ${released.reason}`,
            };
          else if (released.outcome === 'triggered') {
            await this.repo.setTarget(this.db.sql, t.leg.id, t.accountId, 0);
            out[i] = { status: 'accepted', deltaQuantity: 0, targetQuantity: 0, reason: 'the standing exit at the broker already fired' };
          } else settle.push(i);
        } catch (err) {
          out[i] = failed(err);
        }
      }),
    );
    const settled = await this.engine
      .settleMany(
        settle.map((i) => {
          const t = targets[i]!;
          return {
            leg: { id: t.leg.id, userId, symbol: t.leg.symbol, product: t.leg.product },
            accountId: t.accountId,
            decide: () => 0,
            ctx: ctxOf(t),
          };
        }),
      )
      .catch((err: unknown) => settle.map(() => failed(err)));
    settle.forEach((i, k) => (out[i] = settled[k]!));
    return out;
  }

  /** The stored answer of an intent id: the same body answers it (waiting while it is still being carried out); another body is a 409. */
  private async replay(userId: UserId, intentId: string, hash: string): Promise<QuickOrderResponse> {
    const deadline = Date.now() + REPLAY_WAIT_MS;
    for (;;) {
      const row = await this.repo.findIntent(this.db.sql, userId, intentId);
      if (!row) throw new DomainError('SERVICE_UNAVAILABLE', 'The earlier request with this intentId did not complete; retry');
      if (row.body_hash !== hash)
        throw new DomainError('IDEMPOTENCY_CONFLICT', 'This intentId was already used for a different click', {
          fieldErrors: [{ field: 'intentId', message: 'already used with a different body' }],
        });
      if (row.response) return row.response as QuickOrderResponse;
      if (Date.now() > deadline)
        throw new DomainError('SERVICE_UNAVAILABLE', 'The click with this intentId is still being carried out; retry shortly');
      await sleep(50);
    }
  }

  /** The contract a click opens or adds to, or the legs an exit flattens. Every refusal names its field. */
  private async plan(
    sql: Sql,
    userId: UserId,
    body: QuickOrderRequest,
    row: Instrument | null,
    resolved: ResolvedSettings,
    now: Date,
  ): Promise<OpenPlan | ExitPlan> {
    if (body.action === 'EXIT_ALL') return { kind: 'exit', legs: await this.repo.legsOf(sql, userId, body.watchlistId) };
    if (body.action === 'EXIT')
      return {
        kind: 'exit',
        legs: await this.repo.legsOf(sql, userId, body.watchlistId, {
          rowSymbol: row!.symbol,
          ...(body.optionType ? { kind: body.optionType } : {}),
        }),
      };
    const today = todayIst(now);
    const r = row!;
    if (body.action === 'BUY' || body.action === 'SELL') {
      if (body.tradeMode === 'OPTIONS')
        throw invalid([
          {
            field: 'tradeMode',
            message: 'BUY and SELL trade the row (EQUITY) or its future (FUTURES); options use BUY_CE, SELL_CE, BUY_PE, SELL_PE',
          },
        ]);
      if (body.tradeMode === 'FUTURES') {
        const future = resolveFuture(rowUnderlying(r), await this.instruments.derivativesOf(rowUnderlying(r), today, sql), today);
        return { kind: 'open', contract: future, legKind: 'FUT', side: body.action };
      }
      if (r.instrumentType === 'INDEX')
        throw invalid([{ field: 'tradeMode', message: 'an index is not traded itself: use FUTURES or OPTIONS' }]);
      if (r.active === false) throw invalid([{ field: 'symbol', message: 'instrument deactivated' }]);
      return {
        kind: 'open',
        contract: r,
        legKind: r.instrumentType === 'EQ' ? 'EQ' : (r.instrumentType as LegRow['kind']),
        side: body.action,
      };
    }
    // BUY_CE, SELL_CE, BUY_PE, SELL_PE.
    if (body.tradeMode !== 'OPTIONS')
      throw invalid([{ field: 'tradeMode', message: `${body.action} trades an option: tradeMode must be OPTIONS` }]);
    const type = body.action.endsWith('_CE') ? 'CE' : 'PE';
    const side = body.action.startsWith('BUY') ? 'BUY' : 'SELL';
    const underlying = rowUnderlying(r);
    const anchored = await this.repo.anchoredContract(sql, userId, body.watchlistId, r.symbol, type, resolved.product.value);
    const anchoredContract = anchored ? ((await this.instruments.cachedBySymbol(anchored, sql)) ?? null) : null;
    const contract = await applyStrikePolicy<Promise<Instrument>>(
      resolved.strikePolicy.value,
      anchoredContract && anchoredContract.active !== false ? Promise.resolve(anchoredContract) : null,
      async () => {
        const chain = await this.instruments.derivativesOf(underlying, today, sql);
        if (!chain.some((i) => i.instrumentType === 'CE' || i.instrumentType === 'PE'))
          throw invalid([{ field: 'symbol', message: `${underlying} has no listed options` }]);
        const ltp = (await this.quotes.get([underlying]).catch(() => new Map())).get(underlying)?.[2] ?? null;
        if (ltp === null)
          throw new DomainError(
            'SERVICE_UNAVAILABLE',
            `No live price for ${underlying} right now: the strike cannot be resolved. Retry shortly`,
          );
        const step = resolved.strikeStep.value === null ? null : perUnitTicks(resolved.strikeStep.value);
        return resolveOption(
          { underlying, type, leg: body.optionLeg ?? 'ATM', expiry: body.expiry ?? 'weekly', ltp, strikeStep: step, today },
          chain,
        ).instrument;
      },
    );
    return { kind: 'open', contract, legKind: type, side };
  }

  /** The accounts a click fans out to: the effective list, or the user's default; each must be one the user may trade. */
  private async accountsOf(userId: UserId, accountIds: readonly string[], field: string): Promise<string[]> {
    if (accountIds.length === 0) return [await this.directory.defaultFor(userId)];
    const tradable = await this.accounts.tradableOf(userId, accountIds);
    const errors: FieldError[] = [];
    for (const [i, a] of accountIds.entries())
      if (!tradable.has(a.toLowerCase())) errors.push({ field: `${field}.${i}`, message: 'not one of your broker accounts' });
    if (errors.length > 0) throw invalid(errors);
    return [...accountIds];
  }
}

const failed = (err: unknown): LegAccountOutcome => ({
  status: 'failed',
  deltaQuantity: 0,
  targetQuantity: 0,
  reason: err instanceof Error ? err.message : String(err),
});

const resultOf = (accountId: string, symbol: string, o: LegAccountOutcome): IntentResult => ({
  accountId,
  symbol,
  status: o.status,
  ...(o.orderId ? { orderId: o.orderId } : {}),
  deltaQuantity: o.deltaQuantity,
  targetQuantity: o.targetQuantity,
  ...(o.reason ? { reason: o.reason } : {}),
});
