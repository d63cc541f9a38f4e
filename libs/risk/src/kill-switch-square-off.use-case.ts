import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { UserId } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { OPEN_STATUSES } from '@tradeloop/trading';
import { SquareOffFollowUp } from './square-off-follow-up';

/** Audit and order history say the system acted (for the admin who engaged the switch), not a person. */
export const KILL_SWITCH_SQUARE_OFF_META: RequestMeta = { requestId: 'kill-switch-square-off' };
/** Users squared off at once in a storm: each is one transaction holding a connection, and their fills need connections too. */
export const SQUARE_OFF_CONCURRENCY = 6;

export interface KillSwitchSquareOffRow {
  id: string;
  engagement_id: string;
  scope: 'global' | 'user';
  user_id: UserId;
  requested_at: Date;
  attempts: number;
}

/** The kill switch's square-off records (table kill_switch_square_offs). */
@Injectable()
export class KillSwitchSquareOffRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * In the transaction that engages a switch: the id of its current engagement — a new one when
   * the switch has just gone from released to engaged (`changed`), or has none yet (engaged
   * before engagements had ids); a repeated engage keeps it.
   */
  async engagement(sql: Sql, scope: 'global' | 'user', scopeId: string, changed: boolean): Promise<string> {
    const r = await sql.one<{ engagement_id: string }>(
      `UPDATE kill_switches SET engagement_id = CASE WHEN $3 OR engagement_id IS NULL THEN $4::uuid ELSE engagement_id END
       WHERE scope = $1 AND scope_id = $2 RETURNING engagement_id`,
      [scope, scopeId, changed, uuidv7()],
    );
    return r.engagement_id;
  }

  /**
   * In the same transaction: one square-off record per covered user not yet covered by this
   * engagement — the user, or for the global switch everyone with an open position or an open
   * order (one that fills before its cancel leaves a position). Returns how many were added.
   */
  async request(sql: Sql, engagementId: string, scope: 'global' | 'user', userId: UserId | null, requestedBy: UserId): Promise<number> {
    const covered =
      scope === 'user'
        ? `SELECT $4::uuid AS user_id`
        : `SELECT user_id FROM positions WHERE net_quantity <> 0 UNION SELECT user_id FROM orders WHERE status = ANY($4::text[])`;
    const rows = await sql.rows(
      `INSERT INTO kill_switch_square_offs (id, engagement_id, scope, user_id, requested_by)
       SELECT gen_random_uuid(), $1, $2, c.user_id, $3 FROM (${covered}) c
       ON CONFLICT (engagement_id, user_id) DO NOTHING RETURNING 1`,
      [engagementId, scope, requestedBy, scope === 'user' ? userId : OPEN_STATUSES],
    );
    return rows.length;
  }

  /** Square-offs not finished yet, oldest first. */
  async pending(limit = 1000): Promise<KillSwitchSquareOffRow[]> {
    return this.db.sql.rows<KillSwitchSquareOffRow>(
      `SELECT id, engagement_id, scope, user_id, requested_at, attempts FROM kill_switch_square_offs
       WHERE followed_up_at IS NULL ORDER BY requested_at, id LIMIT $1`,
      [limit],
    );
  }

  /** Counts an attempt before it is made; returns the attempt's number (1, 2, …). */
  async countAttempt(id: string): Promise<number> {
    const r = await this.db.sql.one<{ n: number }>(
      `UPDATE kill_switch_square_offs SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts AS n`,
      [id],
    );
    return r.n;
  }

  async addOrders(id: string, n: number): Promise<void> {
    await this.db.sql.rows(`UPDATE kill_switch_square_offs SET orders = orders + $2 WHERE id = $1`, [id, n]);
  }

  /** Marks it done; false when it was done already (another follow-up finished it first). */
  async finish(sql: Sql, id: string, outcome: string): Promise<{ orders: number; attempts: number } | null> {
    return (
      (await sql.maybeOne<{ orders: number; attempts: number }>(
        `UPDATE kill_switch_square_offs SET followed_up_at = now(), outcome = $2 WHERE id = $1 AND followed_up_at IS NULL RETURNING orders, attempts`,
        [id, outcome],
      )) ?? null
    );
  }
}

/** What one pass over the pending square-offs did. */
export interface SquareOffPass {
  done: { id: string; userId: UserId; outcome: string }[];
  waiting: number;
  failed: { id: string; userId: UserId; error: string }[];
  /** Stopped early: the caller no longer leads. */
  stopped: boolean;
}

/**
 * The kill switch's square-off (docs/domain.md "Risk"; docs/api.md `POST
 * /api/v1/admin/risk/kill-switch`): carries out the records SetKillSwitchUseCase wrote with the
 * engagement, through the same follow-up as an automatic trip (SquareOffFollowUp: wait for the
 * cancels, square off through the normal intake in one transaction per user, retry a refusal
 * under a new key, give up after a few attempts). The worker's risk monitor runs `followUpPending`
 * every round on the replica that holds its lease; users are squared off concurrently (bounded).
 *
 * The orders' Idempotency-Keys derive from (engagement, attempt, account, symbol, product): the
 * first attempt's from `killswitch:<engagement>`, a retry's from `killswitch:<engagement>:<n>`.
 */
@Injectable()
export class KillSwitchSquareOffUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(KillSwitchSquareOffRepository) private readonly repo: KillSwitchSquareOffRepository,
    @Inject(SquareOffFollowUp) private readonly followUps: SquareOffFollowUp,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  pending(): Promise<KillSwitchSquareOffRow[]> {
    return this.repo.pending();
  }

  /** One step of one user's square-off; 'done' once its record is finished (and audited). */
  async followUp(r: KillSwitchSquareOffRow, now = Date.now()): Promise<{ state: 'done' | 'waiting'; outcome?: string }> {
    let outcome: string | undefined;
    const state = await this.followUps.step(
      {
        id: r.id,
        userId: r.user_id,
        since: r.requested_at,
        squareOff: true,
        cancelTag: `ks_${r.id}`,
        requestKey: (attempt) => (attempt === 1 ? `killswitch:${r.engagement_id}` : `killswitch:${r.engagement_id}:${attempt}`),
        countAttempt: () => this.repo.countAttempt(r.id),
        onPlaced: (orders) => this.repo.addOrders(r.id, orders.length),
        finish: async (o) => {
          outcome = o;
          await this.db.tx(async (sql) => {
            const finished = await this.repo.finish(sql, r.id, o);
            if (!finished) return;
            await this.audit.append(
              {
                actorId: null,
                action: 'risk.killswitch_squared_off',
                subject: `user:${r.user_id}`,
                details: {
                  engagementId: r.engagement_id,
                  scope: r.scope,
                  outcome: o,
                  orders: finished.orders,
                  attempts: finished.attempts,
                },
                meta: KILL_SWITCH_SQUARE_OFF_META,
              },
              sql,
            );
          });
        },
      },
      KILL_SWITCH_SQUARE_OFF_META,
      now,
    );
    return { state, outcome };
  }

  /**
   * One pass over every pending square-off, `concurrency` users at a time. `stillLeading` is
   * asked before each user at most every half second (it renews the caller's lease); false stops
   * the pass (another replica carries on, safely: see SquareOffFollowUp).
   */
  async followUpPending(
    stillLeading: () => Promise<boolean> = async () => true,
    concurrency = SQUARE_OFF_CONCURRENCY,
    now = () => Date.now(),
  ): Promise<SquareOffPass> {
    const rows = await this.repo.pending();
    const pass: SquareOffPass = { done: [], waiting: 0, failed: [], stopped: false };
    let next = 0;
    let checkedAt = now();
    const lane = async (): Promise<void> => {
      while (next < rows.length && !pass.stopped) {
        if (now() - checkedAt >= 500) {
          checkedAt = now();
          if (!(await stillLeading())) {
            pass.stopped = true;
            return;
          }
        }
        const r = rows[next++]!;
        try {
          const res = await this.followUp(r, now());
          if (res.state === 'waiting') pass.waiting += 1;
          else pass.done.push({ id: r.id, userId: r.user_id, outcome: res.outcome ?? '' });
        } catch (err) {
          pass.failed.push({ id: r.id, userId: r.user_id, error: (err as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
    return pass;
  }
}
