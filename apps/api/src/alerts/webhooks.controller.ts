import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import {
  AlertPayloadDocSchema,
  CreateWebhookSchema,
  HookAcceptedSchema,
  HookDuplicateSchema,
  PageQuerySchema,
  PatchWebhookResponseSchema,
  PatchWebhookSchema,
  WebhookDeliveryPageSchema,
  WebhookSourceListSchema,
  WebhookSourceWithSecretSchema,
} from '@tradeloop/contracts';
import { ListDeliveriesQuery, ReceiveDeliveryUseCase, WebhookSourcesService, type HookAnswer } from '@tradeloop/alerts';
import { type Principal, type RequestMeta } from '@tradeloop/identity';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';
import { ReqMeta } from '../http/request-meta';

class CreateWebhookDto extends createZodDto(CreateWebhookSchema) {}
class PatchWebhookDto extends createZodDto(PatchWebhookSchema) {}
class PatchWebhookResponseDto extends createZodDto(PatchWebhookResponseSchema) {}
class WebhookSourceWithSecretDto extends createZodDto(WebhookSourceWithSecretSchema) {}
class WebhookSourceListDto extends createZodDto(WebhookSourceListSchema) {}
class WebhookDeliveryPageDto extends createZodDto(WebhookDeliveryPageSchema) {}
class PageQueryDto extends createZodDto(PageQuerySchema) {}
class HookAcceptedDto extends createZodDto(HookAcceptedSchema) {}
class HookDuplicateDto extends createZodDto(HookDuplicateSchema) {}
class AlertPayloadDocDto extends createZodDto(AlertPayloadDocSchema) {}

/**
 * Webhook sources (docs/alerts.md "Webhook sources"; docs/api.md "Webhooks"). The secret is in
 * the answers of create and rotate-secret only, never again. Another user's source, or a
 * malformed id, is 404.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('trader')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(
    @Inject(WebhookSourcesService) private readonly sources: WebhookSourcesService,
    @Inject(ListDeliveriesQuery) private readonly deliveries: ListDeliveriesQuery,
  ) {}

  /** 201 with the URL and the secret (shown this once); 400 names an account the user may not trade or an unknown symbol. */
  @Post()
  @HttpCode(201)
  @ApiProblems(403)
  @ZodResponse({ status: 201, type: WebhookSourceWithSecretDto })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateWebhookDto, @ReqMeta() meta: RequestMeta) {
    return this.sources.create(p.userId, body, meta);
  }

  @Get()
  @ApiProblems(403)
  @ZodResponse({ status: 200, type: WebhookSourceListDto })
  list(@CurrentPrincipal() p: Principal) {
    return this.sources.list(p.userId);
  }

  /** Name, split, accounts, symbols, limits, passphrase mode (on: a new passphrase in `passphraseValue`, once), enabled. */
  @Patch(':id')
  @ApiProblems(403)
  @ZodResponse({ status: 200, type: PatchWebhookResponseDto })
  patch(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: PatchWebhookDto, @ReqMeta() meta: RequestMeta) {
    return this.sources.patch(p.userId, id, body, meta);
  }

  /** The source and all its deliveries. */
  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(403)
  @ApiResponse({ status: 204, description: 'Deleted' })
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string, @ReqMeta() meta: RequestMeta): Promise<void> {
    await this.sources.delete(p.userId, id, meta);
  }

  /** A new secret, shown this once; the old one stops working at once. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiProblems(403)
  @ZodResponse({ status: 200, type: WebhookSourceWithSecretDto })
  rotate(@CurrentPrincipal() p: Principal, @Param('id') id: string, @ReqMeta() meta: RequestMeta) {
    return this.sources.rotateSecret(p.userId, id, meta);
  }

  /** Every delivery, accepted or not, newest first, each with its steps and timings. */
  @Get(':id/deliveries')
  @ApiProblems(403)
  @ZodResponse({ status: 200, type: WebhookDeliveryPageDto })
  listDeliveries(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() q: PageQueryDto) {
    return this.deliveries.execute(p.userId, id, q);
  }
}

/**
 * The webhook intake (docs/alerts.md "Intake"): no bearer token; authenticated by
 * `X-Tradeloop-Signature` over `X-Tradeloop-Timestamp + "." + rawBody`, or (passphrase mode) the
 * body's `passphrase`. Any Content-Type: the body's bytes are read as they are (hook-body.ts).
 */
@ApiTags('webhooks')
@Controller('api/v1/hooks')
export class HooksController {
  constructor(@Inject(ReceiveDeliveryUseCase) private readonly receive: ReceiveDeliveryUseCase) {}

  @Public()
  @Post(':sourceId')
  @HttpCode(202)
  @ApiHeader({ name: 'X-Tradeloop-Timestamp', required: false, description: 'Unix seconds; within WEBHOOK_TOLERANCE_SECONDS of ours' })
  @ApiHeader({ name: 'X-Tradeloop-Signature', required: false, description: 'sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>' })
  @ApiBody({ type: AlertPayloadDocDto, description: 'The alert (docs/alerts.md): our schema or TradingView placeholders, as JSON' })
  @ApiResponse({ status: 202, description: 'Accepted: stored and queued', type: HookAcceptedDto })
  @ApiResponse({ status: 200, description: 'A duplicate of an accepted alert: nothing decided again', type: HookDuplicateDto })
  @ApiProblems(401, 403, 429)
  async hook(
    @Param('sourceId') sourceId: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-tradeloop-timestamp') timestamp: string | undefined,
    @Headers('x-tradeloop-signature') signature: string | undefined,
  ): Promise<HookAnswer['body']> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const answer = await this.receive.execute({ sourceId, rawBody: raw, timestamp, signature });
    void reply.status(answer.status);
    return answer.body;
  }
}
