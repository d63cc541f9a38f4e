import { InstrumentMap, UpstoxAdapter } from '@tradeloop/brokers';
import type { ExecutionAccount } from '@tradeloop/accounts';
import { isNseOpen, type Instrument } from '@tradeloop/domain';
import type { AppConfig } from '@tradeloop/platform';
import type { LiveAdapter, LiveAdapterHooks } from './live-adapters';

/**
 * Our instruments as Upstox names them: by `instrument_key` (`NSE_EQ|INE009A01021`), from Upstox's
 * daily master (docs/brokers.md 2.7: never derived from a symbol; cash keys carry the ISIN). An
 * instrument without a key is not mapped, so an order for it is refused before anything is sent
 * (`INSTRUMENT_NOT_MAPPED`). Quantities in units (our exchanges are NSE and NFO).
 */
export function upstoxInstrumentMap(universe: readonly Instrument[], keys: ReadonlyMap<string, string>): InstrumentMap {
  const keyOf = new Map<string, string>();
  for (const [key, symbol] of keys) keyOf.set(symbol, key);
  return new InstrumentMap(
    'upstox',
    universe.flatMap((i) => {
      const key = keyOf.get(i.symbol);
      if (!key) return [];
      return [
        {
          ref: { exchange: i.exchange, symbol: i.symbol },
          broker: { exchange: key.split('|', 1)[0]!, symbol: key, quantityUnit: 'units' as const, lotSize: i.lotSize },
        },
      ];
    }),
  );
}

/** An Upstox account's adapter: its daily access token, the configured hosts, the portfolio stream in the worker. */
export function buildUpstox(
  config: AppConfig,
  account: ExecutionAccount,
  universe: readonly Instrument[],
  hooks: LiveAdapterHooks,
): LiveAdapter {
  const adapter = new UpstoxAdapter({
    accessToken: account.accessToken ?? '',
    apiRoot: config.UPSTOX_API_ROOT,
    orderRoot: config.UPSTOX_ORDER_ROOT,
    timeoutMs: config.UPSTOX_REQUEST_TIMEOUT_MS,
    instruments: upstoxInstrumentMap(universe, hooks.instrumentKeys ?? new Map()),
    // Outside NSE hours an order goes as after-market (Upstox's is_amo) unless configured otherwise.
    amoAt: (nowMs) => config.UPSTOX_AFTER_HOURS === 'amo' && !isNseOpen(nowMs),
    ...(hooks.push ? {} : { stream: { enabled: false } }),
    onAuthLost: hooks.onAuthLost,
    ...(hooks.onReconnect ? { onReconnect: () => hooks.onReconnect!() } : {}),
    ...(hooks.onError ? { onError: hooks.onError } : {}),
  });
  return Object.assign(adapter, { start: () => void adapter.startStream() });
}
