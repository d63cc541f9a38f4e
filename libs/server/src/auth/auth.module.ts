import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { RealtimeModule } from '../realtime';
import { AccessTokens } from './access-tokens';
import { LoginThrottle } from './login-throttle';
import { LoginUseCase } from './login.use-case';
import { EnableMfaUseCase, SetupMfaUseCase } from './mfa.use-case';
import { MfaSecrets } from './mfa-secrets';
import { PasswordHasher } from './password-hasher';
import { PrincipalCache } from './principal-cache';
import { RefreshSessionUseCase } from './refresh-session.use-case';
import { RegisterUseCase } from './register.use-case';
import { AuthenticateUseCase, GetMeUseCase, LogoutUseCase } from './session-use-cases';
import { SessionsRepository } from './sessions.repository';
import { UsersRepository } from './users.repository';

const useCases = [
  RegisterUseCase,
  LoginUseCase,
  RefreshSessionUseCase,
  LogoutUseCase,
  GetMeUseCase,
  AuthenticateUseCase,
  SetupMfaUseCase,
  EnableMfaUseCase,
];

@Module({
  imports: [AuditModule, RealtimeModule],
  providers: [...useCases, PrincipalCache, AccessTokens, LoginThrottle, MfaSecrets, PasswordHasher, SessionsRepository, UsersRepository],
  exports: [...useCases, PrincipalCache, AccessTokens, MfaSecrets, SessionsRepository, UsersRepository],
})
export class AuthModule {}
