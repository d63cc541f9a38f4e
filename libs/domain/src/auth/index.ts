export * from './password-policy';
export * from './admin-invariant';
export * from './refresh-token-state';
