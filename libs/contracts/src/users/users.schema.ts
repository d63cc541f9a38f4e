import { z } from 'zod';
import { PageQuerySchema, pageOf } from '../common';
import { RoleSchema, UserSchema } from '../auth';

export const AdminUserSchema = UserSchema.extend({
  disabled: z.boolean(),
  lastLoginAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
});
export type AdminUser = z.infer<typeof AdminUserSchema>;

export const AdminUserListQuerySchema = PageQuerySchema.extend({
  /** Case-insensitive substring of email or display name. */
  query: z.string().max(100).trim().optional(),
  role: RoleSchema.optional(),
  disabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type AdminUserListQuery = z.infer<typeof AdminUserListQuerySchema>;

export const AdminUserPageSchema = pageOf(AdminUserSchema);

export const AdminUserPatchSchema = z
  .strictObject({
    roles: z.array(RoleSchema).max(10).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => b.roles !== undefined || b.disabled !== undefined, {
    message: 'nothing to change: give roles and/or disabled',
  });
export type AdminUserPatch = z.infer<typeof AdminUserPatchSchema>;

export const UserIdParamSchema = z.strictObject({ id: z.uuid({ message: 'must be a user id (uuid)' }) });
