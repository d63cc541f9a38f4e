import { Module } from '@nestjs/common';
import { APP_CONFIG, QueueModule, RealtimeModule, type AppConfig } from '@tradeloop/platform';
import { AuditModule } from '@tradeloop/identity';
import { WalletModule } from '@tradeloop/wallet';
import { BrokerAccountsRepository } from './broker-accounts.repository';
import { BrokerAccountEvents } from './broker-account-events';
import { BrokerAccountDirectory } from './broker-account-directory';
import { TradingAccounts } from './trading-accounts';
import {
  AdminListUserBrokerAccountsQuery,
  AdminSetBrokerAccountDisabledUseCase,
  CreateBrokerAccountUseCase,
  DeleteBrokerAccountUseCase,
  GetBrokerAccountQuery,
  ListBrokerAccountsQuery,
  SetPaperBalanceUseCase,
  UpdateBrokerAccountUseCase,
} from './broker-account-use-cases';
import { CredentialsCipher } from './credentials-cipher';
import { CompleteKiteLoginUseCase, KITE_SESSION_FETCH, StartKiteLoginUseCase } from './kite-login-use-cases';
import { ReceiveKitePostbackUseCase } from './kite-postback.use-case';
import { CompleteUpstoxLoginUseCase, StartUpstoxLoginUseCase, UPSTOX_TOKEN_FETCH } from './upstox-login-use-cases';
import { BrokerAccountSecretStore, ReencryptSecretsUseCase } from './reencrypt-credentials.use-case';
import { EncryptedSecretStores } from './encrypted-secret-stores';

const USE_CASES = [
  ListBrokerAccountsQuery,
  GetBrokerAccountQuery,
  CreateBrokerAccountUseCase,
  UpdateBrokerAccountUseCase,
  DeleteBrokerAccountUseCase,
  SetPaperBalanceUseCase,
  AdminListUserBrokerAccountsQuery,
  AdminSetBrokerAccountDisabledUseCase,
  StartKiteLoginUseCase,
  CompleteKiteLoginUseCase,
  StartUpstoxLoginUseCase,
  CompleteUpstoxLoginUseCase,
  ReceiveKitePostbackUseCase,
  ReencryptSecretsUseCase,
];

/**
 * Broker accounts (docs/api.md "Broker accounts"). Exports its use cases plus one port for order
 * intake and execution: `BrokerAccountDirectory` (forExecution, defaultFor, canTrade,
 * markNeedsLogin, markConnected, expireSessions). The cipher is built from the key ring at start:
 * a missing or malformed BROKER_CREDENTIALS_KEYS has stopped the process before (config).
 */
@Module({
  imports: [AuditModule, QueueModule, RealtimeModule, WalletModule],
  providers: [
    { provide: CredentialsCipher, useFactory: (config: AppConfig) => CredentialsCipher.fromConfig(config), inject: [APP_CONFIG] },
    { provide: KITE_SESSION_FETCH, useValue: null },
    { provide: UPSTOX_TOKEN_FETCH, useValue: null },
    BrokerAccountsRepository,
    // Every table under the key ring registers here; the re-encrypt job walks them all.
    { provide: EncryptedSecretStores, useFactory: () => new EncryptedSecretStores() },
    BrokerAccountSecretStore,
    BrokerAccountEvents,
    BrokerAccountDirectory,
    TradingAccounts,
    ...USE_CASES,
  ],
  // TradingAccounts: order intake checks the order's account inside its own transaction (libs/trading).
  // BrokerAccountsRepository: the SQL other contexts read accounts through (e.g. the broker's own views in libs/trading).
  exports: [...USE_CASES, BrokerAccountDirectory, TradingAccounts, BrokerAccountsRepository, EncryptedSecretStores],
})
export class AccountsModule {}
