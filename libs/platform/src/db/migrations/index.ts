import { Foundation1763776800000 } from './1763776800000-foundation';
import { WalletLedger1763784000000 } from './1763784000000-wallet-ledger';
import { Instruments1763791200000 } from './1763791200000-instruments';
import { Candles1763794800000 } from './1763794800000-candles';
import { Watchlists1763798400000 } from './1763798400000-watchlists';
import { CandleChunks1763802000000 } from './1763802000000-candle-chunks';
import { Trading1763805600000 } from './1763805600000-trading';
import { ExecutionRoundTrips1763807400000 } from './1763807400000-execution-round-trips';
import { OrderModification1763808000000 } from './1763808000000-order-modification';
import { RiskTrips1763809200000 } from './1763809200000-risk-trips';
import { ModelRegistry1763810400000 } from './1763810400000-model-registry';
import { Signals1763810700000 } from './1763810700000-signals';
import { Strategies1763811000000 } from './1763811000000-strategies';
import { SignalBatches1763811600000 } from './1763811600000-signal-batches';
import { SignalBatchesPacked1763812200000 } from './1763812200000-signal-batches-packed';
import { RiskDrawdown1763812800000 } from './1763812800000-risk-drawdown';
import { OrderHistoryTyped1763813400000 } from './1763813400000-order-history-typed';
import { UnitColumnNames1763814000000 } from './1763814000000-unit-column-names';
import { OrderBrokerSlices1763814300000 } from './1763814300000-order-broker-slices';
import { BrokerAccounts1763814600000 } from './1763814600000-broker-accounts';
import { OrderAccounts1763815200000 } from './1763815200000-order-accounts';
import { PaperBook1763815800000 } from './1763815800000-paper-book';
import { ComplianceCases1763816400000 } from './1763816400000-compliance-cases';
import { PaperOrderHolds1763817000000 } from './1763817000000-paper-order-holds';
import { BrokerCashMirror1763817600000 } from './1763817600000-broker-cash-mirror';
import { InstrumentMasters1763818200000 } from './1763818200000-instrument-masters';
import { WatchlistTrading1763818800000 } from './1763818800000-watchlist-trading';
import { SmartOrders1763819100000 } from './1763819100000-smart-orders';
import { TradeLegGtts1763819400000 } from './1763819400000-trade-leg-gtts';
import { PaperAccounts1763820000000 } from './1763820000000-paper-accounts';
import { Backtests1763820600000 } from './1763820600000-backtests';
import { StrategyRuns1763821500000 } from './1763821500000-strategy-runs';
import { BacktestSweeps1763822100000 } from './1763822100000-backtest-sweeps';
import { StrategyRunFinalSnapshot1763822700000 } from './1763822700000-strategy-run-final-snapshot';
import { Notifications1763824500000 } from './1763824500000-notifications';
import { Webhooks1763825100000 } from './1763825100000-webhooks';
import { HoldingsBaselines1763826000000 } from './1763826000000-holdings-baselines';
import { AlertPositions1763826600000 } from './1763826600000-alert-positions';
import { AlertOrdersIndex1763826700000 } from './1763826700000-alert-orders-index';
import { AlertExits1763827200000 } from './1763827200000-alert-exits';
import { ExitAlertTier1763827300000 } from './1763827300000-exit-alert-tier';
import { AcceptWebhookDelivery1763827400000 } from './1763827400000-accept-webhook-delivery';
import { SurveillanceIndexes1763828000000 } from './1763828000000-surveillance-indexes';
import { PasswordChangeRequired1763828600000 } from './1763828600000-password-change-required';
import { PriceAlerts1763829200000 } from './1763829200000-price-alerts';
import { KillSwitchSquareOffs1763829800000 } from './1763829800000-kill-switch-square-offs';

/** Every migration in order. Listed explicitly so bundling or renaming can never skip one. */
export const MIGRATIONS = [
  Foundation1763776800000,
  WalletLedger1763784000000,
  Instruments1763791200000,
  Candles1763794800000,
  Watchlists1763798400000,
  CandleChunks1763802000000,
  Trading1763805600000,
  ExecutionRoundTrips1763807400000,
  OrderModification1763808000000,
  RiskTrips1763809200000,
  ModelRegistry1763810400000,
  Signals1763810700000,
  Strategies1763811000000,
  SignalBatches1763811600000,
  SignalBatchesPacked1763812200000,
  RiskDrawdown1763812800000,
  OrderHistoryTyped1763813400000,
  UnitColumnNames1763814000000,
  OrderBrokerSlices1763814300000,
  BrokerAccounts1763814600000,
  OrderAccounts1763815200000,
  PaperBook1763815800000,
  ComplianceCases1763816400000,
  PaperOrderHolds1763817000000,
  BrokerCashMirror1763817600000,
  InstrumentMasters1763818200000,
  WatchlistTrading1763818800000,
  SmartOrders1763819100000,
  TradeLegGtts1763819400000,
  PaperAccounts1763820000000,
  Backtests1763820600000,
  StrategyRuns1763821500000,
  BacktestSweeps1763822100000,
  StrategyRunFinalSnapshot1763822700000,
  Notifications1763824500000,
  Webhooks1763825100000,
  HoldingsBaselines1763826000000,
  AlertPositions1763826600000,
  AlertOrdersIndex1763826700000,
  AlertExits1763827200000,
  ExitAlertTier1763827300000,
  AcceptWebhookDelivery1763827400000,
  SurveillanceIndexes1763828000000,
  PasswordChangeRequired1763828600000,
  PriceAlerts1763829200000,
  KillSwitchSquareOffs1763829800000,
];
