import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { UserDirectoryQuerySchema, UserRefListSchema } from '@tradeloop/contracts';
import { LookUpUsersQuery } from '@tradeloop/identity';
import { Roles } from '../auth/auth.decorators';

class UserDirectoryQueryDto extends createZodDto(UserDirectoryQuerySchema) {}
class UserRefListDto extends createZodDto(UserRefListSchema) {}

/** Names for the ids on admin and compliance pages, and people found by email (docs/api.md). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin', 'compliance')
@Controller('api/v1/directory/users')
export class UserDirectoryController {
  constructor(@Inject(LookUpUsersQuery) private readonly lookUp: LookUpUsersQuery) {}

  @Get()
  @ZodResponse({ status: 200, type: UserRefListDto })
  find(@Query() query: UserDirectoryQueryDto) {
    return this.lookUp.execute(query);
  }
}
