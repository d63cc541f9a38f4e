export * from './admin-users.repository';
export * from './update-user.use-case';
export * from './list-users.query';
export * from './users.module';
export * from './user-directory.repository';
export * from './user-directory.query';
