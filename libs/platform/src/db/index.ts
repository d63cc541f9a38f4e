export * from './data-source';
export * from './sql';
export { MIGRATIONS } from './migrations';
export * from './group-commit';
