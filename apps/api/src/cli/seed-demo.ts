import type { Role } from '@tradeloop/domain';
import type { RegisterUseCase, UsersRepository } from '@tradeloop/identity';

export interface SeedDeps {
  adminEmail: string;
  adminPassword: string;
  register: RegisterUseCase;
  users: UsersRepository;
  log: (line: string) => void;
}

/** Demo accounts, one per role, so every part of the app can be tried right after `npm run up`. */
export const DEMO_USERS: { email: string; displayName: string; roles: Role[] }[] = [
  { email: 'trader@tradeloop.local', displayName: 'Demo Trader', roles: ['trader'] },
  { email: 'quant@tradeloop.local', displayName: 'Demo Quant', roles: ['quant', 'trader'] },
  { email: 'compliance@tradeloop.local', displayName: 'Demo Compliance', roles: ['compliance'] },
];
export const DEMO_PASSWORD = 'demo-password-1';

export async function seedDemo(deps: SeedDeps): Promise<void> {
  const meta = { requestId: 'seed' };
  const ensure = async (email: string, displayName: string, password: string, roles: Role[]) => {
    if (await deps.users.findByEmail(email)) return false;
    await deps.register.createUser({ email, password, displayName }, roles, meta);
    return true;
  };
  const adminCreated = await ensure(deps.adminEmail, 'Administrator', deps.adminPassword, ['admin']);
  deps.log(adminCreated ? `seeded admin ${deps.adminEmail}` : `admin ${deps.adminEmail} already exists (password unchanged)`);
  let created = 0;
  for (const u of DEMO_USERS) if (await ensure(u.email, u.displayName, DEMO_PASSWORD, u.roles)) created += 1;
  if (created) deps.log(`seeded ${created} demo user(s) with password ${DEMO_PASSWORD}`);
}
