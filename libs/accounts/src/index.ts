// Broker accounts (docs/api.md "Broker accounts", docs/domain.md "Accounts and books"): paper and
// live accounts, their encrypted credentials, each user's default, the daily broker login and
// the postback entry. Order intake and execution use `BrokerAccountDirectory`.
export * from './accounts.module';
export * from './broker-account-directory';
export * from './broker-account-use-cases';
export * from './broker-account-rules';
export * from './credentials-cipher';
export * from './kite-login-use-cases';
export * from './upstox-login-use-cases';
export * from './kite-postback.use-case';
export * from './reencrypt-credentials.use-case';
export * from './encrypted-secret-stores';
export * from './ports';
export * from './token-expiry';
export { BrokerAccountsRepository, type AccountRecord, type AccountSecrets, type StoredStatus } from './broker-accounts.repository';
export * from './trading-accounts';
