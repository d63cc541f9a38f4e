export * from './data-source';
export * from './sql';
export { MIGRATIONS } from './migrations';
