// Context: risk (docs/architecture.md). Risk administration and surveillance: limits and kill
// switches as use cases (engaging a switch cancels open orders), the P&L monitor and the automatic
// trip (which squares off). Reads and commands trading; trading never imports risk.
import 'reflect-metadata';

export * from './risk-queries';
export * from './set-risk-limits.use-case';
export * from './set-kill-switch.use-case';
export * from './risk-monitor.repository';
export * from './risk-monitor.service';
export * from './automatic-trip.use-case';
export * from './risk.module';
