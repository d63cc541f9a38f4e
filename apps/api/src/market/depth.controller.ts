import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { DepthQuerySchema, MarketDepthSchema, type MarketDepthView } from '@tradeloop/contracts';
import { DomainError } from '@tradeloop/domain';
import { depthViewOf, InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { ApiProblems } from '../http/api-problems';

class DepthQueryDto extends createZodDto(DepthQuerySchema) {}
class MarketDepthDto extends createZodDto(MarketDepthSchema) {}

@ApiTags('market')
@ApiBearerAuth()
@Controller('api/v1/market/depth')
export class DepthController {
  constructor(
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
  ) {}

  /** The latest 5-level book of a symbol from the live feed (docs/api.md "Market depth"); an unknown symbol is a 404. */
  @Get()
  @ApiProblems(404)
  @ApiOkResponse({ type: MarketDepthDto })
  async get(@Query() query: DepthQueryDto): Promise<MarketDepthView> {
    const symbol = query.symbol.toUpperCase();
    const [known, depth] = await Promise.all([this.instruments.existing([symbol]), this.quotes.depth(symbol)]);
    if (!known.has(symbol)) throw new DomainError('NOT_FOUND', `Unknown symbol: ${symbol}`);
    return depthViewOf(symbol, depth);
  }
}
