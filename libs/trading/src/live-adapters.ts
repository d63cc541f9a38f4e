import { BrokerError, InstrumentMap, KiteAdapter, type BrokerAdapter, type KiteVariety } from '@tradeloop/brokers';
import type { ExecutionAccount } from '@tradeloop/accounts';
import type { BrokerKind } from '@tradeloop/contracts';
import { isNseOpen, type Instrument } from '@tradeloop/domain';
import type { AppConfig } from '@tradeloop/platform';
import { buildOpenAlgo } from './openalgo-live-adapter';
import { buildUpstox } from './upstox-live-adapter';

/**
 * One place that knows how each kind of live account becomes a `BrokerAdapter` (docs/domain.md,
 * "Broker adapters"): the worker's sessions and the API's REST clients both build through
 * `buildLiveAdapter`, so neither knows which broker it talks to. A new broker adds its builder to
 * `BUILDERS`, nothing else.
 */

/** What the owner of an adapter is told, and whether it wants the broker's push channel. */
export interface LiveAdapterHooks {
  /**
   * true in the worker: the adapter opens its update channel (Kite's ticker, Upstox's portfolio
   * stream, OpenAlgo's WebSocket) on `start()`. false in the API: REST only.
   */
  readonly push: boolean;
  /** The broker refused the session (expired token, TokenException): the account needs a login. */
  readonly onAuthLost: (err: BrokerError) => void;
  /** The push channel (re)connected: updates may have been missed, reconcile. */
  readonly onReconnect?: () => void;
  readonly onError?: (err: unknown) => void;
  /** The broker's instrument keys from its daily master, key → our symbol (Upstox orders by `instrument_key`). */
  readonly instrumentKeys?: ReadonlyMap<string, string>;
}

/** A live account's adapter with its lifecycle: `start` opens the push channel (worker), `close` ends everything. */
export interface LiveAdapter extends BrokerAdapter {
  start(): void;
  close(): void;
}

export type LiveAdapterBuilder = (
  config: AppConfig,
  account: ExecutionAccount,
  universe: readonly Instrument[],
  hooks: LiveAdapterHooks,
) => LiveAdapter;

/**
 * Our instruments as Kite names them: NSE and NFO symbols trade under the same tradingsymbol,
 * quantities in units (docs/brokers.md 1.7). One mapping for the worker's sessions and the API's reads.
 */
export function kiteInstrumentMap(universe: readonly Instrument[]): InstrumentMap {
  return new InstrumentMap(
    'kite',
    universe.map((i) => ({
      ref: { exchange: i.exchange, symbol: i.symbol },
      broker: { exchange: i.exchange, symbol: i.symbol, quantityUnit: 'units' as const, lotSize: i.lotSize },
    })),
  );
}

/** The options every Kite adapter of an account is built with, from configuration and the account's decrypted session. */
export function kiteAdapterOptions(config: AppConfig, account: ExecutionAccount, instruments: InstrumentMap) {
  return {
    apiKey: account.credentials['apiKey'] ?? '',
    apiSecret: account.credentials['apiSecret'] ?? '',
    accessToken: account.accessToken ?? '',
    apiRoot: config.KITE_API_ROOT,
    wsRoot: config.KITE_WS_ROOT,
    timeoutMs: config.KITE_REQUEST_TIMEOUT_MS,
    instruments,
    // Kite takes regular orders only in market hours; outside them an order goes as an after-market order.
    varietyAt: (nowMs: number): KiteVariety => (config.KITE_AFTER_HOURS === 'amo' && !isNseOpen(nowMs) ? 'amo' : 'regular'),
  };
}

const buildKite: LiveAdapterBuilder = (config, account, universe, hooks) => {
  const adapter = new KiteAdapter({
    ...kiteAdapterOptions(config, account, kiteInstrumentMap(universe)),
    ...(hooks.push ? {} : { ticker: { enabled: false } }),
    onAuthLost: hooks.onAuthLost,
    onReconnect: hooks.onReconnect,
    onError: hooks.onError,
  });
  return Object.assign(adapter, {
    start: () => void adapter.startTicker(),
  });
};

/** Each live kind's builder; a kind without one cannot trade yet. */
const BUILDERS: Partial<Record<BrokerKind, LiveAdapterBuilder>> = {
  kite: buildKite,
  openalgo: buildOpenAlgo,
  upstox: buildUpstox,
};

/** The adapter of a live account, or a `final` BrokerError (`BROKER_NOT_SUPPORTED`) for a kind that cannot trade yet. */
export function buildLiveAdapter(
  config: AppConfig,
  account: ExecutionAccount,
  universe: readonly Instrument[],
  hooks: LiveAdapterHooks,
): LiveAdapter {
  const build = BUILDERS[account.kind];
  if (!build) {
    throw new BrokerError('final', `${account.kind} accounts cannot trade yet`, { broker: account.kind, code: 'BROKER_NOT_SUPPORTED' });
  }
  return build(config, account, universe, hooks);
}
