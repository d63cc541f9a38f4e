import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { RealtimeModule } from '@tradeloop/platform';
import { AccessTokens } from './access-tokens';
import { ChangePasswordUseCase } from './change-password.use-case';
import { CredentialChanges } from './credential-changes';
import { LoginThrottle } from './login-throttle';
import { LoginUseCase } from './login.use-case';
import { DisableMfaUseCase, EnableMfaUseCase, SetupMfaUseCase } from './mfa.use-case';
import { MfaSecrets } from './mfa-secrets';
import { PasswordHasher } from './password-hasher';
import { PrincipalCache } from './principal-cache';
import { RefreshSessionUseCase } from './refresh-session.use-case';
import { RegisterUseCase } from './register.use-case';
import { RegistrationThrottle } from './registration-throttle';
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
  DisableMfaUseCase,
  ChangePasswordUseCase,
];

@Module({
  imports: [AuditModule, RealtimeModule],
  providers: [
    ...useCases,
    PrincipalCache,
    AccessTokens,
    LoginThrottle,
    RegistrationThrottle,
    CredentialChanges,
    MfaSecrets,
    PasswordHasher,
    SessionsRepository,
    UsersRepository,
  ],
  // Beyond the use cases: what users/ (UpdateUserUseCase; the admin's password and MFA resets,
  // which hash, revoke and lift the login throttle) and risk (user existence) need, and the
  // sessions store the worker's purge job works on.
  exports: [...useCases, PrincipalCache, SessionsRepository, UsersRepository, PasswordHasher, LoginThrottle],
})
export class AuthModule {}
