import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import {
  ChangePasswordUseCase,
  DisableMfaUseCase,
  EnableMfaUseCase,
  GetMeUseCase,
  LoginUseCase,
  LogoutUseCase,
  RefreshSessionUseCase,
  RegisterUseCase,
  SetupMfaUseCase,
  type Principal,
  type RequestMeta,
} from '@tradeloop/identity';
import { ApiProblems } from '../http/api-problems';
import { ReqMeta } from '../http/request-meta';
import { CurrentPrincipal, Public } from './auth.decorators';
import {
  ChangePasswordDto,
  LoginDto,
  LoginResponseDto,
  MfaDisableDto,
  MfaEnableDto,
  MfaSetupResponseDto,
  RefreshDto,
  RegisterDto,
  RegisterResponseDto,
  TokenPairDto,
  UserDto,
} from './auth.dtos';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(RegisterUseCase) private readonly registerUser: RegisterUseCase,
    @Inject(LoginUseCase) private readonly loginUser: LoginUseCase,
    @Inject(RefreshSessionUseCase) private readonly refreshSession: RefreshSessionUseCase,
    @Inject(LogoutUseCase) private readonly logoutUser: LogoutUseCase,
    @Inject(GetMeUseCase) private readonly getMe: GetMeUseCase,
    @Inject(SetupMfaUseCase) private readonly setupMfa: SetupMfaUseCase,
    @Inject(EnableMfaUseCase) private readonly enableMfa: EnableMfaUseCase,
    @Inject(DisableMfaUseCase) private readonly disableMfa: DisableMfaUseCase,
    @Inject(ChangePasswordUseCase) private readonly changePasswordOf: ChangePasswordUseCase,
  ) {}

  /** 201 with a user for a new email and for a taken one alike (nothing is created then). */
  @Public()
  @Post('register')
  @ZodResponse({ status: 201, type: RegisterResponseDto })
  @ApiProblems(403, 429)
  async register(@Body() body: RegisterDto, @ReqMeta() meta: RequestMeta) {
    return { user: await this.registerUser.execute(body, meta) };
  }

  @Public()
  @Post('login')
  @ApiProblems(401, 429)
  @ZodResponse({ status: 200, type: LoginResponseDto })
  login(@Body() body: LoginDto, @ReqMeta() meta: RequestMeta) {
    return this.loginUser.execute(body, meta);
  }

  @Public()
  @Post('refresh')
  @ApiProblems(401)
  @ZodResponse({ status: 200, type: TokenPairDto })
  refresh(@Body() body: RefreshDto, @ReqMeta() meta: RequestMeta) {
    return this.refreshSession.execute(body.refreshToken, meta);
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta): Promise<void> {
    await this.logoutUser.execute(principal, meta);
  }

  @ApiBearerAuth()
  @Get('me')
  @ZodResponse({ status: 200, type: UserDto })
  me(@CurrentPrincipal() principal: Principal) {
    return this.getMe.execute(principal);
  }

  @ApiBearerAuth()
  @Post('mfa/setup')
  @ApiProblems(409)
  @ZodResponse({ status: 200, type: MfaSetupResponseDto })
  mfaSetup(@CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return this.setupMfa.execute(principal, meta);
  }

  /** Revokes the user's other sessions. */
  @ApiBearerAuth()
  @Post('mfa/enable')
  @ZodResponse({ status: 200, type: UserDto })
  @ApiProblems(409)
  mfaEnable(@CurrentPrincipal() principal: Principal, @Body() body: MfaEnableDto, @ReqMeta() meta: RequestMeta) {
    return this.enableMfa.execute(principal, body.otp, meta);
  }

  /** Needs a current code and the password; revokes the user's other sessions. */
  @ApiBearerAuth()
  @Post('mfa/disable')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: UserDto })
  @ApiProblems(409, 429)
  mfaDisable(@CurrentPrincipal() principal: Principal, @Body() body: MfaDisableDto, @ReqMeta() meta: RequestMeta) {
    return this.disableMfa.execute(principal, body, meta);
  }

  /** Needs the current password; revokes the user's other sessions, keeps the caller's. */
  @ApiBearerAuth()
  @Post('password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Password changed; every other session of the user is revoked' })
  @ApiProblems(409, 429)
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.changePasswordOf.execute(principal, body, meta);
  }
}
