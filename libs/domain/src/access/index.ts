export * from './roles';
export * from './sections';
