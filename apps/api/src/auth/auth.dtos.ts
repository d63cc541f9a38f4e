import { createZodDto } from 'nestjs-zod';
import {
  ChangePasswordRequestSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  MfaDisableRequestSchema,
  MfaEnableRequestSchema,
  MfaSetupResponseSchema,
  RefreshRequestSchema,
  RegisterRequestSchema,
  RegisterResponseSchema,
  TokenPairSchema,
  UserSchema,
} from '@tradeloop/contracts';

// DTO classes are generated from the contract schemas: the same schema validates the request,
// types the handler and documents the route in OpenAPI.
export class RegisterDto extends createZodDto(RegisterRequestSchema) {}
export class RegisterResponseDto extends createZodDto(RegisterResponseSchema) {}
export class LoginDto extends createZodDto(LoginRequestSchema) {}
export class LoginResponseDto extends createZodDto(LoginResponseSchema) {}
export class RefreshDto extends createZodDto(RefreshRequestSchema) {}
export class TokenPairDto extends createZodDto(TokenPairSchema) {}
export class UserDto extends createZodDto(UserSchema) {}
export class MfaSetupResponseDto extends createZodDto(MfaSetupResponseSchema) {}
export class MfaEnableDto extends createZodDto(MfaEnableRequestSchema) {}
export class MfaDisableDto extends createZodDto(MfaDisableRequestSchema) {}
export class ChangePasswordDto extends createZodDto(ChangePasswordRequestSchema) {}
