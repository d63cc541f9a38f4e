import { Body, Controller, Get, Headers, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import type { FastifyReply } from 'fastify';
import { DomainError } from '@tradeloop/domain';
import { assertIdempotencyKey, FundWalletUseCase, LedgerRepository, type Principal, type RequestMeta } from '@tradeloop/server';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';
import { MoneyMovementDto, MoneyMovementResponseDto, UserIdPathDto, WalletDto } from './wallet.dtos';
import { ApiProblems } from '../http/api-problems';

const IDEMPOTENCY_DOC = { name: 'Idempotency-Key', required: true, description: '1–128 printable characters; the same key and body replay the original answer' };

/** Admins move money in and out of users' wallets. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/wallets/:userId')
export class AdminWalletsController {
  constructor(
    @Inject(FundWalletUseCase) private readonly fund: FundWalletUseCase,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
  ) {}

  /** The user's balances, for the funding screen's confirm step. */
  @Get()
  @ZodResponse({ status: 200, type: WalletDto })
  async wallet(@Param() params: UserIdPathDto) {
    const wallet = await this.ledger.wallet(params.userId);
    if (!wallet) throw new DomainError('NOT_FOUND', 'No such user');
    return wallet;
  }

  @Post('deposits')
  @ApiProblems(409)
  @ApiHeader(IDEMPOTENCY_DOC)
  @ZodResponse({ status: 201, type: MoneyMovementResponseDto })
  deposit(
    @Param() params: UserIdPathDto,
    @Body() body: MoneyMovementDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.move('deposit', params.userId, body, key, principal, meta, reply);
  }

  @Post('withdrawals')
  @ApiProblems(409, 422)
  @ApiHeader(IDEMPOTENCY_DOC)
  @ZodResponse({ status: 201, type: MoneyMovementResponseDto })
  withdraw(
    @Param() params: UserIdPathDto,
    @Body() body: MoneyMovementDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.move('withdrawal', params.userId, body, key, principal, meta, reply);
  }

  private async move(
    direction: 'deposit' | 'withdrawal',
    userId: string,
    body: MoneyMovementDto,
    key: string | undefined,
    principal: Principal,
    meta: RequestMeta,
    reply: FastifyReply,
  ) {
    const result = await this.fund.execute(direction, principal.userId, userId, body, assertIdempotencyKey(key), meta);
    void reply.status(result.status);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result.body;
  }
}
