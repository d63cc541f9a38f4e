import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BrokerError, type BrokerAdapter, type BrokerFunds } from '@tradeloop/brokers';
import { BrokerAccountDirectory, needsDailyLogin } from '@tradeloop/accounts';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';
import { InstrumentMastersRepository, InstrumentsRepository } from '@tradeloop/market';
import { buildLiveAdapter, type LiveAdapter } from './live-adapters';

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
  private readonly clients = new Map<string, { token: string; adapter: LiveAdapter; at: number }>();
  private readonly funds = new Map<string, { at: number; value: BrokerFunds }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BrokerAccountDirectory) private readonly accounts: BrokerAccountDirectory,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(InstrumentMastersRepository) private readonly masters: InstrumentMastersRepository,
  ) {}

  /** The account's REST client; an `auth` BrokerError when it has no live session. */
  async adapterFor(accountId: string, now = Date.now()): Promise<BrokerAdapter> {
    const account = await this.accounts.forExecution(accountId);
    if (!account || account.kind === 'paper')
      throw new BrokerError('final', 'not a live broker account', { broker: 'none', code: 'NOT_LIVE' });
    if (account.disabled || account.status !== 'connected' || !account.session) {
      throw new BrokerError('auth', `the broker account needs a login`, { broker: account.kind, code: 'ACCOUNT_NOT_CONNECTED' });
    }
    const cached = this.clients.get(accountId);
    if (cached && cached.token === account.session && now - cached.at < CLIENT_TTL_MS) return cached.adapter;
    cached?.adapter.close();
    const universe = await this.instruments.active(new Date(now).toISOString().slice(0, 10));
    // Upstox orders by instrument_key, from its daily master.
    const instrumentKeys = account.kind === 'upstox' ? await this.masters.brokerKeys('upstox') : undefined;
    const adapter = buildLiveAdapter(this.config, account, universe, {
      push: false,
      ...(instrumentKeys ? { instrumentKeys } : {}),
      onAuthLost: (err) => {
        this.clients.delete(accountId);
        const reason = err.brokerMessage ?? err.message;
        void (
          needsDailyLogin(account.kind) ? this.accounts.markNeedsLogin(accountId, reason) : this.accounts.markError(accountId, reason)
        ).catch(() => undefined);
      },
    });
    this.clients.set(accountId, { token: account.session, adapter, at: now });
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
    for (const c of this.clients.values()) c.adapter.close();
    this.clients.clear();
  }
}
