import { useCurrentUser } from '../../lib/auth';

/**
 * The Quant section opens for quants and admins (SECTION_ROLES), but only a quant may upload,
 * promote and run strategies (the API answers 403 to anyone else): admins get a read-only view.
 */
export function useIsQuant(): boolean {
  const { data: user } = useCurrentUser();
  return user?.roles.includes('quant') ?? false;
}
