import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import type { Redis } from 'ioredis';
import { MarketSteerResponseSchema, MarketSteerSchema, type MarketSteerResponse } from '@tradeloop/contracts';
import { DomainError, formatPrice, parsePrice } from '@tradeloop/domain';
import { APP_CONFIG, REDIS, type AppConfig } from '@tradeloop/platform';
import { AuditRepository, type Principal, type RequestMeta } from '@tradeloop/identity';
import { InstrumentsRepository, steerMarket } from '@tradeloop/market';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';
import { ApiProblems } from '../http/api-problems';

class MarketSteerDto extends createZodDto(MarketSteerSchema) {}
class MarketSteerResponseDto extends createZodDto(MarketSteerResponseSchema) {}

/**
 * A test seam, not a feature (docs/api.md "Market steering"): with MARKET_STEERING=true an admin
 * pins an instrument of the simulated market to a price, so tests can move a leg through its
 * exits. While MARKET_STEERING is off (the default, and always in production) the route is a 404.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/market')
export class MarketSteeringController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  @Post('steer')
  @HttpCode(200)
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: MarketSteerResponseDto })
  async steer(
    @Body() body: MarketSteerDto,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
  ): Promise<MarketSteerResponse> {
    if (!this.config.MARKET_STEERING) throw new DomainError('NOT_FOUND', 'Market steering is off (MARKET_STEERING)');
    const symbol = body.symbol.toUpperCase();
    const instrument = await this.instruments.cachedBySymbol(symbol);
    if (!instrument || instrument.active === false)
      throw new DomainError('VALIDATION_FAILED', `Unknown symbol ${symbol}`, {
        fieldErrors: [{ field: 'symbol', message: 'no such instrument' }],
      });
    const price = body.price === null ? null : parsePrice(body.price, 'price');
    if (price !== null && price % instrument.tickSize !== 0)
      throw new DomainError('VALIDATION_FAILED', `Invalid price`, {
        fieldErrors: [{ field: 'price', message: `must be a multiple of the tick size ${formatPrice(instrument.tickSize)}` }],
      });
    await steerMarket(this.redis, this.config.REDIS_PREFIX, symbol, price);
    await this.audit.append({
      actorId: principal.userId,
      action: 'market.steered',
      subject: `instrument:${symbol}`,
      details: { price: body.price },
      meta,
    });
    return { symbol, price: price === null ? null : formatPrice(price) };
  }
}
