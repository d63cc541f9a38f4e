import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import {
  EffectiveSettingsSchema,
  LegListSchema,
  PutSettingsSchema,
  QuickOrderResponseSchema,
  QuickOrderSchema,
  RiskExitListSchema,
  SettingsTierSchema,
} from '@tradeloop/contracts';
import { type Principal, type RequestMeta } from '@tradeloop/identity';
import { ListLegsQuery, ListRiskExitsQuery, QuickOrderUseCase, TradingSettingsService } from '@tradeloop/watchlist-trading';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';
import { ReqMeta } from '../http/request-meta';

class SettingsTierDto extends createZodDto(SettingsTierSchema) {}
class PutSettingsDto extends createZodDto(PutSettingsSchema) {}
class EffectiveSettingsDto extends createZodDto(EffectiveSettingsSchema) {}
class EffectiveQueryDto extends createZodDto(
  z.strictObject({ watchlistId: z.string().max(64).optional(), symbol: z.string().trim().min(1).max(40).optional() }),
) {}
class QuickOrderDto extends createZodDto(QuickOrderSchema) {}
class QuickOrderResponseDto extends createZodDto(QuickOrderResponseSchema) {}
class LegListDto extends createZodDto(LegListSchema) {}
class RiskExitListDto extends createZodDto(RiskExitListSchema) {}

/**
 * Watchlist trading settings in tiers (docs/watchlist-trading.md, "Settings: six tiers"). Every
 * tier is read by any signed-in user; Global and the Index profiles are written by admins only,
 * a Watchlist tier by the watchlist's owner (another's, or a malformed id, is 404), the User and
 * Symbol tiers by the user they belong to. A PUT replaces the tier's whole set; an unknown key, or a
 * value breaking a rule, is a 400 naming `values.<key>`.
 */
@ApiTags('watchlist-trading')
@ApiBearerAuth()
@Controller('api/v1/settings')
export class TradingSettingsController {
  constructor(@Inject(TradingSettingsService) private readonly settings: TradingSettingsService) {}

  @Get('global')
  @ZodResponse({ status: 200, type: SettingsTierDto })
  getGlobal(@CurrentPrincipal() p: Principal) {
    return this.settings.get(p.userId, { tier: 'global' });
  }

  @Put('global')
  @Roles('admin')
  @ZodResponse({ status: 200, type: SettingsTierDto })
  putGlobal(@CurrentPrincipal() p: Principal, @Body() body: PutSettingsDto, @ReqMeta() meta: RequestMeta) {
    return this.settings.put(p.userId, { tier: 'global' }, body.values, meta);
  }

  @Get('index-profiles/:underlying')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: SettingsTierDto })
  getIndex(@CurrentPrincipal() p: Principal, @Param('underlying') underlying: string) {
    return this.settings.get(p.userId, { tier: 'index', underlying });
  }

  @Put('index-profiles/:underlying')
  @Roles('admin')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: SettingsTierDto })
  putIndex(
    @CurrentPrincipal() p: Principal,
    @Param('underlying') underlying: string,
    @Body() body: PutSettingsDto,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.settings.put(p.userId, { tier: 'index', underlying }, body.values, meta);
  }

  @Get('watchlists/:id')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: SettingsTierDto })
  getWatchlist(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.settings.get(p.userId, { tier: 'watchlist', watchlistId: id });
  }

  @Put('watchlists/:id')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: SettingsTierDto })
  putWatchlist(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: PutSettingsDto, @ReqMeta() meta: RequestMeta) {
    return this.settings.put(p.userId, { tier: 'watchlist', watchlistId: id }, body.values, meta);
  }

  @Get('user')
  @ZodResponse({ status: 200, type: SettingsTierDto })
  getUser(@CurrentPrincipal() p: Principal) {
    return this.settings.get(p.userId, { tier: 'user' });
  }

  @Put('user')
  @ZodResponse({ status: 200, type: SettingsTierDto })
  putUser(@CurrentPrincipal() p: Principal, @Body() body: PutSettingsDto, @ReqMeta() meta: RequestMeta) {
    return this.settings.put(p.userId, { tier: 'user' }, body.values, meta);
  }

  @Get('symbols/:symbol')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: SettingsTierDto })
  getSymbol(@CurrentPrincipal() p: Principal, @Param('symbol') symbol: string) {
    return this.settings.get(p.userId, { tier: 'symbol', symbol });
  }

  @Put('symbols/:symbol')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: SettingsTierDto })
  putSymbol(@CurrentPrincipal() p: Principal, @Param('symbol') symbol: string, @Body() body: PutSettingsDto, @ReqMeta() meta: RequestMeta) {
    return this.settings.put(p.userId, { tier: 'symbol', symbol }, body.values, meta);
  }

  /** Each key's effective value and the tier it came from, for a row of a watchlist (both optional). */
  @Get('effective')
  @ApiProblems(404)
  @ZodResponse({ status: 200, type: EffectiveSettingsDto })
  effective(@CurrentPrincipal() p: Principal, @Query() q: EffectiveQueryDto) {
    return this.settings.effective(p.userId, q);
  }
}

/**
 * Quick orders, legs and risk exits (docs/watchlist-trading.md). A click is an intent: the same
 * `intentId` and body answer the same (nothing is sent twice); another body is a 409.
 */
@ApiTags('watchlist-trading')
@ApiBearerAuth()
@Roles('trader')
@Controller('api/v1')
export class QuickOrdersController {
  constructor(
    @Inject(QuickOrderUseCase) private readonly quick: QuickOrderUseCase,
    @Inject(ListLegsQuery) private readonly legs: ListLegsQuery,
    @Inject(ListRiskExitsQuery) private readonly exits: ListRiskExitsQuery,
  ) {}

  /**
   * 202: the click's target positions are set and each account's delta is on its way; each
   * account's outcome is in `results` (accepted, refused with the order path's reason, or failed,
   * e.g. an account that needs a login). 400 names the field of an unresolvable contract or a
   * setting that breaks a rule; 404 for another user's watchlist; 409 for a reused intentId.
   */
  @Post('orders/quick')
  @HttpCode(202)
  @ApiProblems(404, 409)
  @ZodResponse({ status: 202, type: QuickOrderResponseDto })
  click(@CurrentPrincipal() p: Principal, @Body() body: QuickOrderDto, @ReqMeta() meta: RequestMeta) {
    return this.quick.execute(p.userId, body, meta);
  }

  /** The caller's open legs per account: net, average, LTP, P&L per unit and the exits' levels. */
  @Get('legs')
  @ZodResponse({ status: 200, type: LegListDto })
  async listLegs(@CurrentPrincipal() p: Principal) {
    return { items: await this.legs.execute(p.userId) };
  }

  /** The caller's fired risk exits, newest first. */
  @Get('risk-exits')
  @ZodResponse({ status: 200, type: RiskExitListDto })
  async listExits(@CurrentPrincipal() p: Principal) {
    return { items: await this.exits.execute(p.userId) };
  }
}
