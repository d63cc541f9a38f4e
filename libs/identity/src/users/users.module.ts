import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { AuthModule } from '../auth';
import { RealtimeModule } from '@tradeloop/platform';
import { AdminUsersRepository } from './admin-users.repository';
import { UpdateUserUseCase } from './update-user.use-case';

@Module({
  imports: [AuthModule, AuditModule, RealtimeModule],
  providers: [AdminUsersRepository, UpdateUserUseCase],
  exports: [AdminUsersRepository, UpdateUserUseCase],
})
export class UsersModule {}
