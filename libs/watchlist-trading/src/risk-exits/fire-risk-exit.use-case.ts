import { Inject, Injectable, Optional } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { formatPrice, type ExitBreach } from '@tradeloop/domain';
import { REALTIME_EVENTS, type RiskExit } from '@tradeloop/contracts';
import { Db, NotificationEvents, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { RiskRepository } from '@tradeloop/trading';
import { LegEngine, legOrderKey } from '../leg-engine';
import { STANDING_EXITS, type StandingExits } from '../standing-exits.port';
import { LegChangeNotes } from './leg-change-notes';
import { riskExitTriggerId, RiskExitsRepository, toRiskExitDto, type RiskExitRow } from './risk-exits.repository';

export const RISK_EXIT_META: RequestMeta = { requestId: 'risk-exit' };
/** The client tag of a risk exit's orders. */
export const RISK_EXIT_TAG = 'risk-exit';

/** The idempotency key of a risk exit's order on one account: one order per trigger and account, however often it is sent. */
export const riskExitOrderKey = (triggerId: string, legId: string, accountId: string): string => legOrderKey(triggerId, legId, accountId);

/** What a breach is fired with: the leg and generation the engine evaluated, and the breach. */
export interface RiskExitTrigger {
  legId: string;
  generation: number;
  /** The entry the levels were computed from (for the reason text). */
  entry: number;
  breach: ExitBreach;
}

/** One account's outcome of sending an exit. */
export interface ExitAccountOutcome {
  accountId: string;
  /** `retry`: the order path refused or failed (no price, a login, a rate window…): the exit stays `triggered` and is sent again. */
  outcome: 'sent' | 'flat' | 'gtt' | 'retry';
  orderId?: string;
  reason?: string;
}

/**
 * A risk exit (docs/watchlist-trading.md, "Per-unit exits"). `fire` records the trigger once —
 * the trigger id `exit:<leg>:<generation>` is unique, so a breach seen twice or by two engines
 * exits once — and in the same transaction sets every account's target to 0, records a RISK_EXIT
 * risk event and an audit event; then `send` flattens each account with a MARKET order through
 * the normal order path (a reducing order: it passes an engaged kill switch), keyed by trigger and
 * account, and marks the exit `sent`. An exit left `triggered` (a crash, a refusal, a failure) is
 * sent again with the same keys: exactly one order per account. A safety exit never gives up: an
 * account whose order path refuses keeps the exit `triggered` until a later attempt goes through.
 */
@Injectable()
export class FireRiskExitUseCase {
  private readonly inFlight = new Map<string, Promise<RiskExitRow | undefined>>();

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(RiskExitsRepository) private readonly exits: RiskExitsRepository,
    @Inject(RiskRepository) private readonly risk: RiskRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(LegEngine) private readonly legs: LegEngine,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(LegChangeNotes) private readonly notes: LegChangeNotes,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
    @Optional() @Inject(STANDING_EXITS) private readonly standing: StandingExits | null = null,
  ) {}

  /**
   * Records the trigger and sends the exit. Undefined when the trigger already fired, or the leg
   * has moved on to another generation (it was flattened and reopened since the engine read it).
   * `afterTrigger` runs right after the trigger's commit (a test seam: a crash there must still
   * exit once).
   */
  async fire(t: RiskExitTrigger, afterTrigger?: () => void): Promise<RiskExitRow | undefined> {
    const triggerId = riskExitTriggerId(t.legId, t.generation);
    const id = uuidv7();
    const fired = await this.db.tx(async (sql) => {
      const leg = await this.exits.leg(t.legId, sql, true);
      if (!leg || leg.generation !== t.generation) return undefined;
      const { kind, level, price } = t.breach;
      const reason = `${kind === 'TSL' ? 'Trailing stop' : kind === 'TP' ? 'Take profit' : 'Stop loss'} at ${formatPrice(level)}: LTP ${formatPrice(price)} (entry ${formatPrice(t.entry)})`;
      const inserted = await this.exits.insertTrigger(sql, {
        id,
        triggerId,
        legId: t.legId,
        userId: leg.userId,
        kind,
        price,
        level,
        reason,
      });
      if (!inserted) return undefined;
      await this.exits.flattenTargets(sql, t.legId);
      const context = { legId: t.legId, triggerId, symbol: leg.symbol, kind, level: formatPrice(level), price: formatPrice(price) };
      await this.risk.recordEvent({ userId: leg.userId, kind: 'RISK_EXIT', rule: kind, detail: `${leg.symbol}: ${reason}`, context }, sql);
      await this.audit.append(
        { actorId: null, action: 'risk.exit_fired', subject: `leg:${t.legId}`, details: { ...context, reason }, meta: RISK_EXIT_META },
        sql,
      );
      return this.exits.exit(id, sql);
    });
    if (!fired) return undefined;
    afterTrigger?.();
    // The exit goes out first; the trader hears of the trigger meanwhile.
    const told = Promise.all([this.announce(fired), this.notify(fired)]);
    const sent = await this.send(fired);
    await told;
    return sent;
  }

  /** Sends every exit still `triggered` (on start, and periodically); returns how many are now sent. */
  async resendPending(): Promise<number> {
    let sent = 0;
    for (const e of await this.exits.pending()) if ((await this.send(e))?.status === 'sent') sent++;
    return sent;
  }

  /** Flattens every account of the exit's leg; marks it `sent` unless an account must be retried. One send per exit at a time in this process. */
  send(e: RiskExitRow): Promise<RiskExitRow | undefined> {
    const running = this.inFlight.get(e.id);
    if (running) return running;
    const p = this.sendOnce(e).finally(() => this.inFlight.delete(e.id));
    this.inFlight.set(e.id, p);
    return p;
  }

  /** The per-account outcomes of the last send of each exit still pending (for logs and tests). */
  readonly lastOutcomes = new Map<string, ExitAccountOutcome[]>();

  private async sendOnce(e: RiskExitRow): Promise<RiskExitRow | undefined> {
    if (e.status === 'sent') return e;
    const accounts = await this.exits.legAccounts(e.leg_id);
    const outcomes = await this.flattenAccounts(e, accounts);
    this.lastOutcomes.set(e.id, outcomes);
    if (outcomes.some((o) => o.outcome === 'retry')) return e;
    const orderIds = outcomes.flatMap((o) => (o.orderId ? [o.orderId] : []));
    const sent = await this.exits.markSent(e.id, orderIds);
    if (sent) {
      this.lastOutcomes.delete(e.id);
      await this.announce(sent);
    }
    await this.notes.publish([e.leg_id]);
    return sent;
  }

  /**
   * Flattens every account of the exit's leg: a Kite GTT holding the leg's TP / SL goes first (one
   * cancels the other; if it already fired, its order is that account's exit), then the rest
   * settle to 0 together through the leg engine — planDelta under the leg-account locks: working
   * deltas cancelled, each filled net closed by one MARKET order keyed by the trigger and the
   * account, all in one batched intake. One account's refusal leaves only that account to retry.
   */
  private async flattenAccounts(e: RiskExitRow, accounts: readonly string[]): Promise<ExitAccountOutcome[]> {
    const out = new Array<ExitAccountOutcome>(accounts.length);
    const settle: number[] = [];
    await Promise.all(
      accounts.map(async (accountId, i) => {
        if (!this.standing) {
          settle.push(i);
          return;
        }
        const released = await this.standing.release(e.leg_id, accountId).catch((err: unknown) => ({
          outcome: 'unknown' as const,
          triggerId: '',
          reason: (err as Error).message,
        }));
        if (released.outcome === 'unknown') out[i] = { accountId, outcome: 'retry', reason: `standing exit: ${released.reason}` };
        else if (released.outcome === 'triggered')
          out[i] = { accountId, outcome: 'gtt', reason: 'the broker-side exit (GTT) already fired' };
        else settle.push(i);
      }),
    );
    const leg = { id: e.leg_id, userId: e.user_id, symbol: e.symbol, product: e.product };
    const ctx = { seed: e.trigger_id, meta: RISK_EXIT_META, tag: RISK_EXIT_TAG };
    const settled = await this.legs
      .settleMany(settle.map((i) => ({ leg, accountId: accounts[i]!, decide: () => 0, ctx })))
      .catch((err: unknown) =>
        settle.map(() => ({ status: 'failed' as const, deltaQuantity: 0, targetQuantity: 0, reason: (err as Error).message })),
      );
    await Promise.all(
      settle.map(async (i, k) => {
        const accountId = accounts[i]!;
        const o = settled[k]!;
        if (o.status !== 'accepted') out[i] = { accountId, outcome: 'retry', ...(o.reason ? { reason: `${o.status}: ${o.reason}` } : {}) };
        else if (o.orderId) out[i] = { accountId, outcome: 'sent', orderId: o.orderId };
        else {
          // Nothing to send now: flat already, or an earlier attempt's exit order is working or filled.
          const earlier = await this.exits.exitOrderOf(e.leg_id, accountId, RISK_EXIT_TAG, e.created_at);
          out[i] = earlier ? { accountId, outcome: 'sent', orderId: earlier } : { accountId, outcome: 'flat' };
        }
      }),
    );
    return out;
  }

  /** The exit as a notification event (docs/alerts.md "Notifications"), once per trigger. */
  private notify(e: RiskExitRow): Promise<void> {
    return this.notifications.emit({
      userId: e.user_id,
      key: `exit:${e.id}`,
      facts: {
        kind: 'exit',
        symbol: e.symbol,
        trigger: e.kind,
        quantity: null,
        price: formatPrice(Number(e.trigger_price_ticks)),
        reason: e.reason,
      },
    });
  }

  private async announce(e: RiskExitRow): Promise<void> {
    const exit: RiskExit = toRiskExitDto(e);
    await this.realtime.toUser(e.user_id, REALTIME_EVENTS.riskExit, { exit }).catch(() => undefined);
  }
}
