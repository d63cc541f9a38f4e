import { hasAnyRole, type Role } from './roles';

/**
 * The product's areas and the roles that may enter each. One table used by the API's role
 * guards and by the web app's navigation, so what the menu shows and what the server allows
 * cannot drift apart. Admins reach everything: they operate the platform.
 */
export const SECTION_ROLES = {
  trade: ['trader', 'admin'],
  portfolio: ['trader', 'viewer', 'admin'],
  quant: ['quant', 'admin'],
  compliance: ['compliance', 'admin'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Section = keyof typeof SECTION_ROLES;
export const SECTIONS = Object.keys(SECTION_ROLES) as Section[];

export const canAccessSection = (roles: readonly Role[], section: Section): boolean => hasAnyRole(roles, SECTION_ROLES[section]);

/** Sections in navigation order that the given roles may open. */
export const sectionsFor = (roles: readonly Role[]): Section[] => SECTIONS.filter((s) => canAccessSection(roles, s));

/**
 * Where a user lands ("/"): the section of their main job — a trader trades (whatever else they
 * are), an admin runs the platform, then quant, compliance, and the portfolio of a viewer. An
 * admin is allowed into Trade but has no book there unless they also trade; landing them on it
 * showed panels that need the trader role. Null: no section (the account page).
 */
export function landingSection(roles: readonly Role[]): Section | null {
  const order: readonly [Role, Section][] = [
    ['trader', 'trade'],
    ['admin', 'admin'],
    ['quant', 'quant'],
    ['compliance', 'compliance'],
    ['viewer', 'portfolio'],
  ];
  for (const [role, section] of order) if (roles.includes(role) && canAccessSection(roles, section)) return section;
  return sectionsFor(roles)[0] ?? null;
}
