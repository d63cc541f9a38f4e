import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { QuoteListSchema, QuotesQuerySchema, type QuoteList } from '@tradeloop/contracts';
import { DomainError } from '@tradeloop/domain';
import { InstrumentsRepository, quoteOf } from '@tradeloop/market';
import { MarketStreamHub } from '../realtime/market-stream.hub';
import { ApiProblems } from '../http/api-problems';

class QuotesQueryDto extends createZodDto(QuotesQuerySchema) {}
class QuoteListDto extends createZodDto(QuoteListSchema) {}

@ApiTags('market')
@ApiBearerAuth()
@Controller('api/v1/market/quotes')
export class QuotesController {
  constructor(
    @Inject(MarketStreamHub) private readonly market: MarketStreamHub,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
  ) {}

  /** Latest quotes in the order asked; unknown symbols are a 404 naming them all. */
  @Get()
  @ApiProblems(404)
  @ApiOkResponse({ type: QuoteListDto })
  async list(@Query() query: QuotesQueryDto): Promise<QuoteList> {
    const symbols = query.symbols.map((s) => s.toUpperCase());
    const [known, latest] = await Promise.all([this.instruments.existing(symbols), this.market.latest(symbols)]);
    const unknown = symbols.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new DomainError('NOT_FOUND', `Unknown symbol${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
    return { items: symbols.flatMap((s) => (latest.has(s) ? [quoteOf(latest.get(s)!)] : [])) };
  }
}
