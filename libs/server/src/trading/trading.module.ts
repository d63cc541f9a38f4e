import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { MarketModule } from '../market';
import { QueueModule } from '../queue';
import { RealtimeModule } from '../realtime';
import { WalletModule } from '../wallet';
import { PlaceOrderUseCase, SquareOffUseCase } from './place-order.use-case';
import { OrderCommandsUseCase } from './order-commands.use-case';
import { ExecutionService } from './execution.service';
import { RiskUseCases } from './risk.use-cases';
import { PgMockBrokerStore } from '../brokers';
import { RiskRepository } from './risk.repository';
import { TradingRepository } from './trading.repository';
import { TradingState } from './trading-state';
import { ModifyOrderUseCase } from './modify-order.use-case';
import { AutomaticTripUseCase } from './automatic-trip.use-case';
import { RiskMonitorRepository } from './risk-monitor.repository';
import { RiskMonitorService } from './risk-monitor.service';

const PROVIDERS = [
  TradingRepository,
  RiskRepository,
  TradingState,
  PlaceOrderUseCase,
  OrderCommandsUseCase,
  ExecutionService,
  PgMockBrokerStore,
  RiskUseCases,
  SquareOffUseCase,
  ModifyOrderUseCase,
  RiskMonitorRepository,
  RiskMonitorService,
  AutomaticTripUseCase,
];

@Module({ imports: [AuditModule, MarketModule, QueueModule, RealtimeModule, WalletModule], providers: PROVIDERS, exports: PROVIDERS })
export class TradingModule {}
