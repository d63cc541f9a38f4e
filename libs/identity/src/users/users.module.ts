import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { AuthModule } from '../auth';
import { RealtimeModule } from '@tradeloop/platform';
import { AdminUsersRepository } from './admin-users.repository';
import { UpdateUserUseCase } from './update-user.use-case';
import { ListUsersQuery } from './list-users.query';
import { UserDirectoryRepository } from './user-directory.repository';
import { LookUpUsersQuery } from './user-directory.query';
import { CreateUserUseCase } from './create-user.use-case';
import { ResetPasswordUseCase } from './reset-password.use-case';
import { ResetMfaUseCase } from './reset-mfa.use-case';
import { GetUserQuery } from './get-user.query';
import { CredentialResets } from './credential-resets';

const USE_CASES = [
  UpdateUserUseCase,
  ListUsersQuery,
  GetUserQuery,
  LookUpUsersQuery,
  CreateUserUseCase,
  ResetPasswordUseCase,
  ResetMfaUseCase,
];

@Module({
  imports: [AuthModule, AuditModule, RealtimeModule],
  providers: [...USE_CASES, AdminUsersRepository, UserDirectoryRepository, CredentialResets],
  exports: USE_CASES,
})
export class UsersModule {}
