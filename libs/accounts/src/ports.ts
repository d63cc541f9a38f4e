import type { BrokerAdapter } from '@tradeloop/brokers';
import type { ExecutionAccount } from './broker-account-directory';

/**
 * Builds (or returns the running) adapter of a live account, with its session: the execution side
 * provides it (the worker holds one adapter per connected account). The broker's own views of an
 * account (`/broker-accounts/:id/funds|positions|orders`) will read through it.
 */
export interface BrokerSessionFactory {
  adapterFor(account: ExecutionAccount): Promise<BrokerAdapter>;
}
export const BROKER_SESSION_FACTORY = Symbol('BROKER_SESSION_FACTORY');
