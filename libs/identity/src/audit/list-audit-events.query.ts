import { Inject, Injectable } from '@nestjs/common';
import type { AuditEvent, AuditQuery, Page } from '@tradeloop/contracts';
import { AuditRepository } from './audit.repository';

/** Compliance's page of audit events, newest first, filtered and cursor-paged. */
@Injectable()
export class ListAuditEventsQuery {
  constructor(@Inject(AuditRepository) private readonly audit: AuditRepository) {}

  execute(q: AuditQuery): Promise<Page<AuditEvent>> {
    return this.audit.list(q);
  }
}
