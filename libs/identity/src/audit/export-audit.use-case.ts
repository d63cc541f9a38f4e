import { Inject, Injectable } from '@nestjs/common';
import type { AuditExportQuery } from '@tradeloop/contracts';
import { AuditRepository, type RequestMeta } from './audit.repository';

/** Compliance exports the filtered audit log (oldest first, streamed); the export is audited before it starts. */
@Injectable()
export class ExportAuditUseCase {
  constructor(@Inject(AuditRepository) private readonly audit: AuditRepository) {}

  async execute(actorId: string, filters: AuditExportQuery, meta: RequestMeta): ReturnType<AuditRepository['stream']> {
    await this.audit.append({ actorId, action: 'audit.exported', subject: 'audit', details: { filters }, meta });
    return this.audit.stream(filters);
  }
}
