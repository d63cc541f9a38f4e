import { Inject, Injectable } from '@nestjs/common';
import type { ComplianceCase, ComplianceCaseQuery, Page } from '@tradeloop/contracts';
import { DomainError } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { Db } from '@tradeloop/platform';
import { ReconciliationRepository } from './reconciliation.repository';

/** `GET /compliance/cases` (docs/api.md "Compliance cases"): newest first, by status and account. */
@Injectable()
export class ListComplianceCasesQuery {
  constructor(@Inject(ReconciliationRepository) private readonly repo: ReconciliationRepository) {}

  execute(query: ComplianceCaseQuery): Promise<Page<ComplianceCase>> {
    return this.repo.listCases(query);
  }
}

/**
 * `POST /compliance/cases/:id/resolve` (docs/api.md "Compliance cases"): someone in compliance
 * closes a case with a note. Unknown → NOT_FOUND; already resolved → CONFLICT (the first note
 * stands). The change and its audit event commit together.
 */
@Injectable()
export class ResolveComplianceCaseUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(ReconciliationRepository) private readonly repo: ReconciliationRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(input: { caseId: string; actorId: string; note: string; meta?: RequestMeta }): Promise<ComplianceCase> {
    return this.db.tx(async (sql) => {
      const current = await this.repo.lockCase(sql, input.caseId);
      if (!current) throw new DomainError('NOT_FOUND', 'No such compliance case', { context: { caseId: input.caseId } });
      if (current.status === 'resolved') {
        throw new DomainError('CONFLICT', 'The compliance case is already resolved', {
          context: { caseId: input.caseId, resolvedAt: current.resolvedAt, resolvedBy: current.resolvedBy },
        });
      }
      const resolved = await this.repo.resolveCase(sql, input.caseId, input.actorId, input.note);
      await this.audit.append(
        {
          actorId: input.actorId,
          action: 'compliance.case_resolved',
          subject: input.caseId,
          details: {
            kind: resolved.kind,
            accountId: resolved.accountId,
            tradingDay: resolved.tradingDay,
            caseSubject: resolved.subject,
            note: input.note,
          },
          ...(input.meta ? { meta: input.meta } : {}),
        },
        sql,
      );
      return resolved;
    });
  }
}
