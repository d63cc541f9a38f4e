import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import {
  AdminUserListQuerySchema,
  AdminUserPageSchema,
  AdminUserPatchSchema,
  AdminUserSchema,
  CreateUserRequestSchema,
  IssuedPasswordSchema,
  UserIdParamSchema,
} from '@tradeloop/contracts';
import {
  CreateUserUseCase,
  GetUserQuery,
  ListUsersQuery,
  ResetMfaUseCase,
  ResetPasswordUseCase,
  UpdateUserUseCase,
  type Principal,
  type RequestMeta,
} from '@tradeloop/identity';
import { AdminListUserOrdersQuery, AdminListUserPositionsQuery } from '@tradeloop/trading';
import { ReqMeta } from '../http/request-meta';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';
import { OrderListDto, OrderListQueryDto, PositionListDto } from '../trading/trading.dtos';

class AdminUserListQueryDto extends createZodDto(AdminUserListQuerySchema) {}
class AdminUserPageDto extends createZodDto(AdminUserPageSchema) {}
class AdminUserPatchDto extends createZodDto(AdminUserPatchSchema) {}
class AdminUserDto extends createZodDto(AdminUserSchema) {}
class UserIdParamDto extends createZodDto(UserIdParamSchema) {}
class CreateUserRequestDto extends createZodDto(CreateUserRequestSchema) {}
class IssuedPasswordDto extends createZodDto(IssuedPasswordSchema) {}

/**
 * Admin → Users (docs/api.md "Auth and users"): the list, one user, roles and disabling, new
 * accounts, password and MFA resets, and the user's orders and positions for their page.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/users')
export class AdminUsersController {
  constructor(
    @Inject(ListUsersQuery) private readonly listUsers: ListUsersQuery,
    @Inject(GetUserQuery) private readonly getUser: GetUserQuery,
    @Inject(UpdateUserUseCase) private readonly updateUser: UpdateUserUseCase,
    @Inject(CreateUserUseCase) private readonly createUser: CreateUserUseCase,
    @Inject(ResetPasswordUseCase) private readonly resetPassword: ResetPasswordUseCase,
    @Inject(ResetMfaUseCase) private readonly resetMfa: ResetMfaUseCase,
    @Inject(AdminListUserOrdersQuery) private readonly userOrders: AdminListUserOrdersQuery,
    @Inject(AdminListUserPositionsQuery) private readonly userPositions: AdminListUserPositionsQuery,
  ) {}

  @Get()
  @ZodResponse({ status: 200, type: AdminUserPageDto })
  list(@Query() query: AdminUserListQueryDto) {
    return this.listUsers.execute(query);
  }

  /** A new account with a temporary password, answered once (409 for a taken email). */
  @Post()
  @ApiProblems(409)
  @ZodResponse({ status: 201, type: IssuedPasswordDto })
  create(@Body() body: CreateUserRequestDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return this.createUser.execute(principal.userId, body, meta);
  }

  @Get(':id')
  @ZodResponse({ status: 200, type: AdminUserDto })
  one(@Param() params: UserIdParamDto) {
    return this.getUser.execute(params.id);
  }

  @Patch(':id')
  @ApiProblems(409)
  @ZodResponse({ status: 200, type: AdminUserDto })
  update(
    @Param() params: UserIdParamDto,
    @Body() body: AdminUserPatchDto,
    @CurrentPrincipal() principal: Principal,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.updateUser.execute(principal.userId, params.id, body, meta);
  }

  /** A new temporary password, answered once; every session of the user ends (409 for the caller's own account). */
  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiProblems(409)
  @ZodResponse({ status: 200, type: IssuedPasswordDto })
  reset(@Param() params: UserIdParamDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return this.resetPassword.execute(principal.userId, params.id, meta);
  }

  /** MFA off (the user enrols again); every session of the user ends (409 when MFA is off, or for the caller's own account). */
  @Post(':id/reset-mfa')
  @HttpCode(200)
  @ApiProblems(409)
  @ZodResponse({ status: 200, type: AdminUserDto })
  mfaOff(@Param() params: UserIdParamDto, @CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return this.resetMfa.execute(principal.userId, params.id, meta);
  }

  /** The user's orders as they see them, newest first (`GET /api/v1/orders` for them). */
  @Get(':id/orders')
  @ZodResponse({ status: 200, type: OrderListDto })
  async orders(@Param() params: UserIdParamDto, @Query() query: OrderListQueryDto) {
    return { items: await this.userOrders.execute(params.id, query) };
  }

  /** The user's positions marked to the latest quotes (`GET /api/v1/positions` for them). */
  @Get(':id/positions')
  @ZodResponse({ status: 200, type: PositionListDto })
  async positions(@Param() params: UserIdParamDto) {
    return { items: await this.userPositions.execute(params.id) };
  }
}
