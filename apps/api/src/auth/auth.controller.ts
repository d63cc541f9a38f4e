import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import {
  EnableMfaUseCase,
  GetMeUseCase,
  LoginUseCase,
  LogoutUseCase,
  RefreshSessionUseCase,
  RegisterUseCase,
  SetupMfaUseCase,
  type Principal,
  type RequestMeta,
} from '@tradeloop/server';
import { ReqMeta } from '../http/request-meta';
import { CurrentPrincipal, Public } from './auth.decorators';
import {
  LoginDto,
  LoginResponseDto,
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
  ) {}

  @Public()
  @Post('register')
  @ZodResponse({ status: 201, type: RegisterResponseDto })
  async register(@Body() body: RegisterDto, @ReqMeta() meta: RequestMeta) {
    return { user: await this.registerUser.execute(body, meta) };
  }

  @Public()
  @Post('login')
  @ZodResponse({ status: 200, type: LoginResponseDto })
  login(@Body() body: LoginDto, @ReqMeta() meta: RequestMeta) {
    return this.loginUser.execute(body, meta);
  }

  @Public()
  @Post('refresh')
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
  @ZodResponse({ status: 200, type: MfaSetupResponseDto })
  mfaSetup(@CurrentPrincipal() principal: Principal, @ReqMeta() meta: RequestMeta) {
    return this.setupMfa.execute(principal, meta);
  }

  @ApiBearerAuth()
  @Post('mfa/enable')
  @ZodResponse({ status: 200, type: UserDto })
  mfaEnable(@CurrentPrincipal() principal: Principal, @Body() body: MfaEnableDto, @ReqMeta() meta: RequestMeta) {
    return this.enableMfa.execute(principal, body.otp, meta);
  }
}
