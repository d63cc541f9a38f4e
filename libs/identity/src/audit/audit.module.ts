import { Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository';
import { ListAuditEventsQuery } from './list-audit-events.query';

/** The audit log: every context appends to it in its own transactions (a port), compliance reads it. */
@Module({ providers: [AuditRepository, ListAuditEventsQuery], exports: [AuditRepository, ListAuditEventsQuery] })
export class AuditModule {}
