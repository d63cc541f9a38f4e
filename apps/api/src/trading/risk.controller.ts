import { Body, Controller, Get, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { DomainError } from '@tradeloop/domain';
import { type Principal, type RequestMeta } from '@tradeloop/identity';
import {
  GetAdminKillSwitchesQuery,
  GetKillSwitchesQuery,
  GetRiskLimitsQuery,
  ListRiskEventsQuery,
  SetKillSwitchUseCase,
  SetRiskLimitsUseCase,
} from '@tradeloop/risk';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ReqMeta } from '../http/request-meta';
import {
  AdminKillSwitchDto,
  AdminKillSwitchQueryDto,
  AdminKillSwitchStatusDto,
  EngageOwnKillSwitchDto,
  KillSwitchStatusDto,
  RiskEventListDto,
  RiskEventsQueryDto,
  RiskLimitsDto,
  UpdateRiskLimitsDto,
  UserIdPathDto,
} from './trading.dtos';
import { ApiProblems } from '../http/api-problems';

@ApiTags('risk')
@ApiBearerAuth()
@Controller('api/v1')
export class RiskController {
  constructor(
    @Inject(GetRiskLimitsQuery) private readonly getLimits: GetRiskLimitsQuery,
    @Inject(SetRiskLimitsUseCase) private readonly setRiskLimits: SetRiskLimitsUseCase,
    @Inject(GetKillSwitchesQuery) private readonly getSwitches: GetKillSwitchesQuery,
    @Inject(GetAdminKillSwitchesQuery) private readonly getAdminSwitches: GetAdminKillSwitchesQuery,
    @Inject(SetKillSwitchUseCase) private readonly setSwitch: SetKillSwitchUseCase,
    @Inject(ListRiskEventsQuery) private readonly listEvents: ListRiskEventsQuery,
  ) {}

  @Get('risk/limits')
  @Roles('trader')
  @ZodResponse({ status: 200, type: RiskLimitsDto })
  limits(@CurrentPrincipal() p: Principal) {
    return this.getLimits.execute(p.userId);
  }

  /** Any user's limits, for the admin screen that edits them. */
  @Get('admin/risk/limits/:userId')
  @Roles('admin')
  @ZodResponse({ status: 200, type: RiskLimitsDto })
  limitsOf(@Param() path: UserIdPathDto) {
    return this.getLimits.execute(path.userId, { mustExist: true });
  }

  @Put('admin/risk/limits/:userId')
  @Roles('admin')
  @ZodResponse({ status: 200, type: RiskLimitsDto })
  setLimits(
    @Param() path: UserIdPathDto,
    @Body() body: UpdateRiskLimitsDto,
    @CurrentPrincipal() p: Principal,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.setRiskLimits.execute(p.userId, path.userId, body, meta);
  }

  @Get('risk/kill-switch')
  @Roles('trader')
  @ZodResponse({ status: 200, type: KillSwitchStatusDto })
  switches(@CurrentPrincipal() p: Principal) {
    return this.getSwitches.execute(p.userId);
  }

  /**
   * Engages the caller's own switch: their open orders are cancelled, new exposure is refused (423);
   * with `squareOff` their open positions are squared off too (by the worker, once per engagement).
   */
  @Post('risk/kill-switch')
  @ApiProblems(409)
  @Roles('trader')
  @ZodResponse({ status: 200, type: KillSwitchStatusDto })
  engageOwn(@Body() body: EngageOwnKillSwitchDto, @CurrentPrincipal() p: Principal, @ReqMeta() meta: RequestMeta) {
    return this.setSwitch.execute(p.userId, 'user', p.userId, true, body.reason, meta, { squareOff: body.squareOff === true });
  }

  /** The global switch, and with `?userId=` that user's switch (`user` is null without it). */
  @Get('admin/risk/kill-switch')
  @ApiProblems(404)
  @Roles('admin')
  @ZodResponse({ status: 200, type: AdminKillSwitchStatusDto })
  switchesFor(@Query() query: AdminKillSwitchQueryDto) {
    return this.getAdminSwitches.execute(query.userId);
  }

  /**
   * Engages or releases the global switch or one user's; with `squareOff` (engaging only) every
   * covered open position is squared off too — everyone's for the global switch — by the worker,
   * once per engagement.
   */
  @Post('admin/risk/kill-switch')
  @ApiProblems(404, 409)
  @Roles('admin')
  @ZodResponse({ status: 200, type: KillSwitchStatusDto })
  admin(@Body() body: AdminKillSwitchDto, @CurrentPrincipal() p: Principal, @ReqMeta() meta: RequestMeta) {
    if (body.scope === 'user' && !body.userId) throw new DomainError('VALIDATION_FAILED', 'userId is required');
    return this.setSwitch.execute(p.userId, body.scope, body.userId ?? null, body.engaged, body.reason, meta, {
      squareOff: body.squareOff === true,
    });
  }

  @Get('risk/events')
  @Roles('trader', 'admin', 'compliance')
  @ZodResponse({ status: 200, type: RiskEventListDto })
  async events(@Query() query: RiskEventsQueryDto, @CurrentPrincipal() p: Principal) {
    const seesEveryone = p.roles.includes('admin') || p.roles.includes('compliance');
    if (!seesEveryone && query.userId !== undefined && query.userId !== p.userId) {
      throw new DomainError('FORBIDDEN', "Only admins and compliance see another user's risk events");
    }
    return { items: await this.listEvents.execute(seesEveryone ? (query.userId ?? null) : p.userId) };
  }
}
