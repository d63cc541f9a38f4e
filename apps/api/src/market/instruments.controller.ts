import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { InstrumentListSchema, InstrumentQuerySchema } from '@tradeloop/contracts';
import { SearchInstrumentsQuery } from '@tradeloop/market';

class InstrumentQueryDto extends createZodDto(InstrumentQuerySchema) {}
class InstrumentListDto extends createZodDto(InstrumentListSchema) {}

@ApiTags('market')
@ApiBearerAuth()
@Controller('api/v1/instruments')
export class InstrumentsController {
  constructor(@Inject(SearchInstrumentsQuery) private readonly instruments: SearchInstrumentsQuery) {}

  @Get()
  @ZodResponse({ status: 200, type: InstrumentListDto })
  async search(@Query() query: InstrumentQueryDto) {
    return { items: await this.instruments.execute(query) };
  }
}
