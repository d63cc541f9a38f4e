import { Inject, Injectable } from '@nestjs/common';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import type { JobHandler } from '@tradeloop/platform';
import { ReconcileBrokerAccountsUseCase, type AccountReconciliation } from '@tradeloop/trading';

/**
 * The daily broker reconciliation (docs/domain.md, "Accounts and books (second wave)"): scheduled
 * after the close (BROKER_RECONCILIATION_SCHEDULE in worker.module.ts) and run on demand by an
 * admin. Each account's failure is recorded as its own run, so the job fails only when the
 * accounts cannot be read at all (and BullMQ retries it; re-running a day adds nothing).
 */
@Injectable()
export class BrokerReconciliationHandler implements JobHandler<typeof JOBS.brokerReconciliation> {
  readonly job = JOBS.brokerReconciliation;

  constructor(@Inject(ReconcileBrokerAccountsUseCase) private readonly reconcile: ReconcileBrokerAccountsUseCase) {}

  async handle(payload: JobPayload<typeof JOBS.brokerReconciliation>): Promise<{ accounts: AccountReconciliation[] }> {
    return { accounts: await this.reconcile.execute(payload.accountId ? { accountId: payload.accountId } : {}) };
  }
}
