import { Module } from '@nestjs/common';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { WalletModule } from '@tradeloop/wallet';
import { PlaceOrderUseCase, SquareOffUseCase } from './place-order.use-case';
import { CancelOrderUseCase } from './cancel-order.use-case';
import { GetOrderQuery, ListOrdersQuery, ListPositionsQuery, ListTradesQuery } from './order-queries';
import { ExecutionService } from './execution.service';
import { PgMockBrokerStore } from './brokers';
import { RiskRepository } from './risk.repository';
import { TradingRepository } from './trading.repository';
import { IntakeReadModel } from './intake.read-model';
import { ModifyOrderUseCase } from './modify-order.use-case';
import { OrderHistoryVerifier } from './order-history.verifier';

const PROVIDERS = [
  TradingRepository,
  RiskRepository,
  IntakeReadModel,
  PlaceOrderUseCase,
  CancelOrderUseCase,
  GetOrderQuery,
  ListOrdersQuery,
  ListTradesQuery,
  ListPositionsQuery,
  ExecutionService,
  PgMockBrokerStore,
  SquareOffUseCase,
  ModifyOrderUseCase,
  OrderHistoryVerifier,
];

@Module({ imports: [AuditModule, MarketModule, QueueModule, RealtimeModule, WalletModule], providers: PROVIDERS, exports: PROVIDERS })
export class TradingModule {}
