import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { OptionChainQuerySchema, OptionChainSchema, type OptionChainView } from '@tradeloop/contracts';
import { GetOptionChainQuery } from '@tradeloop/market';
import { ApiProblems } from '../http/api-problems';

class OptionChainQueryDto extends createZodDto(OptionChainQuerySchema) {}
class OptionChainDto extends createZodDto(OptionChainSchema) {}

@ApiTags('market')
@ApiBearerAuth()
@Controller('api/v1/market/option-chain')
export class OptionChainController {
  constructor(@Inject(GetOptionChainQuery) private readonly chain: GetOptionChainQuery) {}

  /** One expiry's calls and puts around the money (docs/api.md "Market data"). */
  @Get()
  @ApiProblems(404)
  @ApiOkResponse({ type: OptionChainDto })
  get(@Query() query: OptionChainQueryDto): Promise<OptionChainView> {
    return this.chain.execute(query);
  }
}
