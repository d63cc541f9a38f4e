import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { DomainError } from '@tradeloop/domain';
import { type Principal, type RequestMeta } from '@tradeloop/identity';
import { FundWalletUseCase, GetWalletQuery } from '@tradeloop/wallet';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';
import { MoneyMovementDto, MoneyMovementResponseDto, UserIdPathDto, WalletDto } from './wallet.dtos';
import { ApiProblems } from '../http/api-problems';
import { IdempotencyKey, type IdempotentRequest } from '../http/idempotency-key';

const IDEMPOTENCY_DOC = { description: '1–128 printable characters; the same key and body replay the original answer' };

/** Admins move money in and out of users' wallets. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/wallets/:userId')
export class AdminWalletsController {
  constructor(
    @Inject(FundWalletUseCase) private readonly fund: FundWalletUseCase,
    @Inject(GetWalletQuery) private readonly getWallet: GetWalletQuery,
  ) {}

  /** The user's balances, for the funding screen's confirm step. */
  @Get()
  @ZodResponse({ status: 200, type: WalletDto })
  async wallet(@Param() params: UserIdPathDto) {
    const wallet = await this.getWallet.execute(params.userId);
    if (!wallet) throw new DomainError('NOT_FOUND', 'No such user');
    return wallet;
  }

  @Post('deposits')
  @ApiProblems(409)
  @ZodResponse({ status: 201, type: MoneyMovementResponseDto })
  async deposit(
    @Param() params: UserIdPathDto,
    @Body() body: MoneyMovementDto,
    @IdempotencyKey(IDEMPOTENCY_DOC) idem: IdempotentRequest,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
  ) {
    return idem.respond(await this.fund.execute('deposit', principal.userId, params.userId, body, idem.key, meta));
  }

  @Post('withdrawals')
  @ApiProblems(409, 422)
  @ZodResponse({ status: 201, type: MoneyMovementResponseDto })
  async withdraw(
    @Param() params: UserIdPathDto,
    @Body() body: MoneyMovementDto,
    @IdempotencyKey(IDEMPOTENCY_DOC) idem: IdempotentRequest,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
  ) {
    return idem.respond(await this.fund.execute('withdrawal', principal.userId, params.userId, body, idem.key, meta));
  }
}
