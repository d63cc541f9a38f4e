import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import type { FastifyReply } from 'fastify';
import { formatMoney } from '@tradeloop/domain';
import type { Principal, RequestMeta } from '@tradeloop/identity';
import { DescribeLedgerReferencesQuery } from '@tradeloop/trading';
import { ExportLedgerUseCase, LedgerQueries, VerifyLedgerUseCase, type EntryRow } from '@tradeloop/wallet';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';
import { defuse, sendCsv } from '../http/csv-export';
import {
  ComplianceExportQueryDto,
  ComplianceLedgerQueryDto,
  LedgerEntryPageDto,
  LedgerTransactionDto,
  TransactionIdParamDto,
  VerifyResultDto,
} from './wallet.dtos';

const CSV_COLUMNS = ['entry_id', 'transaction_id', 'created_at', 'account', 'type', 'amount', 'balance_after', 'reference'];

@ApiTags('compliance')
@ApiBearerAuth()
@Roles('compliance', 'admin')
@Controller('api/v1/compliance/ledger')
export class ComplianceLedgerController {
  constructor(
    @Inject(LedgerQueries) private readonly queries: LedgerQueries,
    @Inject(VerifyLedgerUseCase) private readonly verifyLedger: VerifyLedgerUseCase,
    @Inject(ExportLedgerUseCase) private readonly exportLedger: ExportLedgerUseCase,
    @Inject(DescribeLedgerReferencesQuery) private readonly references: DescribeLedgerReferencesQuery,
  ) {}

  @Get()
  @ZodResponse({ status: 200, type: LedgerEntryPageDto })
  async list(@Query() query: ComplianceLedgerQueryDto) {
    const page = await this.queries.entries(query);
    return { ...page, items: await this.references.describe(page.items, null) };
  }

  @Get('verify')
  @ZodResponse({ status: 200, type: VerifyResultDto })
  verify(@CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return this.verifyLedger.execute(principal.userId, meta);
  }

  @Get('transactions/:id')
  @ZodResponse({ status: 200, type: LedgerTransactionDto })
  transaction(@Param() params: TransactionIdParamDto) {
    return this.queries.transaction(params.id);
  }

  /** Streams the filtered entries as CSV, oldest first; memory stays flat for any size. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  async export(
    @Query() query: ComplianceExportQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendCsv(reply, 'ledger', CSV_COLUMNS, await this.exportLedger.execute(principal.userId, query, meta), (row: EntryRow) => [
      row.id,
      row.transaction_id,
      row.created_at.toISOString(),
      row.account,
      row.type,
      formatMoney(BigInt(row.amount_paise)),
      row.balance_after_paise === null ? '' : formatMoney(BigInt(row.balance_after_paise)),
      defuse(row.reference),
    ]);
  }
}
