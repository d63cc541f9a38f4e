import { Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository';
import { ListAuditEventsQuery } from './list-audit-events.query';
import { ExportAuditUseCase } from './export-audit.use-case';

/** The audit log: every context appends to it in its own transactions (a port), compliance reads it. */
@Module({
  providers: [AuditRepository, ListAuditEventsQuery, ExportAuditUseCase],
  exports: [AuditRepository, ListAuditEventsQuery, ExportAuditUseCase],
})
export class AuditModule {}
