import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { SignalCompareQuerySchema, SignalCompareSchema, SignalDetailSchema, SignalListQuerySchema, SignalListSchema } from '@tradeloop/contracts';
import { CompareModelSignalsQuery, GetSignalQuery, ListSignalsQuery } from '@tradeloop/ml';
import { Roles } from '../auth/auth.decorators';

class SignalListQueryDto extends createZodDto(SignalListQuerySchema) {}
class SignalListDto extends createZodDto(SignalListSchema) {}
class SignalDetailDto extends createZodDto(SignalDetailSchema) {}
class SignalCompareQueryDto extends createZodDto(SignalCompareQuerySchema) {}
class SignalCompareDto extends createZodDto(SignalCompareSchema) {}
class SignalIdPathDto extends createZodDto(z.strictObject({ id: z.uuid('not a signal id') })) {}

/** Stored model signals: quants study them, compliance walks order → signal → model → features. */
@ApiTags('ml')
@ApiBearerAuth()
@Roles('quant', 'admin', 'compliance')
@Controller('api/v1/signals')
export class SignalsController {
  constructor(
    @Inject(ListSignalsQuery) private readonly listSignals: ListSignalsQuery,
    @Inject(GetSignalQuery) private readonly getSignal: GetSignalQuery,
    @Inject(CompareModelSignalsQuery) private readonly compareSignals: CompareModelSignalsQuery,
  ) {}

  @Get()
  @ZodResponse({ status: 200, type: SignalListDto })
  list(@Query() q: SignalListQueryDto) {
    return this.listSignals.execute(q);
  }

  /** Two models' verdicts on the same bars (a shadow model against production). */
  @Get('compare')
  @ZodResponse({ status: 200, type: SignalCompareDto })
  compare(@Query() q: SignalCompareQueryDto) {
    return this.compareSignals.execute(q);
  }

  @Get(':id')
  @ZodResponse({ status: 200, type: SignalDetailDto })
  detail(@Param() p: SignalIdPathDto) {
    return this.getSignal.execute(p.id);
  }
}
