import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { BrokerError, fillsCashFlow, reconcileAccount, type BrokerAdapter, type ReconciliationDifference } from '@tradeloop/brokers';
import { formatMoney } from '@tradeloop/domain';
import { AuditRepository } from '@tradeloop/identity';
import { APP_CONFIG, Db, LOGGER, type AppConfig } from '@tradeloop/platform';
import { LiveBrokerClients } from '../live-broker-clients';
import { ReconciliationRepository, type FinishedRun, type LiveAccountRow, type NewCase } from './reconciliation.repository';

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

/** Paise as decimal rupees in a case's details (docs/api.md "Conventions": money is a decimal string). */
function caseDetails(d: ReconciliationDifference): Record<string, unknown> {
  const { kind: _kind, severity: _severity, subject: _subject, ...rest } = d;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'bigint' ? formatMoney(v) : v]));
}

/**
 * The daily broker reconciliation (docs/domain.md, "Accounts and books (second wave)"): for each
 * live account that is not disabled, read the broker's orders, trades, positions and funds, compare
 * them with our orders of the IST trading day, our positions (summed over the users who trade the
 * account) and the account's cash mirror, and record each difference as a compliance case.
 *
 * - One run per account and day (`broker_reconciliations`); re-running the day updates the run and
 *   the day's cases instead of adding any (natural key account, day, kind, subject).
 * - The cash mirror: each run brings it to the broker's total cash (available + used), kept with
 *   the run. That total is the day's opening cash (Kite: `net` + `utilised.debits`; a day's fills
 *   settle into the next day's), so the day starts from the latest earlier mirror: that mirror
 *   plus the cash flow of our fills from its day up to this one should equal what the broker
 *   reports, within `RECONCILIATION_CASH_TOLERANCE_PAISE` (brokerage and charges); beyond it (a
 *   payin or payout at the broker, a fill we never saw), a CASH_MISMATCH case.
 * - An account that needs a login (or whose session the broker refuses mid-run) is a `skipped`
 *   run and a RECONCILIATION_SKIPPED case; a broker that fails otherwise is a `failed` run. Neither
 *   stops the other accounts.
 * - Every run is audited (`compliance.reconciliation_run`), in the transaction that records it.
 */
@Injectable()
export class ReconcileBrokerAccountsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ReconciliationRepository) private readonly repo: ReconciliationRepository,
    @Inject(LiveBrokerClients) private readonly clients: LiveBrokerClients,
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
      this.record(
        account,
        tradingDay,
        runId,
        { outcome: 'skipped', error: reason },
        [
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
        now,
      );
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
      return this.record(account, tradingDay, runId, { outcome: 'failed', error: message }, [], now);
    }
  }

  private async compare(account: LiveAccountRow, tradingDay: string, runId: string, adapter: BrokerAdapter, now: () => Date) {
    const [orders, trades, positions, funds] = await Promise.all([
      adapter.listOrders(),
      adapter.listTrades(),
      adapter.listPositions(),
      adapter.funds(),
    ]);
    const cashReadAt = now();
    const { from, to } = istDayBounds(tradingDay);
    const [ourOrders, ourPositions, previous] = await Promise.all([
      this.repo.ordersBetween(account.id, from, to),
      this.repo.netPositions(account.id),
      this.repo.mirrorBefore(account.id, tradingDay),
    ]);
    // The broker's total cash is the day's opening cash (Kite: `net` + `utilised.debits`), so what
    // moved it since the previous mirror are the fills of that day up to the day before this one.
    const expectedFlow = previous
      ? fillsCashFlow(await this.repo.fillsBetween(account.id, istDayBounds(previous.tradingDay).from, from))
      : 0n;
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
      cash: { previousMirror: previous?.cash ?? null, expectedFlow, tolerance: BigInt(this.config.RECONCILIATION_CASH_TOLERANCE_PAISE) },
      broker: { orders, trades, positions, funds },
    });
    const userOf = new Map(ourOrders.map((o) => [o.id, o.userId]));
    const cases: NewCase[] = result.differences.map((d) => ({
      kind: d.kind,
      severity: d.severity,
      accountId: account.id,
      userId: ('orderId' in d ? userOf.get(d.orderId) : undefined) ?? account.ownerUserId,
      tradingDay,
      subject: d.subject,
      details: caseDetails(d),
    }));
    return this.record(
      account,
      tradingDay,
      runId,
      {
        outcome: result.differences.some((d) => d.severity === 'discrepancy') ? 'differences' : 'matched',
        counts: result.counts,
        differences: result.differences.length,
        mirrorBefore: previous?.cash ?? null,
        expectedFlow: previous ? expectedFlow : null,
        reportedCash: result.reportedCash,
        cashReadAt,
      },
      cases,
      now,
    );
  }

  private async record(
    account: LiveAccountRow,
    tradingDay: string,
    runId: string,
    run: FinishedRun,
    cases: NewCase[],
    now: () => Date,
  ): Promise<AccountReconciliation> {
    const newCases = await this.db.tx(
      async (sql) => {
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
            },
          },
          sql,
        );
        return inserted;
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
