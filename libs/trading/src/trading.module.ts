import { Module } from '@nestjs/common';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { WalletModule } from '@tradeloop/wallet';
import { PlaceOrderUseCase, SquareOffUseCase } from './place-order.use-case';
import { OrderCommandsUseCase } from './order-commands.use-case';
import { ExecutionService } from './execution.service';
import { PgMockBrokerStore } from './brokers';
import { RiskRepository } from './risk.repository';
import { TradingRepository } from './trading.repository';
import { TradingState } from './trading-state';
import { ModifyOrderUseCase } from './modify-order.use-case';
import { OrderHistoryVerifier } from './order-history.verifier';

const PROVIDERS = [
  TradingRepository,
  RiskRepository,
  TradingState,
  PlaceOrderUseCase,
  OrderCommandsUseCase,
  ExecutionService,
  PgMockBrokerStore,
  SquareOffUseCase,
  ModifyOrderUseCase,
  OrderHistoryVerifier,
];

@Module({ imports: [AuditModule, MarketModule, QueueModule, RealtimeModule, WalletModule], providers: PROVIDERS, exports: PROVIDERS })
export class TradingModule {}
