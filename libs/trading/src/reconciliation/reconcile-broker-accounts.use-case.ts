import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  BrokerError,
  fillsCashFlow,
  openingHoldingsBaseline,
  reconcileAccount,
  type BrokerAdapter,
  type BrokerHolding,
  type BrokerPosition,
  type ReconciliationDifference,
} from '@tradeloop/brokers';
import { formatMoney, mirrorBook, reconcileMirrorTx } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { APP_CONFIG, Db, LOGGER, type AppConfig, type Sql } from '@tradeloop/platform';
import { LedgerRepository } from '@tradeloop/wallet';
import { LiveBrokerClients } from '../live-broker-clients';
import {
  ReconciliationRepository,
  type FinishedRun,
  type HoldingsBaselineRow,
  type LiveAccountRow,
  type NewCase,
} from './reconciliation.repository';

const IST_OFFSET_MS = 330 * 60_000;

/** The IST trading day an instant falls in (YYYY-MM-DD). */
export const istTradingDay = (at: Date): string => new Date(at.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);

/** [00:00 IST of the day, 00:00 IST of the next day). */
export function istDayBounds(day: string): { from: Date; to: Date } {
  const from = new Date(`${day}T00:00:00.000+05:30`);
  return { from, to: new Date(from.getTime() + 24 * 3_600_000) };
}

export interface AccountReconciliation {
  accountId: string;
  outcome: FinishedRun['outcome'];
  differences: number;
  newCases: number;
  error?: string;
}

/**
 * Captures the account's opening holdings baseline (docs/brokers.md 4.12, "Opening holdings
 * baseline") from the broker's CNC positions and holdings as just read, against our positions of the
 * account now (`openingHoldingsBaseline`: what makes both agree, for the symbols it holds). Stored whole (replacing any earlier one) and
 * audited (`compliance.holdings_baseline_captured`) in the caller's transaction, which holds the
 * account's reconciliation lock. `actorId` null: the reconciliation's first run captured it.
 */
export async function captureHoldingsBaseline(
  sql: Sql,
  deps: { repo: ReconciliationRepository; audit: AuditRepository },
  input: {
    accountId: string;
    tradingDay: string;
    positions: readonly BrokerPosition[];
    holdings: readonly BrokerHolding[];
    actorId: string | null;
    at: Date;
    meta?: RequestMeta;
  },
): Promise<{ baseline: HoldingsBaselineRow; previous: HoldingsBaselineRow | undefined }> {
  const previous = await deps.repo.holdingsBaseline(sql, input.accountId);
  const ours = await deps.repo.netPositions(sql, input.accountId);
  const baseline = await deps.repo.replaceHoldingsBaseline(sql, {
    accountId: input.accountId,
    source: input.actorId === null ? 'reconciliation' : 'compliance',
    capturedBy: input.actorId,
    tradingDay: input.tradingDay,
    capturedAt: input.at,
    items: openingHoldingsBaseline(input.positions, input.holdings, ours),
  });
  await deps.audit.append(
    {
      actorId: input.actorId,
      action: 'compliance.holdings_baseline_captured',
      subject: input.accountId,
      details: {
        source: baseline.source,
        tradingDay: input.tradingDay,
        items: baseline.items,
        brokerHoldings: input.holdings.length,
        ...(previous ? { previous: { capturedAt: previous.capturedAt.toISOString(), items: previous.items } } : {}),
      },
      ...(input.meta ? { meta: input.meta } : {}),
    },
    sql,
  );
  return { baseline, previous };
}

/** Paise as decimal rupees in a case's details (docs/api.md "Conventions": money is a decimal string). */
function caseDetails(d: ReconciliationDifference): Record<string, unknown> {
  const { kind: _kind, severity: _severity, subject: _subject, ...rest } = d;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'bigint' ? formatMoney(v) : v]));
}

/**
 * The daily broker reconciliation (docs/domain.md, "Accounts and books (second wave)"): for each
 * live account that is not disabled, read the broker's orders, trades, positions, holdings and funds,
 * compare them with our orders of the IST trading day, our positions (summed over the users who trade
 * the account; a CNC position carried from earlier days is at the broker in its holdings, folded in by
 * `brokerNetQuantities`, docs/brokers.md 4.12) and the account's cash mirror, and record each
 * difference as a compliance case.
 *
 * - One run per account and day (`broker_reconciliations`); re-running the day updates the run and
 *   the day's cases instead of adding any (natural key account, day, kind, subject).
 * - The cash mirror is a ledger book (`broker:<account>:cash`). The broker's total cash (available
 *   + used) is the day's opening cash (Kite: `net` + `utilised.debits`; a day's fills settle into
 *   the next day's), so each run moves the mirror by our fills it has not taken yet, those
 *   executed from where it took them last up to this day's start, and compares: the mirror plus
 *   that flow should be what the broker reports, within `RECONCILIATION_CASH_TOLERANCE_PAISE`
 *   (brokerage and charges); beyond it (a payin or payout at the broker, a fill we never saw), a
 *   CASH_MISMATCH case. Either way one RECONCILE transaction brings the mirror to what the broker
 *   reports: the flow against `broker:clearing`, the unexplained rest against `broker:external`
 *   (`reconcileMirrorTx`). The first run of an account opens the mirror at the broker's cash.
 * - Our side is read, compared and written in one transaction under the account's lock, with the
 *   mirror locked: two runs of one account (the schedule and an admin) never take a fill twice.
 * - An account that needs a login (or whose session the broker refuses mid-run) is a `skipped`
 *   run and a RECONCILIATION_SKIPPED case; a broker that fails otherwise is a `failed` run. Neither
 *   stops the other accounts.
 * - Shares the account held before the platform (docs/brokers.md 4.12, "Opening holdings
 *   baseline"): the first run that reads the broker's books captures the account's opening holdings
 *   baseline (`captureHoldingsBaseline`), in its transaction; every run adds it to our CNC side.
 *   Compliance can re-capture it (`HoldingsBaselineUseCases`).
 * - Every run is audited (`compliance.reconciliation_run`), in the transaction that records it.
 */
@Injectable()
export class ReconcileBrokerAccountsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ReconciliationRepository) private readonly repo: ReconciliationRepository,
    @Inject(LiveBrokerClients) private readonly clients: LiveBrokerClients,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * `tradingDay` defaults to today's in IST, the only day a broker's books can be compared with
   * (they hold today's orders and trades); another day is for tests that stage earlier runs.
   */
  async execute(input: { tradingDay?: string; accountId?: string } = {}, now = () => new Date()): Promise<AccountReconciliation[]> {
    const tradingDay = input.tradingDay ?? istTradingDay(now());
    const accounts = await this.repo.liveAccounts(input.accountId);
    const results: AccountReconciliation[] = [];
    for (const account of accounts) {
      // One account at a time: each run is a handful of broker calls, and a failure stays its own.
      results.push(await this.reconcileOne(account, tradingDay, now));
    }
    return results;
  }

  private async reconcileOne(account: LiveAccountRow, tradingDay: string, now: () => Date): Promise<AccountReconciliation> {
    const runId = await this.repo.startRun(account.id, tradingDay, now());
    const skip = (reason: string) =>
      this.record(account, tradingDay, runId, now, async () => ({
        run: { outcome: 'skipped', error: reason },
        cases: [
          {
            kind: 'RECONCILIATION_SKIPPED',
            severity: 'info',
            accountId: account.id,
            userId: account.ownerUserId,
            tradingDay,
            subject: 'session',
            details: { reason, accountStatus: account.status },
          },
        ],
      }));
    if (account.status !== 'connected')
      return skip(
        account.status === 'needs_login' ? 'the account needs a login' : `the account is in ${account.status}: its credentials need fixing`,
      );
    try {
      const adapter = await this.clients.adapterFor(account.id);
      return await this.compare(account, tradingDay, runId, adapter, now);
    } catch (err) {
      if (err instanceof BrokerError && err.kind === 'auth') return skip(`the broker refused the session: ${err.message}`);
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn({ accountId: account.id, tradingDay, err: message }, 'broker reconciliation failed');
      return this.record(account, tradingDay, runId, now, async () => ({ run: { outcome: 'failed', error: message }, cases: [] }));
    }
  }

  private async compare(account: LiveAccountRow, tradingDay: string, runId: string, adapter: BrokerAdapter, now: () => Date) {
    const [orders, trades, positions, holdings, funds] = await Promise.all([
      adapter.listOrders(),
      adapter.listTrades(),
      adapter.listPositions(),
      adapter.listHoldings(),
      adapter.funds(),
    ]);
    const cashReadAt = now();
    const { from, to } = istDayBounds(tradingDay);
    const tolerance = BigInt(this.config.RECONCILIATION_CASH_TOLERANCE_PAISE);
    return this.record(account, tradingDay, runId, now, async (sql) => {
      const book = mirrorBook(account.id, account.ownerUserId);
      const mirror = await this.ledger.lockMirrorBook(sql, book);
      const ourOrders = await this.repo.ordersBetween(sql, account.id, from, to);
      const ourPositions = await this.repo.netPositions(sql, account.id);
      // The fills the mirror has not taken: from where it took them last up to this day's start.
      const fills =
        mirror.fillsThrough !== null && mirror.fillsThrough < from
          ? await this.repo.fillsBetween(sql, account.id, mirror.fillsThrough, from)
          : [];
      const flow = fillsCashFlow(fills);
      const previousMirror = mirror.fillsThrough === null ? null : mirror.cash;
      // Shares held before the platform: captured at the account's first successful run, then kept.
      const baseline =
        (await this.repo.holdingsBaseline(sql, account.id)) ??
        (
          await captureHoldingsBaseline(
            sql,
            { repo: this.repo, audit: this.audit },
            { accountId: account.id, tradingDay, positions, holdings, actorId: null, at: cashReadAt },
          )
        ).baseline;
      const result = reconcileAccount({
        orders: ourOrders.map((o) => ({
          orderId: o.id,
          tag: adapter.correlationTag(o.id),
          brokerOrderIds: o.brokerOrderIds,
          status: o.status,
          quantity: o.quantity,
          filledQuantity: o.filledQuantity,
          tradedQuantity: o.tradedQuantity,
        })),
        positions: ourPositions,
        cash: { previousMirror, flow, tolerance },
        broker: { orders, trades, positions, holdings, funds },
        baseline: baseline.items,
      });
      const tx = reconcileMirrorTx(book, { mirrorBefore: mirror.cash, ...flow, reported: result.reportedCash }, `reconciliation:${runId}`);
      const posted = tx ? await this.ledger.post(sql, tx) : null;
      await this.ledger.mirrorFillsThrough(sql, account.id, from);
      const mirrorTransactionId = posted?.transaction.id ?? null;
      const userOf = new Map(ourOrders.map((o) => [o.id, o.userId]));
      const cases: NewCase[] = result.differences.map((d) => ({
        kind: d.kind,
        severity: d.severity,
        accountId: account.id,
        userId: ('orderId' in d ? userOf.get(d.orderId) : undefined) ?? account.ownerUserId,
        tradingDay,
        subject: d.subject,
        details: { ...caseDetails(d), ...(d.kind === 'CASH_MISMATCH' ? { mirrorTransactionId } : {}) },
      }));
      return {
        run: {
          outcome: result.differences.some((d) => d.severity === 'discrepancy') ? 'differences' : 'matched',
          counts: result.counts,
          differences: result.differences.length,
          mirrorBefore: previousMirror,
          expectedFlow: previousMirror === null ? null : flow.sells - flow.buys,
          reportedCash: result.reportedCash,
          cashReadAt,
          mirrorTransactionId,
        },
        cases,
      };
    });
  }

  /**
   * Finishes the run in one transaction under the account's lock: `work` reads and writes our side
   * (for a compared run: the mirror and its posting) and answers the run and its cases, which are
   * recorded and audited with it.
   */
  private async record(
    account: LiveAccountRow,
    tradingDay: string,
    runId: string,
    now: () => Date,
    work: (sql: Sql) => Promise<{ run: FinishedRun; cases: NewCase[] }>,
  ): Promise<AccountReconciliation> {
    const { run, cases, newCases } = await this.db.tx(
      async (sql) => {
        const { run, cases } = await work(sql);
        const inserted = await this.repo.upsertCases(sql, cases);
        await this.repo.finishRun(sql, runId, run, now());
        await this.audit.append(
          {
            actorId: null,
            action: 'compliance.reconciliation_run',
            subject: account.id,
            details: {
              tradingDay,
              runId,
              outcome: run.outcome,
              differences: cases.length,
              newCases: inserted,
              ...(run.error ? { error: run.error.slice(0, 500) } : {}),
              ...(run.reportedCash != null ? { reportedCash: formatMoney(run.reportedCash) } : {}),
              ...(run.mirrorTransactionId ? { mirrorTransactionId: run.mirrorTransactionId } : {}),
            },
          },
          sql,
        );
        return { run, cases, newCases: inserted };
      },
      { lock: `broker-reconciliation:${account.id}` },
    );
    this.logger.info(
      { accountId: account.id, tradingDay, outcome: run.outcome, differences: cases.length, newCases },
      'broker reconciliation run',
    );
    return { accountId: account.id, outcome: run.outcome, differences: cases.length, newCases, ...(run.error ? { error: run.error } : {}) };
  }
}
