import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import {
  BrokerAccountIdParamSchema,
  BrokerFundsSchema,
  BrokerHoldingListSchema,
  BrokerOrderViewListSchema,
  BrokerPositionListSchema,
} from '@tradeloop/contracts';
import type { Principal } from '@tradeloop/identity';
import { BrokerAccountViewsQuery } from '@tradeloop/trading';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class BrokerAccountIdPathDto extends createZodDto(BrokerAccountIdParamSchema) {}
class BrokerFundsDto extends createZodDto(BrokerFundsSchema) {}
class BrokerPositionListDto extends createZodDto(BrokerPositionListSchema) {}
class BrokerOrderViewListDto extends createZodDto(BrokerOrderViewListSchema) {}
class BrokerHoldingListDto extends createZodDto(BrokerHoldingListSchema) {}

/**
 * The broker's own view of one of the caller's accounts (docs/api.md "Broker accounts"): funds, positions,
 * delivery holdings and the order book as the broker reports them, to set beside ours. 409 when the broker session
 * is gone (log in again), 503 when the broker does not answer.
 */
@ApiTags('brokers')
@ApiBearerAuth()
@Roles('trader', 'quant', 'admin')
@Controller('api/v1/broker-accounts')
export class BrokerAccountViewsController {
  constructor(@Inject(BrokerAccountViewsQuery) private readonly views: BrokerAccountViewsQuery) {}

  @Get(':id/funds')
  @ApiProblems(404, 409)
  @ZodResponse({ status: 200, type: BrokerFundsDto })
  funds(@CurrentPrincipal() principal: Principal, @Param() p: BrokerAccountIdPathDto) {
    return this.views.funds(principal.userId, p.id);
  }

  @Get(':id/positions')
  @ApiProblems(404, 409)
  @ZodResponse({ status: 200, type: BrokerPositionListDto })
  positions(@CurrentPrincipal() principal: Principal, @Param() p: BrokerAccountIdPathDto) {
    return this.views.positions(principal.userId, p.id);
  }

  @Get(':id/holdings')
  @ApiProblems(404, 409)
  @ZodResponse({ status: 200, type: BrokerHoldingListDto })
  holdings(@CurrentPrincipal() principal: Principal, @Param() p: BrokerAccountIdPathDto) {
    return this.views.holdings(principal.userId, p.id);
  }

  @Get(':id/orders')
  @ApiProblems(404, 409)
  @ZodResponse({ status: 200, type: BrokerOrderViewListDto })
  orders(@CurrentPrincipal() principal: Principal, @Param() p: BrokerAccountIdPathDto) {
    return this.views.orders(principal.userId, p.id);
  }
}
