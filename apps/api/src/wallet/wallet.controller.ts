import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { DomainError } from '@tradeloop/domain';
import { type Principal } from '@tradeloop/identity';
import { DescribeLedgerReferencesQuery } from '@tradeloop/trading';
import { LedgerQueries, GetWalletQuery } from '@tradeloop/wallet';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { LedgerEntryPageDto, WalletDto, WalletEntriesQueryDto } from './wallet.dtos';

/** The caller's own wallet. Every user has one, whatever their roles. */
@ApiTags('wallet')
@ApiBearerAuth()
@Controller('api/v1/wallet')
export class WalletController {
  constructor(
    @Inject(GetWalletQuery) private readonly getWallet: GetWalletQuery,
    @Inject(LedgerQueries) private readonly queries: LedgerQueries,
    @Inject(DescribeLedgerReferencesQuery) private readonly references: DescribeLedgerReferencesQuery,
  ) {}

  @Get()
  @ZodResponse({ status: 200, type: WalletDto })
  async wallet(@CurrentPrincipal() principal: Principal) {
    const wallet = await this.getWallet.execute(principal.userId);
    if (!wallet) throw new DomainError('NOT_FOUND', 'No wallet');
    return wallet;
  }

  @Get('entries')
  @ZodResponse({ status: 200, type: LedgerEntryPageDto })
  async entries(@CurrentPrincipal() principal: Principal, @Query() query: WalletEntriesQueryDto) {
    const page = await this.queries.ownEntries(principal.userId, query);
    return { ...page, items: await this.references.describe(page.items, principal.userId) };
  }
}
