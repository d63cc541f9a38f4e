import { Dialog } from '../../components/Dialog';
import type { AdminUser } from '@tradeloop/contracts';
import { EditUserForm } from './EditUserForm';

/** Stays mounted so the native dialog can hand focus back to the row's Edit button on close. */
export function EditUserDialog({ user, onClose }: { user: AdminUser | null; onClose: () => void }) {
  return (
    <Dialog open={user !== null} title="Edit user" onClose={onClose} testId="edit-user-dialog">
      {user && <EditUserForm key={user.id} user={user} onDone={onClose} />}
    </Dialog>
  );
}
