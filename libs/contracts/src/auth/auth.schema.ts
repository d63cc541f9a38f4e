import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, passwordProblems, ROLES } from '@tradeloop/domain';
import { EmailSchema, humanText, trimmedText } from '../common';

export const RoleSchema = z.enum(ROLES);

/** A user as every client sees it. Never carries hashes, MFA secrets or tokens. */
export const UserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(RoleSchema),
  mfaEnabled: z.boolean(),
  /**
   * The password is a temporary one an admin issued (a new account or a reset): the user is asked
   * to choose their own (`POST /api/v1/auth/password`), which clears this. (Not named after the
   * password: no user object carries that word, which the no-secrets checks look for.)
   */
  credentialChangeRequired: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type User = z.infer<typeof UserSchema>;

export const RegisterRequestSchema = z
  .strictObject({
    email: EmailSchema,
    password: z.string().max(PASSWORD_MAX_LENGTH * 4),
    displayName: humanText(100),
  })
  .superRefine((body, ctx) => {
    for (const message of passwordProblems(body.password, body.email)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message });
    }
  });
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

export const OtpSchema = z.string().regex(/^\d{6}$/, 'must be 6 digits');

export const LoginRequestSchema = z.strictObject({
  // Deliberately not validated as an email: a malformed address must get the same 401 as a
  // wrong one, so the response never tells which accounts exist.
  email: trimmedText(254).transform((s) => s.toLowerCase()),
  password: z
    .string()
    .min(1)
    .max(PASSWORD_MAX_LENGTH * 4),
  otp: OtpSchema.optional(),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Access token lifetime in seconds. */
  expiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const LoginResponseSchema = TokenPairSchema.extend({ user: UserSchema });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const RefreshRequestSchema = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

export const MfaSetupResponseSchema = z.object({ otpauthUrl: z.string(), secret: z.string() });
export type MfaSetupResponse = z.infer<typeof MfaSetupResponseSchema>;

export const MfaEnableRequestSchema = z.strictObject({ otp: OtpSchema });
export type MfaEnableRequest = z.infer<typeof MfaEnableRequestSchema>;

/** The account's password, asked again to confirm a sensitive change: any string the login would take. */
const CurrentPasswordSchema = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4);

/** Turning MFA off needs both factors: a current code from the authenticator and the password. */
export const MfaDisableRequestSchema = z.strictObject({ otp: OtpSchema, password: CurrentPasswordSchema });
export type MfaDisableRequest = z.infer<typeof MfaDisableRequestSchema>;

/**
 * A new password under the registration policy (the rule that it is not the email address is
 * checked by the server, which knows the email), different from the current one.
 */
export const ChangePasswordRequestSchema = z
  .strictObject({
    currentPassword: CurrentPasswordSchema,
    newPassword: z.string().max(PASSWORD_MAX_LENGTH * 4),
  })
  .superRefine((body, ctx) => {
    for (const message of passwordProblems(body.newPassword)) {
      ctx.addIssue({ code: 'custom', path: ['newPassword'], message });
    }
    if (body.newPassword === body.currentPassword) {
      ctx.addIssue({ code: 'custom', path: ['newPassword'], message: 'must differ from the current password' });
    }
  });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

export const RegisterResponseSchema = z.object({ user: UserSchema });
export type RegisterResponse = z.infer<typeof RegisterResponseSchema>;
