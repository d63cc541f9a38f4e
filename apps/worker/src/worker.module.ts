import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  APP_CONFIG,
  InfraModule,
  JOB_HANDLERS,
  JobProducer,
  LOGGER,
  QueueModule,
  RealtimeModule,
  WorkerHost,
  type AppConfig,
  type JobHandler,
} from '@tradeloop/platform';
import { AuthModule } from '@tradeloop/identity';
import { WalletModule } from '@tradeloop/wallet';
import { MarketModule, PriceAlertsModule } from '@tradeloop/market';
import { MovePaperHoldsUseCase, TradingModule, TradingRepository } from '@tradeloop/trading';
import { AccountsModule } from '@tradeloop/accounts';
import { RiskModule } from '@tradeloop/risk';
import { SignalsModule, ModelRegistryModule } from '@tradeloop/ml';
import { RunsModule, StrategiesModule } from '@tradeloop/strategies';
import { WatchlistTradingModule } from '@tradeloop/watchlist-trading';
import { AlertsModule } from '@tradeloop/alerts';
import { NotificationsModule } from '@tradeloop/notifications';
import { JOBS } from '@tradeloop/contracts';
import { PurgeExpiredSessionsHandler } from './jobs/purge-expired-sessions.handler';
import { MockFeedBridge } from './execution/mock-feed.bridge';
import { BrokerSessions } from './execution/broker-sessions';
import { PlaceOrderHandler } from './execution/place-order.handler';
import { LocalOrderDispatch } from './execution/local-order-dispatch';
import { CancelOrderHandler } from './execution/cancel-order.handler';
import { ModifyOrderHandler } from './execution/modify-order.handler';
import { OrderReconciler } from './execution/order-reconciler';
import { BrokerUpdateHandler } from './execution/broker-update.handler';
import { LedgerSealerLoop } from './ledger/ledger-sealer.loop';
import { BarCloseBus } from './ml/bar-close.bus';
import { SignalEngineRunner } from './ml/signal-engine.runner';
import { StrategyRunner } from './strategies/strategy-runner';
import { RunSnapshotsLoop } from './strategies/run-snapshots.loop';
import { MarketFeedRunner } from './market/market-feed.runner';
import { CandleCompactionLoop } from './market/candle-compaction.loop';
import { RiskMonitorLoop } from './risk/risk-monitor.loop';
import { BrokerReconciliationHandler } from './reconciliation/broker-reconciliation.handler';
import { InstrumentMastersHandler } from './instruments/instrument-masters.handler';
import { LegsConvergeHandler, LegsConvergence } from './legs/legs-convergence';
import { BacktestSweeper, RunBacktestHandler } from './backtests/run-backtest.handler';
import { ExitEngine } from './watchlist/exit-engine';
import { StandingExitsWatcher } from './standing-exits/standing-exits.watcher';
import { AlertExitEngine } from './alerts/alert-exit-engine';
import { PriceAlertEngine } from './price-alerts/price-alert-engine';
import { AlertOrdersWatcher } from './alerts/alert-orders.watcher';
import { ProcessAlertHandler } from './alerts/process-alert.handler';
import { DeliverNotificationHandler, LocalNotificationIntake, NotifyEventHandler } from './notifications/notification.handlers';
import { DeliverySweepLoop } from './notifications/delivery-sweep.loop';
import { LeaseMetrics } from './scale/lease-metrics';
import { MarketLeadership } from './scale/market-leadership';
import { OrderPartitions } from './scale/order-partitions';
import { orderJobForwarder } from './scale/order-router';

const HANDLERS = [
  PurgeExpiredSessionsHandler,
  PlaceOrderHandler,
  CancelOrderHandler,
  ModifyOrderHandler,
  BrokerUpdateHandler,
  BrokerReconciliationHandler,
  InstrumentMastersHandler,
  LegsConvergeHandler,
  RunBacktestHandler,
  ProcessAlertHandler,
  NotifyEventHandler,
  DeliverNotificationHandler,
];

/**
 * The daily broker reconciliation (docs/domain.md, "Accounts and books (second wave)"): 16:00 IST
 * on weekdays, after the close (15:30) once the broker's books for the day have settled. A BullMQ
 * job scheduler: one job per slot however many workers declare it, so one worker runs it.
 */
const BROKER_RECONCILIATION_SCHEDULE = { pattern: '0 16 * * 1-5', tz: 'Asia/Kolkata' } as const;

/**
 * The daily instrument masters import (docs/brokers.md, "Instrument masters"): 08:15 IST on
 * weekdays, after the brokers publish the day's files (Kite's around 08:00) and before the
 * pre-open (09:00).
 */
const INSTRUMENT_MASTERS_SCHEDULE = { pattern: '15 8 * * 1-5', tz: 'Asia/Kolkata' } as const;

/** Composition root of the worker: every job handler, the BullMQ host that runs them, schedules. */
@Module({})
export class WorkerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(WorkerHost) private readonly host: WorkerHost,
    @Inject(JobProducer) private readonly producer: JobProducer,
    @Inject(MovePaperHoldsUseCase) private readonly movePaperHolds: MovePaperHoldsUseCase,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        InfraModule.forRoot(config, { appName: 'worker', logger }),
        AuthModule,
        QueueModule,
        RealtimeModule,
        WalletModule,
        MarketModule,
        PriceAlertsModule,
        AccountsModule,
        TradingModule,
        RiskModule,
        SignalsModule,
        ModelRegistryModule,
        StrategiesModule,
        RunsModule,
        WatchlistTradingModule,
        AlertsModule,
        NotificationsModule,
      ],
      providers: [
        ...HANDLERS,
        LedgerSealerLoop,
        BarCloseBus,
        SignalEngineRunner,
        StrategyRunner,
        MarketFeedRunner,
        CandleCompactionLoop,
        MockFeedBridge,
        BrokerSessions,
        LocalOrderDispatch,
        OrderReconciler,
        RiskMonitorLoop,
        LegsConvergence,
        ExitEngine,
        StandingExitsWatcher,
        AlertOrdersWatcher,
        AlertExitEngine,
        PriceAlertEngine,
        BacktestSweeper,
        RunSnapshotsLoop,
        DeliverySweepLoop,
        LocalNotificationIntake,
        LeaseMetrics,
        MarketLeadership,
        OrderPartitions,
        { provide: JOB_HANDLERS, useFactory: (...hs: JobHandler[]) => hs, inject: HANDLERS },
        {
          provide: WorkerHost,
          // Order jobs that do not name their account are forwarded to its queue (docs/architecture.md "Scale-out").
          useFactory: (cfg: AppConfig, hs: JobHandler[], log: Logger, trading: TradingRepository, producer: JobProducer) =>
            new WorkerHost(cfg, hs, log, orderJobForwarder(trading, producer)),
          inject: [APP_CONFIG, JOB_HANDLERS, LOGGER, TradingRepository, JobProducer],
        },
      ],
      exports: [WorkerHost],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    // Paper orders placed while their holds lived in the wallet move to the paper book, once
    // (docs/domain.md "Accounts and books"). Each order is moved under its own row lock, so fills
    // racing it are safe; an order not moved still settles in the wallet it held in.
    try {
      const { moved, failed } = await this.movePaperHolds.execute();
      if (moved > 0) this.log.info({ moved }, 'moved the wallet holds of open paper orders to the paper book');
      if (failed.length > 0)
        this.log.warn({ failed }, 'some paper orders keep their wallet holds (they settle in the wallet they held in)');
    } catch (err) {
      this.log.error({ err }, "moving paper orders' holds to the paper book failed; they settle in the wallet they held in");
    }
    await this.host.start();
    // Schedulers are upserted by id, so every worker replica may declare them safely.
    await this.producer
      .queue('maintenance')
      .upsertJobScheduler(
        'purge-expired-sessions-hourly',
        { every: 3_600_000 },
        { name: JOBS.purgeExpiredSessions, data: { olderThanHours: 24 } },
      );
    await this.producer
      .queue('maintenance')
      .upsertJobScheduler('broker-reconciliation-daily', BROKER_RECONCILIATION_SCHEDULE, { name: JOBS.brokerReconciliation, data: {} });
    await this.producer
      .queue('maintenance')
      .upsertJobScheduler('instrument-masters-daily', INSTRUMENT_MASTERS_SCHEDULE, { name: JOBS.instrumentMasters, data: {} });
  }

  /**
   * Drains in the `before` phase: every beforeApplicationShutdown hook completes before any
   * onApplicationShutdown hook, which is where Infra closes Postgres and Redis that in-flight
   * jobs still need.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
  }
}
