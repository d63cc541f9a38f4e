// Context: risk (docs/architecture.md). Risk administration and surveillance: limits and kill
// switches as use cases (engaging a switch cancels open orders), the P&L monitor and the automatic
// trip and the kill switch's square-off (one follow-up: square off after the cancels). Reads and commands trading; trading never imports risk.
import 'reflect-metadata';

export * from './risk-queries';
export * from './set-risk-limits.use-case';
export * from './set-kill-switch.use-case';
export * from './risk-monitor.repository';
export * from './risk-monitor.service';
export * from './square-off-follow-up';
export * from './automatic-trip.use-case';
export * from './kill-switch-square-off.use-case';
export * from './risk.module';
