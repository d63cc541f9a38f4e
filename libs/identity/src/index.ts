// Context: identity (docs/architecture.md). Who is acting: registration, login, sessions, MFA,
// passwords, users and roles — and the audit log every context appends to. Depends on platform.
import 'reflect-metadata';

export * from './audit';
export * from './auth';
export * from './users';
