import { Body, Controller, Get, Inject, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import {
  AdminUserListQuerySchema,
  AdminUserPageSchema,
  AdminUserPatchSchema,
  AdminUserSchema,
  UserIdParamSchema,
} from '@tradeloop/contracts';
import { ListUsersQuery, UpdateUserUseCase, type Principal, type RequestMeta } from '@tradeloop/identity';
import { ReqMeta } from '../http/request-meta';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { ApiProblems } from '../http/api-problems';

class AdminUserListQueryDto extends createZodDto(AdminUserListQuerySchema) {}
class AdminUserPageDto extends createZodDto(AdminUserPageSchema) {}
class AdminUserPatchDto extends createZodDto(AdminUserPatchSchema) {}
class AdminUserDto extends createZodDto(AdminUserSchema) {}
class UserIdParamDto extends createZodDto(UserIdParamSchema) {}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/users')
export class AdminUsersController {
  constructor(
    @Inject(ListUsersQuery) private readonly listUsers: ListUsersQuery,
    @Inject(UpdateUserUseCase) private readonly updateUser: UpdateUserUseCase,
  ) {}

  @Get()
  @ZodResponse({ status: 200, type: AdminUserPageDto })
  list(@Query() query: AdminUserListQueryDto) {
    return this.listUsers.execute(query);
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
}
