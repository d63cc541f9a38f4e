import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { CreatePriceAlertSchema, PriceAlertListSchema, PriceAlertSchema } from '@tradeloop/contracts';
import { type Principal } from '@tradeloop/identity';
import { CreatePriceAlertUseCase, DeletePriceAlertUseCase, ListPriceAlertsQuery } from '@tradeloop/market';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class CreatePriceAlertDto extends createZodDto(CreatePriceAlertSchema) {}
class PriceAlertDto extends createZodDto(PriceAlertSchema) {}
class PriceAlertListDto extends createZodDto(PriceAlertListSchema) {}

/**
 * The caller's own price alerts (any role; docs/api.md "Price alerts"). Another user's alert, or
 * a malformed id, is 404. An unknown symbol or a price off the instrument's tick is 400 naming
 * the field; past the active-alert cap, 409. The worker's engine fires them (docs/alerts.md).
 */
@ApiTags('market')
@ApiBearerAuth()
@Controller('api/v1/price-alerts')
export class PriceAlertsController {
  constructor(
    @Inject(CreatePriceAlertUseCase) private readonly create: CreatePriceAlertUseCase,
    @Inject(ListPriceAlertsQuery) private readonly list: ListPriceAlertsQuery,
    @Inject(DeletePriceAlertUseCase) private readonly remove: DeletePriceAlertUseCase,
  ) {}

  /** Active alerts (newest first), then those triggered in the last 7 days (the latest 50). */
  @Get()
  @ZodResponse({ status: 200, type: PriceAlertListDto })
  async index(@CurrentPrincipal() principal: Principal) {
    return { items: await this.list.execute(principal.userId) };
  }

  @Post()
  @ApiProblems(409)
  @ZodResponse({ status: 201, type: PriceAlertDto })
  add(@CurrentPrincipal() principal: Principal, @Body() body: CreatePriceAlertDto) {
    return this.create.execute(principal.userId, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.remove.execute(principal.userId, id);
  }
}
