/** Every role a user can hold. A user may hold several. */
export const ROLES = ['admin', 'trader', 'quant', 'compliance', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Role given to self-registered users (docs/api.md "Auth and users": registration gives role `trader`). */
export const DEFAULT_ROLE: Role = 'trader';

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Deduplicates and orders roles canonically so stored and compared role sets are stable. */
export function normalizeRoles(roles: readonly Role[]): Role[] {
  const set = new Set(roles);
  return ROLES.filter((r) => set.has(r));
}

export const hasAnyRole = (held: readonly Role[], required: readonly Role[]): boolean =>
  required.length === 0 || required.some((r) => held.includes(r));
