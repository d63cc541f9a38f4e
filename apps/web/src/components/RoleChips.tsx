import type { Role } from '@tradeloop/domain';

export function RoleChips({ roles }: { roles: readonly Role[] }) {
  if (roles.length === 0) return <span className="muted">none</span>;
  return (
    <span className="chips">
      {roles.map((role) => (
        <span key={role} className={`chip chip-role chip-role-${role}`}>
          {role}
        </span>
      ))}
    </span>
  );
}
