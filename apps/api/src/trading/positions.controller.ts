import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { OrderCommandsUseCase, type Principal } from '@tradeloop/server';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { PositionListDto } from './trading.dtos';

@ApiTags('trading')
@ApiBearerAuth()
@Roles('trader')
@Controller('api/v1/positions')
export class PositionsController {
  constructor(@Inject(OrderCommandsUseCase) private readonly orders: OrderCommandsUseCase) {}

  /** Net positions marked to the latest quotes. */
  @Get()
  @ZodResponse({ status: 200, type: PositionListDto })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.orders.positions(principal.userId) };
  }
}
