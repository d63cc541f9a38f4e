import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { AuthModule } from '../auth';
import { RealtimeModule } from '@tradeloop/platform';
import { AdminUsersRepository } from './admin-users.repository';
import { UpdateUserUseCase } from './update-user.use-case';
import { ListUsersQuery } from './list-users.query';
import { UserDirectoryRepository } from './user-directory.repository';
import { LookUpUsersQuery } from './user-directory.query';

@Module({
  imports: [AuthModule, AuditModule, RealtimeModule],
  providers: [AdminUsersRepository, UpdateUserUseCase, ListUsersQuery, UserDirectoryRepository, LookUpUsersQuery],
  exports: [UpdateUserUseCase, ListUsersQuery, LookUpUsersQuery],
})
export class UsersModule {}
