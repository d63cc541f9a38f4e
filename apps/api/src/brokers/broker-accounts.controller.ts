import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import {
  AdminUpdateBrokerAccountSchema,
  BrokerAccountIdParamSchema,
  BrokerAccountListSchema,
  BrokerAccountSchema,
  BrokerLoginUrlSchema,
  CreateBrokerAccountSchema,
  KiteCallbackQuerySchema,
  UpstoxCallbackQuerySchema,
  PaperBalanceRequestSchema,
  UpdateBrokerAccountSchema,
  type BrokerAccount,
} from '@tradeloop/contracts';
import {
  AdminListUserBrokerAccountsQuery,
  AdminSetBrokerAccountDisabledUseCase,
  CompleteKiteLoginUseCase,
  CompleteUpstoxLoginUseCase,
  CreateBrokerAccountUseCase,
  DeleteBrokerAccountUseCase,
  GetBrokerAccountQuery,
  ListBrokerAccountsQuery,
  ReceiveKitePostbackUseCase,
  ReencryptBrokerCredentialsUseCase,
  SetPaperBalanceUseCase,
  StartKiteLoginUseCase,
  UpdateBrokerAccountUseCase,
  type AccountActor,
} from '@tradeloop/accounts';
import type { Principal, RequestMeta } from '@tradeloop/identity';
import { CheckBrokerAccountUseCase, ReceiveUpstoxWebhookUseCase } from '@tradeloop/trading';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';
import { ReqMeta } from '../http/request-meta';

class BrokerAccountDto extends createZodDto(BrokerAccountSchema) {}
class BrokerAccountListDto extends createZodDto(BrokerAccountListSchema) {}
class CreateBrokerAccountDto extends createZodDto(CreateBrokerAccountSchema) {}
class UpdateBrokerAccountDto extends createZodDto(UpdateBrokerAccountSchema) {}
class AdminUpdateBrokerAccountDto extends createZodDto(AdminUpdateBrokerAccountSchema) {}
class PaperBalanceDto extends createZodDto(PaperBalanceRequestSchema) {}
class BrokerLoginUrlDto extends createZodDto(BrokerLoginUrlSchema) {}
class BrokerAccountIdPathDto extends createZodDto(BrokerAccountIdParamSchema) {}
class KiteCallbackQueryDto extends createZodDto(KiteCallbackQuerySchema) {}
class UpstoxCallbackQueryDto extends createZodDto(UpstoxCallbackQuerySchema) {}

const actorOf = (principal: Principal, meta?: RequestMeta): AccountActor => ({
  userId: principal.userId,
  isAdmin: principal.roles.includes('admin'),
  meta,
});

/**
 * The caller's broker accounts (docs/api.md "Broker accounts"): their own and the firm accounts
 * assigned to them (admins also see and manage firm accounts). Credentials go in, only their
 * masked form comes out. Another user's account, or a malformed id, is 404. Quants have accounts
 * too: a live strategy trades one.
 */
@ApiTags('brokers')
@ApiBearerAuth()
@Roles('trader', 'quant', 'admin')
@Controller('api/v1/broker-accounts')
export class BrokerAccountsController {
  constructor(
    @Inject(ListBrokerAccountsQuery) private readonly listAccounts: ListBrokerAccountsQuery,
    @Inject(GetBrokerAccountQuery) private readonly getAccount: GetBrokerAccountQuery,
    @Inject(CreateBrokerAccountUseCase) private readonly createAccount: CreateBrokerAccountUseCase,
    @Inject(UpdateBrokerAccountUseCase) private readonly updateAccount: UpdateBrokerAccountUseCase,
    @Inject(DeleteBrokerAccountUseCase) private readonly deleteAccount: DeleteBrokerAccountUseCase,
    @Inject(SetPaperBalanceUseCase) private readonly setPaperBalance: SetPaperBalanceUseCase,
    @Inject(StartKiteLoginUseCase) private readonly startKiteLogin: StartKiteLoginUseCase,
    @Inject(CheckBrokerAccountUseCase) private readonly checkAccount: CheckBrokerAccountUseCase,
  ) {}

  /** Own and assigned accounts: the primary paper account (always there) first, then oldest first. */
  @Get()
  @ZodResponse({ status: 200, type: BrokerAccountListDto })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.listAccounts.execute(actorOf(principal)) };
  }

  @Get(':id')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: BrokerAccountDto })
  get(@CurrentPrincipal() principal: Principal, @Param() p: BrokerAccountIdPathDto) {
    return this.getAccount.execute(actorOf(principal), p.id);
  }

  /**
   * 403 when users may not add their own live accounts (`USER_BROKER_ACCOUNTS=false`) or a non-admin
   * sends assignedUserIds. `paper` adds a paper account of the caller's own (409 beyond the cap).
   */
  @Post()
  @ApiProblems(403, 409)
  @ZodResponse({ status: 201, type: BrokerAccountDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateBrokerAccountDto, @ReqMeta() meta: RequestMeta) {
    return this.checked(actorOf(principal, meta), await this.createAccount.execute(actorOf(principal, meta), body));
  }

  /** New credentials replace the old whole and end the broker session (log in again). */
  @Patch(':id')
  @ApiProblems(403, 404)
  @ZodResponse({ status: 200, type: BrokerAccountDto })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param() p: BrokerAccountIdPathDto,
    @Body() body: UpdateBrokerAccountDto,
    @ReqMeta() meta: RequestMeta,
  ) {
    const view = await this.updateAccount.execute(actorOf(principal, meta), p.id, body);
    return body.credentials === undefined && body.disabled !== false ? view : this.checked(actorOf(principal, meta), view);
  }

  /**
   * An account without a daily login (OpenAlgo) is checked against its broker as soon as it is
   * added or its credentials change (or it is enabled): `connected`, or `error` with the reason.
   */
  private async checked(actor: AccountActor, view: BrokerAccount): Promise<BrokerAccount> {
    const status = await this.checkAccount.execute(view.id);
    return status === null ? view : this.getAccount.execute(actor, view.id);
  }

  /** 409 for the primary paper account and for an account with orders still working (or history on record). */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(403, 404, 409)
  async remove(@CurrentPrincipal() principal: Principal, @Param() p: BrokerAccountIdPathDto, @ReqMeta() meta: RequestMeta): Promise<void> {
    await this.deleteAccount.execute(actorOf(principal, meta), p.id);
  }

  /** Sets a paper account's virtual balance (409 for any other kind). */
  @Post(':id/paper-balance')
  @HttpCode(200)
  @ApiProblems(403, 404, 409)
  @ZodResponse({ status: 200, type: BrokerAccountDto })
  paperBalance(
    @CurrentPrincipal() principal: Principal,
    @Param() p: BrokerAccountIdPathDto,
    @Body() body: PaperBalanceDto,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.setPaperBalance.execute(actorOf(principal, meta), p.id, body.amount);
  }

  /** Where to send the browser for the daily broker login (Kite, Upstox); the state in it is single use and lasts 10 minutes. */
  @Get(':id/login')
  @ApiProblems(404, 409)
  @ZodResponse({ status: 200, type: BrokerLoginUrlDto })
  login(@CurrentPrincipal() principal: Principal, @Param() p: BrokerAccountIdPathDto, @ReqMeta() meta: RequestMeta) {
    return this.startKiteLogin.execute(actorOf(principal, meta), p.id);
  }
}

/**
 * What Kite calls (no bearer token): the login callback, where the browser arrives with our
 * single-use `state`, and order postbacks, authenticated by their checksum.
 */
@ApiTags('brokers')
@Controller('api/v1/brokers/kite')
export class KiteCallbacksController {
  constructor(
    @Inject(CompleteKiteLoginUseCase) private readonly completeLogin: CompleteKiteLoginUseCase,
    @Inject(ReceiveKitePostbackUseCase) private readonly receivePostback: ReceiveKitePostbackUseCase,
  ) {}

  /** 302 to `/account/brokers?login=ok|failed&reason=…`; a missing, foreign, expired or replayed state is 400 (nothing stored). */
  @Public()
  @Get('callback')
  @ApiResponse({ status: 302, description: 'To the web app: `Location: /account/brokers?login=ok|failed&reason=…`' })
  @ApiProblems(400)
  async callback(@Query() q: KiteCallbackQueryDto, @ReqMeta() meta: RequestMeta, @Res() reply: FastifyReply): Promise<void> {
    const { redirect } = await this.completeLogin.execute(q, meta);
    await reply.header('cache-control', 'no-store').redirect(redirect, 302);
  }

  /** A verified postback is queued for the execution engine (200 at once); a bad checksum is 401 and audited. */
  @Public()
  @Post('postback')
  @HttpCode(200)
  @ApiResponse({
    status: 200,
    description: 'Verified and queued for the execution engine',
    content: {
      'application/json': {
        schema: { type: 'object', properties: { received: { type: 'boolean', enum: [true] } }, required: ['received'] },
      },
    },
  })
  @ApiProblems(401)
  async postback(@Body() body: unknown, @ReqMeta() meta: RequestMeta): Promise<{ received: true }> {
    await this.receivePostback.execute(body, meta);
    return { received: true };
  }
}

/** What Upstox calls (no bearer token): the OAuth2 redirect of the daily login, with our single-use `state`. */
@ApiTags('brokers')
@Controller('api/v1/brokers/upstox')
export class UpstoxCallbacksController {
  constructor(
    @Inject(CompleteUpstoxLoginUseCase) private readonly completeLogin: CompleteUpstoxLoginUseCase,
    @Inject(ReceiveUpstoxWebhookUseCase) private readonly receiveWebhook: ReceiveUpstoxWebhookUseCase,
  ) {}

  /** 302 to `/account/brokers?login=ok|failed&reason=…`; a missing, foreign, expired or replayed state is 400 (nothing stored). */
  @Public()
  @Get('callback')
  @ApiResponse({ status: 302, description: 'To the web app: `Location: /account/brokers?login=ok|failed&reason=…`' })
  @ApiProblems(400)
  async callback(@Query() q: UpstoxCallbackQueryDto, @ReqMeta() meta: RequestMeta, @Res() reply: FastifyReply): Promise<void> {
    const { redirect } = await this.completeLogin.execute(q, meta);
    await reply.header('cache-control', 'no-store').redirect(redirect, 302);
  }

  /**
   * Upstox's order webhook. Unsigned, so only a hint: for one of our unfinished Upstox orders the
   * worker re-reads it over REST (200 at once, whatever the order); a body without an order id is 400.
   */
  @Public()
  @Post('webhook')
  @HttpCode(200)
  @ApiResponse({
    status: 200,
    description: 'Received; the order, if it is one of ours, is re-read from Upstox',
    content: {
      'application/json': {
        schema: { type: 'object', properties: { received: { type: 'boolean', enum: [true] } }, required: ['received'] },
      },
    },
  })
  @ApiProblems(400)
  async webhook(@Body() body: unknown): Promise<{ received: true }> {
    return this.receiveWebhook.execute(body);
  }
}

/** Admins: a user's accounts (never secrets), disabling any account, and key rotation. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin')
export class AdminBrokerAccountsController {
  constructor(
    @Inject(AdminListUserBrokerAccountsQuery) private readonly listForUser: AdminListUserBrokerAccountsQuery,
    @Inject(AdminSetBrokerAccountDisabledUseCase) private readonly setDisabled: AdminSetBrokerAccountDisabledUseCase,
    @Inject(ReencryptBrokerCredentialsUseCase) private readonly reencrypt: ReencryptBrokerCredentialsUseCase,
  ) {}

  @Get('users/:id/broker-accounts')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: BrokerAccountListDto })
  async userAccounts(@Param('id') userId: string) {
    return { items: await this.listForUser.execute(userId) };
  }

  @Patch('broker-accounts/:id')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: BrokerAccountDto })
  disable(
    @CurrentPrincipal() principal: Principal,
    @Param() p: BrokerAccountIdPathDto,
    @Body() body: AdminUpdateBrokerAccountDto,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.setDisabled.execute(actorOf(principal, meta), p.id, body.disabled);
  }

  /** Re-encrypts every secret under the key ring (every table's, docs/architecture.md "Secrets") not under BROKER_CREDENTIALS_KEY_ID (rotation; safe to run concurrently). */
  @Post('jobs/reencrypt-broker-credentials')
  @HttpCode(200)
  @ApiResponse({
    status: 200,
    description: 'Counts of the run; `remaining` 0 means the old key can leave the ring',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            reencrypted: { type: 'integer' },
            failed: { type: 'integer' },
            remaining: { type: 'integer' },
            activeKeyId: { type: 'string' },
          },
          required: ['reencrypted', 'failed', 'remaining', 'activeKeyId'],
        },
      },
    },
  })
  async reencryptCredentials(
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ reencrypted: number; failed: number; remaining: number; activeKeyId: string }> {
    return this.reencrypt.execute({ actorId: principal.userId });
  }
}
