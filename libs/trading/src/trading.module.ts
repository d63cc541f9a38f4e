import { Module } from '@nestjs/common';
import { AuditModule, AuthModule } from '@tradeloop/identity';
import { AccountsModule } from '@tradeloop/accounts';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { WalletModule } from '@tradeloop/wallet';
import { PlaceOrderUseCase, SquareOffUseCase } from './place-order.use-case';
import { CancelOrderUseCase } from './cancel-order.use-case';
import {
  AdminListUserOrdersQuery,
  AdminListUserPositionsQuery,
  GetOrderQuery,
  ListOrdersQuery,
  ListPositionsQuery,
  ListTradesQuery,
} from './order-queries';
import { ExecutionService } from './execution.service';
import { PgExecutionBook } from './execution-book';
import { BrokerAccountViewsQuery } from './broker-account-views.query';
import { LiveBrokerClients } from './live-broker-clients';
import { CheckBrokerAccountUseCase } from './check-broker-account.use-case';
import { ReceiveUpstoxWebhookUseCase } from './upstox-webhook.use-case';
import { PgMockBrokerStore } from './brokers';
import { RiskRepository } from './risk.repository';
import { TradingRepository } from './trading.repository';
import { IntakeReadModel } from './intake.read-model';
import { ModifyOrderUseCase } from './modify-order.use-case';
import { MovePaperHoldsUseCase } from './move-paper-holds.use-case';
import { OrderHistoryVerifier } from './order-history.verifier';
import { RunInstrumentMastersUseCase } from './instrument-masters.use-case';
import { RollSimulatedListingUseCase } from './simulated-listing.use-case';
import { ExportSurveillanceUseCase, ListSurveillanceOrdersQuery, ListSurveillanceTradesQuery } from './surveillance.queries';
import { SurveillanceRepository } from './surveillance.repository';
import {
  HoldingsBaselineUseCases,
  ListComplianceCasesQuery,
  ReconcileBrokerAccountsUseCase,
  ReconciliationRepository,
  ResolveComplianceCaseUseCase,
} from './reconciliation';

/** What the API and the worker call: one class per operation. */
const USE_CASES = [
  PlaceOrderUseCase,
  SquareOffUseCase,
  ModifyOrderUseCase,
  CancelOrderUseCase,
  // Moves the wallet holds of paper orders placed before the switch to the paper book (the worker, at start).
  MovePaperHoldsUseCase,
  GetOrderQuery,
  ListOrdersQuery,
  ListTradesQuery,
  ListPositionsQuery,
  // An admin's reads of one user's orders and positions (the queries above, 404 for no such user).
  AdminListUserOrdersQuery,
  AdminListUserPositionsQuery,
  // The engine's side of an order (broker acceptance, reports, fills), driven by the worker's jobs.
  ExecutionService,
  // The same, as the port the broker-facing execution protocol (libs/brokers OrderExecution) drives.
  PgExecutionBook,
  // The broker's own view of an account (funds, positions, order book).
  BrokerAccountViewsQuery,
  // REST clients of live accounts in the API process (views, the margin check at intake).
  LiveBrokerClients,
  // The check of an account without a daily login (OpenAlgo) when it is added or its credentials change.
  CheckBrokerAccountUseCase,
  // The daily broker reconciliation and the compliance cases it records.
  ReconcileBrokerAccountsUseCase,
  ListComplianceCasesQuery,
  ResolveComplianceCaseUseCase,
  // Surveillance: everyone's orders and fills for compliance, and their audited CSV exports.
  ListSurveillanceOrdersQuery,
  ListSurveillanceTradesQuery,
  ExportSurveillanceUseCase,
  // The opening holdings baseline of a live account: compliance sees and re-captures it.
  HoldingsBaselineUseCases,
  // The daily instrument masters import (the worker's job; in process in tests).
  RunInstrumentMastersUseCase,
  // The daily roll of the simulated market's listing (the worker that runs the simulated feed).
  RollSimulatedListingUseCase,
  // Upstox's unsigned order webhook: a hint for the worker to re-read the order.
  ReceiveUpstoxWebhookUseCase,
];

/**
 * The ports other contexts use, each for a named reason (docs/architecture.md): the risk controls
 * store (risk's use cases, strategies and the worker's runners record risk events and set
 * switches), the order store (risk and strategies request cancels in their own transactions; the
 * worker's handlers read the order they work on), the intake read model (the automatic trip
 * decides with intake's picture) and the mock broker's store (the worker's broker host).
 */
const PORTS = [RiskRepository, TradingRepository, IntakeReadModel, PgMockBrokerStore];

@Module({
  imports: [AccountsModule, AuditModule, AuthModule, MarketModule, QueueModule, RealtimeModule, WalletModule],
  providers: [...USE_CASES, ...PORTS, OrderHistoryVerifier, ReconciliationRepository, SurveillanceRepository],
  exports: [...USE_CASES, ...PORTS],
})
export class TradingModule {}
