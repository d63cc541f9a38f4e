import { createZodDto } from 'nestjs-zod';
import {
  ComplianceExportQuerySchema,
  ComplianceLedgerQuerySchema,
  LedgerEntryPageSchema,
  LedgerTransactionSchema,
  MoneyMovementRequestSchema,
  MoneyMovementResponseSchema,
  TransactionIdParamSchema,
  UserIdPathSchema,
  VerifyResultSchema,
  WalletEntriesQuerySchema,
  WalletSchema,
} from '@tradeloop/contracts';

export class WalletDto extends createZodDto(WalletSchema) {}
export class LedgerEntryPageDto extends createZodDto(LedgerEntryPageSchema) {}
export class WalletEntriesQueryDto extends createZodDto(WalletEntriesQuerySchema) {}
export class MoneyMovementDto extends createZodDto(MoneyMovementRequestSchema) {}
export class MoneyMovementResponseDto extends createZodDto(MoneyMovementResponseSchema) {}
export class UserIdPathDto extends createZodDto(UserIdPathSchema) {}
export class ComplianceLedgerQueryDto extends createZodDto(ComplianceLedgerQuerySchema) {}
export class ComplianceExportQueryDto extends createZodDto(ComplianceExportQuerySchema) {}
export class LedgerTransactionDto extends createZodDto(LedgerTransactionSchema) {}
export class TransactionIdParamDto extends createZodDto(TransactionIdParamSchema) {}
export class VerifyResultDto extends createZodDto(VerifyResultSchema) {}
