import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BrokerError, InstrumentMap, KiteAdapter, type BrokerAdapter, type BrokerFunds, type KiteVariety } from '@tradeloop/brokers';
import { BrokerAccountDirectory, type ExecutionAccount } from '@tradeloop/accounts';
import { isNseOpen, type Instrument } from '@tradeloop/domain';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';

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

const CLIENT_TTL_MS = 10 * 60_000;

/**
 * REST clients of live accounts for the API process: the broker's own view of an account
 * (funds, positions, orders) and the margin check at order intake. No ticker: updates are the
 * worker's. One client per account and session (rebuilt after a new login), each with its own
 * rate limiter; funds cached for `BROKER_FUNDS_CACHE_MS` so a burst of orders asks the broker once.
 * A TokenException turns the account to `needs_login`, as in the worker.
 */
@Injectable()
export class LiveBrokerClients implements OnApplicationShutdown {
  private readonly clients = new Map<string, { token: string; adapter: BrokerAdapter & { close?: () => void }; at: number }>();
  private readonly funds = new Map<string, { at: number; value: BrokerFunds }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BrokerAccountDirectory) private readonly accounts: BrokerAccountDirectory,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
  ) {}

  /** The account's REST client; an `auth` BrokerError when it has no live session. */
  async adapterFor(accountId: string, now = Date.now()): Promise<BrokerAdapter> {
    const account = await this.accounts.forExecution(accountId);
    if (!account || account.kind === 'paper')
      throw new BrokerError('final', 'not a live broker account', { broker: 'none', code: 'NOT_LIVE' });
    if (account.disabled || account.status !== 'connected' || !account.accessToken) {
      throw new BrokerError('auth', `the broker account needs a login`, { broker: account.kind, code: 'ACCOUNT_NOT_CONNECTED' });
    }
    const cached = this.clients.get(accountId);
    if (cached && cached.token === account.accessToken && now - cached.at < CLIENT_TTL_MS) return cached.adapter;
    cached?.adapter.close?.();
    if (account.kind !== 'kite')
      throw new BrokerError('final', `${account.kind} accounts are not supported yet`, {
        broker: account.kind,
        code: 'BROKER_NOT_SUPPORTED',
      });
    const universe = await this.instruments.active(new Date(now).toISOString().slice(0, 10));
    const adapter = new KiteAdapter({
      ...kiteAdapterOptions(this.config, account, kiteInstrumentMap(universe)),
      ticker: { enabled: false },
      onAuthLost: (err) => {
        this.clients.delete(accountId);
        void this.accounts.markNeedsLogin(accountId, err.brokerMessage ?? err.message).catch(() => undefined);
      },
    });
    this.clients.set(accountId, { token: account.accessToken, adapter, at: now });
    return adapter;
  }

  /** The account's funds at its broker, at most a few seconds old. */
  async fundsOf(accountId: string, now = Date.now()): Promise<BrokerFunds> {
    const hit = this.funds.get(accountId);
    if (hit && now - hit.at < this.config.BROKER_FUNDS_CACHE_MS) return hit.value;
    const value = await (await this.adapterFor(accountId, now)).funds();
    this.funds.set(accountId, { at: now, value });
    return value;
  }

  onApplicationShutdown(): void {
    for (const c of this.clients.values()) c.adapter.close?.();
    this.clients.clear();
  }
}
