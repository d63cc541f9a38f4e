import { Inject, Injectable } from '@nestjs/common';
import { BrokerError, type BrokerHolding, type BrokerPosition } from '@tradeloop/brokers';
import { needsDailyLogin } from '@tradeloop/accounts';
import type { BrokerKind, HoldingsBaseline } from '@tradeloop/contracts';
import { DomainError } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { Db } from '@tradeloop/platform';
import { LiveBrokerClients } from '../live-broker-clients';
import { captureHoldingsBaseline, istTradingDay } from './reconcile-broker-accounts.use-case';
import { ReconciliationRepository, type HoldingsBaselineRow } from './reconciliation.repository';

const view = (accountId: string, row: HoldingsBaselineRow | undefined): HoldingsBaseline =>
  row
    ? {
        accountId,
        captured: true,
        source: row.source,
        capturedBy: row.capturedBy,
        tradingDay: row.tradingDay,
        capturedAt: row.capturedAt.toISOString(),
        items: row.items,
      }
    : { accountId, captured: false, source: null, capturedBy: null, tradingDay: null, capturedAt: null, items: [] };

/**
 * A live account's opening holdings baseline for compliance (docs/api.md "Compliance cases";
 * docs/brokers.md 4.12, "Opening holdings baseline"): see it, and re-capture it from the broker's
 * CNC positions and holdings as they are now, against our positions of the account — e.g. after a difference has been explained (shares moved in or out of
 * the demat account outside the platform). A re-capture reads the holdings first, then stores the
 * baseline and its audit event (`compliance.holdings_baseline_captured`, with the previous one) in
 * one transaction under the account's reconciliation lock, so it never interleaves with a run.
 * Unknown or paper account → 404; disabled → 409; the session gone → 409 (log in first); the broker
 * not answering → 503. Nothing is stored unless the holdings were read.
 */
@Injectable()
export class HoldingsBaselineUseCases {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(ReconciliationRepository) private readonly repo: ReconciliationRepository,
    @Inject(LiveBrokerClients) private readonly clients: LiveBrokerClients,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async get(accountId: string): Promise<HoldingsBaseline> {
    await this.account(accountId);
    return view(accountId, await this.repo.holdingsBaseline(this.db.sql, accountId));
  }

  async recapture(input: { accountId: string; actorId: string; meta?: RequestMeta }, now = () => new Date()): Promise<HoldingsBaseline> {
    const account = await this.account(input.accountId);
    if (account.disabled)
      throw new DomainError('CONFLICT', 'The broker account is disabled: enable it before re-capturing its holdings baseline', {
        context: { accountId: input.accountId },
      });
    const { positions, holdings } = await this.readBroker(input.accountId, account.kind as BrokerKind);
    const at = now();
    return this.db.tx(
      async (sql) => {
        const { baseline } = await captureHoldingsBaseline(
          sql,
          { repo: this.repo, audit: this.audit },
          {
            accountId: input.accountId,
            tradingDay: istTradingDay(at),
            positions,
            holdings,
            actorId: input.actorId,
            at,
            ...(input.meta ? { meta: input.meta } : {}),
          },
        );
        return view(input.accountId, baseline);
      },
      { lock: `broker-reconciliation:${input.accountId}` },
    );
  }

  private async account(accountId: string) {
    const account = await this.repo.liveAccount(accountId);
    if (!account) throw new DomainError('NOT_FOUND', 'No such live broker account', { context: { accountId } });
    return account;
  }

  private async readBroker(accountId: string, kind: BrokerKind): Promise<{ positions: BrokerPosition[]; holdings: BrokerHolding[] }> {
    try {
      const adapter = await this.clients.adapterFor(accountId);
      const [positions, holdings] = await Promise.all([adapter.listPositions(), adapter.listHoldings()]);
      return { positions, holdings };
    } catch (err) {
      if (!(err instanceof BrokerError)) throw err;
      if (err.kind === 'auth')
        throw new DomainError(
          needsDailyLogin(kind) ? 'BROKER_LOGIN_REQUIRED' : 'CONFLICT',
          'The broker account is not connected: its owner must log in to the broker before its holdings can be read',
          { context: { accountId } },
        );
      throw new DomainError('SERVICE_UNAVAILABLE', `The broker did not answer (${err.brokerMessage ?? err.message}); try again shortly`, {
        context: { accountId },
      });
    }
  }
}
