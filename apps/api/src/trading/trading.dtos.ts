import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import {
  AdminKillSwitchQuerySchema,
  AdminKillSwitchSchema,
  AdminKillSwitchStatusSchema,
  EngageOwnKillSwitchSchema,
  KillSwitchStatusSchema,
  ModifyOrderSchema,
  OrderDetailSchema,
  OrderListQuerySchema,
  OrderListSchema,
  OrderSchema,
  PlaceOrderSchema,
  PositionListSchema,
  RiskEventListSchema,
  RiskEventsQuerySchema,
  RiskLimitsSchema,
  SquareOffSchema,
  TradeListSchema,
  UpdateRiskLimitsSchema,
} from '@tradeloop/contracts';

export class PlaceOrderDto extends createZodDto(PlaceOrderSchema) {}
export class ModifyOrderDto extends createZodDto(ModifyOrderSchema) {}
export class OrderResponseDto extends createZodDto(z.object({ order: OrderSchema })) {}
export class OrderDetailDto extends createZodDto(OrderDetailSchema) {}
export class OrderListQueryDto extends createZodDto(OrderListQuerySchema) {}
export class OrderListDto extends createZodDto(OrderListSchema) {}
export class OrderIdPathDto extends createZodDto(z.strictObject({ id: z.uuid('not an order id') })) {}
export class TradeListDto extends createZodDto(TradeListSchema) {}
export class PositionListDto extends createZodDto(PositionListSchema) {}
export class SquareOffDto extends createZodDto(SquareOffSchema) {}
export class RiskLimitsDto extends createZodDto(RiskLimitsSchema) {}
export class UpdateRiskLimitsDto extends createZodDto(UpdateRiskLimitsSchema) {}
export class KillSwitchStatusDto extends createZodDto(KillSwitchStatusSchema) {}
export class EngageOwnKillSwitchDto extends createZodDto(EngageOwnKillSwitchSchema) {}
export class AdminKillSwitchDto extends createZodDto(AdminKillSwitchSchema) {}
export class RiskEventListDto extends createZodDto(RiskEventListSchema) {}
export class RiskEventsQueryDto extends createZodDto(RiskEventsQuerySchema) {}
export class UserIdPathDto extends createZodDto(z.strictObject({ userId: z.uuid('not a user id') })) {}
export class AdminKillSwitchQueryDto extends createZodDto(AdminKillSwitchQuerySchema) {}
export class AdminKillSwitchStatusDto extends createZodDto(AdminKillSwitchStatusSchema) {}
