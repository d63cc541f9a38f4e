import { InstrumentMap, OpenAlgoAdapter } from '@tradeloop/brokers';
import type { ExecutionAccount } from '@tradeloop/accounts';
import type { Instrument } from '@tradeloop/domain';
import type { AppConfig } from '@tradeloop/platform';
import type { LiveAdapter, LiveAdapterHooks } from './live-adapters';

/**
 * Our instruments as OpenAlgo names them: cash equities by their plain symbol on NSE/BSE, our
 * universe's symbols (docs/brokers.md 3.7); quantities in units (OpenAlgo passes them to the broker as sent).
 */
export function openAlgoInstrumentMap(universe: readonly Instrument[]): InstrumentMap {
  return new InstrumentMap(
    'openalgo',
    universe.map((i) => ({
      ref: { exchange: i.exchange, symbol: i.symbol },
      broker: { exchange: i.exchange, symbol: i.symbol, quantityUnit: 'units' as const, lotSize: i.lotSize },
    })),
  );
}

/**
 * The order stream's address for an account's host: the WebSocket proxy on `OPENALGO_WS_PORT` of
 * the same machine (docs/brokers.md 3.1: `ws://127.0.0.1:8765`), or with port 0 the host's own
 * address at `/ws` (a reverse proxy serving both).
 */
export function openAlgoWsUrl(host: string, wsPort: number): string {
  const url = new URL(host);
  const scheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (wsPort === 0) return `${scheme}//${url.host}${url.pathname.replace(/\/+$/, '')}/ws`;
  return `${scheme}//${url.hostname}:${wsPort}`;
}

/** An OpenAlgo account's adapter: its host and API key (no daily login: the key is its session). */
export function buildOpenAlgo(
  config: AppConfig,
  account: ExecutionAccount,
  universe: readonly Instrument[],
  hooks: LiveAdapterHooks,
): LiveAdapter {
  const host = account.credentials['host'] ?? '';
  const adapter = new OpenAlgoAdapter({
    host,
    apiKey: account.credentials['apiKey'] ?? '',
    wsUrl: hooks.push ? openAlgoWsUrl(host, config.OPENALGO_WS_PORT) : null,
    instruments: openAlgoInstrumentMap(universe),
    timeoutMs: config.OPENALGO_REQUEST_TIMEOUT_MS,
    pollIntervalMs: config.OPENALGO_POLL_INTERVAL_MS,
    onAuthLost: hooks.onAuthLost,
    ...(hooks.onReconnect ? { onReconnect: () => hooks.onReconnect!() } : {}),
    ...(hooks.onError ? { onError: hooks.onError } : {}),
  });
  return adapter;
}
