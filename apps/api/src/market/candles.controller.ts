import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import type { FastifyReply } from 'fastify';
import { ARROW_STREAM_TYPE, CandleQuerySchema, CandleSeriesSchema, type CandleSeries } from '@tradeloop/contracts';
import { candlesToArrow, candlesToJson, GetCandlesQuery } from '@tradeloop/market';
import { ApiProblems } from '../http/api-problems';

class CandleQueryDto extends createZodDto(CandleQuerySchema) {}
class CandleSeriesDto extends createZodDto(CandleSeriesSchema) {}

@ApiTags('market')
@ApiBearerAuth()
@Controller('api/v1/market/candles')
export class CandlesController {
  constructor(@Inject(GetCandlesQuery) private readonly candles: GetCandlesQuery) {}

  /** JSON by default; the same rows as an Arrow IPC stream with `Accept: application/vnd.apache.arrow.stream`. */
  @Get()
  @ApiProblems(404)
  @ApiProduces('application/json', ARROW_STREAM_TYPE)
  @ApiOkResponse({ type: CandleSeriesDto })
  async range(
    @Query() query: CandleQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CandleSeries | Buffer> {
    const columns = await this.candles.execute(query);
    if (accept?.includes(ARROW_STREAM_TYPE)) {
      void reply.type(ARROW_STREAM_TYPE);
      const bytes = candlesToArrow(columns);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return candlesToJson(query.symbol, query.timeframe, columns);
  }
}
