export * from './strategies.repository';
export * from './strategy-commands.use-case';
export * from './strategies.module';
