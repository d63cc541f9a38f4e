import { z } from 'zod';
import { EmailSchema, humanText, PageQuerySchema, pageOf } from '../common';
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

/**
 * `POST /api/v1/admin/users`: an account an admin opens for someone, with the roles it needs
 * (duplicates are dropped, the order is canonical). The server picks its temporary password.
 */
export const CreateUserRequestSchema = z.strictObject({
  email: EmailSchema,
  displayName: humanText(100),
  roles: z.array(RoleSchema).min(1, 'give at least one role').max(10),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

/**
 * The answer that carries a temporary password (a new account, a reset): shown once. Only its
 * hash is stored, so nobody can read it again; a lost one is replaced by another reset.
 */
export const IssuedPasswordSchema = z.object({
  user: AdminUserSchema,
  /** The password to hand to the user; they choose their own at their next sign-in. */
  temporaryPassword: z.string(),
});
export type IssuedPassword = z.infer<typeof IssuedPasswordSchema>;

/** A user as other people's pages name them: who, not what they may do. */
export const UserRefSchema = z.object({ id: z.uuid(), email: z.string(), displayName: z.string() });
export type UserRef = z.infer<typeof UserRefSchema>;

/** At most this many ids resolve in one directory lookup. */
export const DIRECTORY_IDS_MAX = 100;

/**
 * `GET /api/v1/directory/users`: resolve ids to names (`ids`, comma-separated) or find people by
 * email or name (`query`), exactly one of the two (docs/api.md).
 */
export const UserDirectoryQuerySchema = z
  .strictObject({
    ids: z
      .string()
      .max(37 * DIRECTORY_IDS_MAX)
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.uuid('not a user id')).min(1).max(DIRECTORY_IDS_MAX, `at most ${DIRECTORY_IDS_MAX} ids`))
      .optional(),
    /** Case-insensitive substring of email or display name. */
    query: z.string().trim().min(1, 'type part of an email or a name').max(100).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .refine((q) => (q.ids === undefined) !== (q.query === undefined), {
    message: 'give ids or query, not both',
    path: ['query'],
  });
export type UserDirectoryQuery = z.infer<typeof UserDirectoryQuerySchema>;

export const UserRefListSchema = z.object({ items: z.array(UserRefSchema) });
export type UserRefList = z.infer<typeof UserRefListSchema>;
