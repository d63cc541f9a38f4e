import { Inject, Injectable } from '@nestjs/common';
import type { ComplianceExportQuery, VerifyResult, Wallet } from '@tradeloop/contracts';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { LedgerQueries } from './ledger-queries';
import { LedgerRepository } from './ledger.repository';
import { LedgerVerifier } from './ledger-verifier';

/** Compliance verifies the whole ledger (chain, content hashes, trial balance); the check itself is audited. */
@Injectable()
export class VerifyLedgerUseCase {
  constructor(
    @Inject(LedgerVerifier) private readonly verifier: LedgerVerifier,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(actorId: string, meta: RequestMeta): Promise<VerifyResult> {
    const result = await this.verifier.verify();
    await this.audit.append({
      actorId,
      action: 'ledger.verified',
      subject: 'ledger',
      details: { ok: result.ok, transactions: result.transactionsChecked, problems: result.problems.length, chainHead: result.chainHead },
      meta,
    });
    return result;
  }
}

/** Compliance exports the filtered entries (oldest first, streamed); the export is audited before it starts. */
@Injectable()
export class ExportLedgerUseCase {
  constructor(
    @Inject(LedgerQueries) private readonly queries: LedgerQueries,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(actorId: string, filters: ComplianceExportQuery, meta: RequestMeta): ReturnType<LedgerQueries['streamEntries']> {
    await this.audit.append({ actorId, action: 'ledger.exported', subject: 'ledger', details: { filters }, meta });
    return this.queries.streamEntries(filters);
  }
}

/** A user's wallet balances (undefined when there is no such user). */
@Injectable()
export class GetWalletQuery {
  constructor(@Inject(LedgerRepository) private readonly ledger: LedgerRepository) {}

  execute(userId: string): Promise<Wallet | undefined> {
    return this.ledger.wallet(userId);
  }
}
