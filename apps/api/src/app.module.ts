import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { InfraModule, Lifecycle, QueueModule, RealtimeModule, type AppConfig } from '@tradeloop/platform';
import { AuditModule, AuthModule, UsersModule } from '@tradeloop/identity';
import { WalletModule } from '@tradeloop/wallet';
import { MarketModule, PriceAlertsModule, WatchlistsModule } from '@tradeloop/market';
import { PortfolioModule, TradingModule } from '@tradeloop/trading';
import { RiskModule } from '@tradeloop/risk';
import { SignalsModule, ModelRegistryModule } from '@tradeloop/ml';
import { RunsModule, StrategiesModule } from '@tradeloop/strategies';
import { AccountsModule } from '@tradeloop/accounts';
import { WatchlistTradingModule } from '@tradeloop/watchlist-trading';
import { NotificationsModule } from '@tradeloop/notifications';
import { AlertsModule, EnginesModule } from '@tradeloop/alerts';
import { AdminJobsController } from './admin/admin-jobs.controller';
import { MarketSteeringController } from './admin/market-steering.controller';
import { AdminUsersController } from './admin/admin-users.controller';
import { UserDirectoryController } from './admin/user-directory.controller';
import { AuthController } from './auth/auth.controller';
import {
  AdminBrokerAccountsController,
  BrokerAccountsController,
  KiteCallbacksController,
  UpstoxCallbacksController,
} from './brokers/broker-accounts.controller';
import { BrokerAccountViewsController } from './brokers/broker-account-views.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuditController } from './compliance/audit.controller';
import { ComplianceCasesController } from './compliance/compliance-cases.controller';
import { HoldingsBaselineController } from './compliance/holdings-baseline.controller';
import { SurveillanceController } from './compliance/surveillance.controller';
import { HealthController } from './health/health.controller';
import { InstrumentsController } from './market/instruments.controller';
import { CandlesController } from './market/candles.controller';
import { QuotesController } from './market/quotes.controller';
import { DepthController } from './market/depth.controller';
import { OptionChainController } from './market/option-chain.controller';
import { MarketStreamHub } from './realtime/market-stream.hub';
import { RealtimeBatchFanout } from './realtime/batch-fanout';
import { ContractPipe } from './http/contract.pipe';
import { ProblemFilter } from './http/problem.filter';
import { RealtimeGateway } from './realtime/realtime.gateway';
import { RealtimeRedis } from './realtime/realtime-redis';
import { AdminWalletsController } from './wallet/admin-wallets.controller';
import { ComplianceLedgerController } from './wallet/compliance-ledger.controller';
import { WalletController } from './wallet/wallet.controller';
import { WatchlistsController } from './watchlists/watchlists.controller';
import { PriceAlertsController } from './price-alerts/price-alerts.controller';
import { QuickOrdersController, TradingSettingsController } from './watchlist-trading/watchlist-trading.controller';
import { OrdersController } from './trading/orders.controller';
import { PositionsController } from './trading/positions.controller';
import { PortfolioController } from './trading/portfolio.controller';
import { RiskController } from './trading/risk.controller';
import { SignalsController } from './ml/signals.controller';
import { ModelsController } from './ml/models.controller';
import { StrategiesController } from './ml/strategies.controller';
import { BacktestsController } from './backtests/backtests.controller';
import { RunsController } from './runs/runs.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { EnginesController } from './alerts/engines.controller';
import { HooksController, WebhooksController } from './alerts/webhooks.controller';

/**
 * Composition root of the API process: wires library modules to HTTP and Socket.IO.
 *
 * No global interceptor on purpose: Nest wraps every interceptor call in AsyncResource.bind,
 * which cost ~7% CPU per request in the auth benchmark. Responses are whitelisted where they
 * are built (toUser, toAdminUser) and typed against the contract by @ZodResponse; the
 * no-secrets tests hold that line.
 */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        InfraModule.forRoot(config, { appName: 'api', logger }),
        AuthModule,
        UsersModule,
        AuditModule,
        QueueModule,
        RealtimeModule,
        WalletModule,
        MarketModule,
        WatchlistsModule,
        PriceAlertsModule,
        TradingModule,
        PortfolioModule,
        RiskModule,
        SignalsModule,
        ModelRegistryModule,
        StrategiesModule,
        RunsModule,
        AccountsModule,
        WatchlistTradingModule,
        NotificationsModule,
        AlertsModule,
        EnginesModule,
      ],
      controllers: [
        AuthController,
        AdminUsersController,
        UserDirectoryController,
        AdminJobsController,
        MarketSteeringController,
        AuditController,
        ComplianceCasesController,
        HoldingsBaselineController,
        SurveillanceController,
        HealthController,
        WalletController,
        AdminWalletsController,
        ComplianceLedgerController,
        InstrumentsController,
        CandlesController,
        QuotesController,
        DepthController,
        OptionChainController,
        WatchlistsController,
        PriceAlertsController,
        TradingSettingsController,
        QuickOrdersController,
        OrdersController,
        PositionsController,
        PortfolioController,
        RiskController,
        SignalsController,
        ModelsController,
        StrategiesController,
        BacktestsController,
        RunsController,
        NotificationsController,
        BrokerAccountsController,
        BrokerAccountViewsController,
        KiteCallbacksController,
        UpstoxCallbacksController,
        AdminBrokerAccountsController,
        WebhooksController,
        EnginesController,
        HooksController,
      ],
      providers: [
        { provide: Lifecycle, useValue: new Lifecycle() },
        { provide: APP_PIPE, useClass: ContractPipe },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useValue: new ProblemFilter(logger) },
        RealtimeGateway,
        RealtimeRedis,
        MarketStreamHub,
        RealtimeBatchFanout,
      ],
    };
  }
}
