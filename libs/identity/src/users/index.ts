export * from './admin-users.repository';
export * from './update-user.use-case';
export * from './users.module';
