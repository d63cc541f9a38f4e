import { DomainError } from '../errors';
import type { Role } from '../access';

/** The facts about one user that decide whether they count as an active admin. */
export interface AdminStanding {
  id: string;
  roles: readonly Role[];
  disabled: boolean;
}

export interface UserChange {
  roles?: readonly Role[];
  disabled?: boolean;
}

const isActiveAdmin = (u: { roles: readonly Role[]; disabled: boolean }): boolean => !u.disabled && u.roles.includes('admin');

/**
 * The platform must always keep at least one enabled admin, or nobody could fund wallets, lift
 * kill switches or repair roles. `activeAdmins` must be read under a lock that serialises admin
 * changes, otherwise two admins demoting each other concurrently would both pass.
 */
export function assertAdminRemains(activeAdmins: readonly AdminStanding[], target: AdminStanding, change: UserChange): void {
  const after = {
    roles: change.roles ?? target.roles,
    disabled: change.disabled ?? target.disabled,
  };
  if (!isActiveAdmin(target) || isActiveAdmin(after)) return;
  const others = activeAdmins.filter((a) => a.id !== target.id && isActiveAdmin(a));
  if (others.length === 0) {
    throw new DomainError('CONFLICT', 'This change would leave the platform without an active admin', {
      context: { userId: target.id },
    });
  }
}
