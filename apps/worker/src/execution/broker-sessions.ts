import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { BrokerError, OrderExecution, type BrokerAdapter, type ExecutionBook, type MockBroker } from '@tradeloop/brokers';
import { BrokerAccountDirectory, needsDailyLogin, type ExecutionAccount } from '@tradeloop/accounts';
import { APP_CONFIG, LOGGER, type AppConfig } from '@tradeloop/platform';
import { InstrumentMastersRepository, InstrumentsRepository } from '@tradeloop/market';
import { buildLiveAdapter, CheckBrokerAccountUseCase, PgExecutionBook, TradingRepository, type LiveAdapter } from '@tradeloop/trading';
import type { OrderId } from '@tradeloop/domain';
import { MockFeedBridge } from './mock-feed.bridge';

const EXPIRY_SWEEP_MS = 60_000;

interface LiveSession {
  readonly execution: OrderExecution;
  readonly adapter: LiveAdapter;
  /** The session it was built with (`ExecutionAccount.session`): a new login, or new OpenAlgo credentials, replace it. */
  readonly token: string;
}

/**
 * The execution protocol instance per broker account this worker trades through
 * (libs/brokers `OrderExecution`: send once, adopt, combine slices, dedup, reconcile), each with
 * its own adapter — its own rate limiter, REST session and update socket. The engine asks for an
 * order's account's session and never learns which broker is behind it.
 *
 * - Paper accounts all trade through the one mock broker, so they share its session. Only the
 *   worker holding the market lease has it (`openPaper`, docs/architecture.md "Scale-out"); the
 *   paper queue reaches only that worker, and elsewhere a paper order is refused as retryable.
 * - A live account's session is built from its decrypted credentials and today's access token
 *   when first needed, and rebuilt after a new login. A broker that says the session is gone
 *   (Kite TokenException) turns the account to `needs_login` (published to its owner) and the
 *   session is dropped: its orders wait, and the reconciler carries on after the next login.
 */
@Injectable()
export class BrokerSessions implements OnModuleInit, OnApplicationShutdown {
  private paper: OrderExecution | null = null;
  private readonly live = new Map<string, LiveSession>();
  private readonly building = new Map<string, Promise<OrderExecution>>();
  private sweep: NodeJS.Timeout | null = null;
  private checks: NodeJS.Timeout | null = null;
  private checking = false;
  private readonly checker: CheckBrokerAccountUseCase;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MockFeedBridge) private readonly mock: MockFeedBridge,
    @Inject(PgExecutionBook) private readonly book: PgExecutionBook,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(BrokerAccountDirectory) private readonly accounts: BrokerAccountDirectory,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(InstrumentMastersRepository) private readonly masters: InstrumentMastersRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.checker = new CheckBrokerAccountUseCase(config, accounts, instruments);
  }

  /** The paper session, over the mock broker this worker opened on taking the market lease. */
  openPaper(mock: MockBroker): void {
    if (this.paper) return;
    this.paper = this.execution(mock);
    this.paper.start();
  }

  /** True while this worker trades the paper accounts (it holds the market lease). */
  get hasPaper(): boolean {
    return this.paper !== null;
  }

  onModuleInit(): void {
    // Sessions end at the broker's hour (Kite 06:00 IST) whether or not anyone trades: once a
    // minute the ended ones turn needs_login, each published once to its owner (the UPDATE decides who).
    this.sweep = setInterval(() => void this.expireSessions(), EXPIRY_SWEEP_MS);
    this.sweep.unref();
    // Accounts without a daily login (OpenAlgo) have no session to expire: they are re-checked
    // instead, so a host that went down turns its account error (only that one) and one that
    // answers again turns it connected, analyzer mode noted either way.
    this.checks = setInterval(() => void this.checkAccounts(), this.config.OPENALGO_CHECK_INTERVAL_MS);
    this.checks.unref();
  }

  /** Re-checks every enabled account without a daily login; one that fails is in error and its session is dropped. */
  async checkAccounts(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const id of await this.accounts.accountsWithoutDailyLogin()) {
        try {
          if ((await this.checker.execute(id)) === 'error') await this.drop(id);
        } catch (err) {
          this.logger.warn({ err, accountId: id }, 'broker account check failed; the next one retries');
        }
      }
    } catch (err) {
      this.logger.warn({ err }, 'broker account checks failed; the next round retries');
    } finally {
      this.checking = false;
    }
  }

  /** Ends the broker sessions past their expiry (needs_login, `broker.account` to the owners) and drops their adapters. */
  async expireSessions(now = new Date()): Promise<string[]> {
    try {
      const ended = await this.accounts.expireSessions(now);
      for (const id of ended) await this.drop(id);
      return ended;
    } catch (err) {
      this.logger.warn({ err }, 'broker session expiry sweep failed; next minute retries');
      return [];
    }
  }

  /**
   * The session that trades an order's account. `known`: the order's account and broker when the
   * caller has them (a place job carries them; they never change), else the order is read.
   */
  async forOrder(orderId: string, known: { accountId?: string | undefined; broker?: string | undefined } = {}): Promise<OrderExecution> {
    if (known.broker === 'mock') return this.paperSession();
    if (known.accountId && known.broker) return this.forAccount(known.accountId);
    const order = await this.trading.order(orderId as OrderId);
    if (!order || order.broker === 'mock') return this.paperSession();
    return this.forAccount(order.account_id);
  }

  /** The paper session; retryable where there is none (the job is retried, and reaches the market lease's holder). */
  private paperSession(): OrderExecution {
    if (this.paper) return this.paper;
    throw new BrokerError('retryable', 'the paper exchange runs on the worker holding the market lease, not this one', {
      broker: 'mock',
      code: 'PAPER_ELSEWHERE',
    });
  }

  /**
   * A live account's session. Throws an `auth` BrokerError while the account cannot trade (needs
   * a login, disabled, unknown): the job fails and is retried; the order waits, visibly PENDING.
   */
  async forAccount(accountId: string): Promise<OrderExecution> {
    const account = await this.accounts.forExecution(accountId);
    if (!account)
      throw new BrokerError('final', `broker account ${accountId} does not exist`, { broker: 'unknown', code: 'ACCOUNT_NOT_FOUND' });
    if (account.kind === 'paper') return this.paperSession();
    if (account.disabled || account.status !== 'connected' || !account.session) {
      await this.drop(accountId);
      throw new BrokerError('auth', `broker account ${accountId} is ${account.disabled ? 'disabled' : account.status}`, {
        broker: account.kind,
        code: 'ACCOUNT_NOT_CONNECTED',
      });
    }
    const current = this.live.get(accountId);
    if (current && current.token === account.session) return current.execution;
    const pending = this.building.get(accountId);
    if (pending) return pending;
    const build = this.build(account)
      .then(async (s) => {
        await this.drop(accountId);
        this.live.set(accountId, s);
        return s.execution;
      })
      .finally(() => this.building.delete(accountId));
    this.building.set(accountId, build);
    return build;
  }

  /** Every open session (paper first, where this worker has it), for reconciliation. */
  all(): OrderExecution[] {
    return [...(this.paper ? [this.paper] : []), ...[...this.live.values()].map((s) => s.execution)];
  }

  /** Closes the live sessions of the accounts this worker no longer serves (their partition moved to another worker). */
  async dropAccounts(gone: (accountId: string) => boolean): Promise<void> {
    await Promise.allSettled([...this.live.keys()].filter(gone).map((id) => this.drop(id)));
  }

  /** A live account's adapter (its session built if needed): for updates that arrive out of band, such as postbacks. */
  async adapterOf(accountId: string): Promise<BrokerAdapter> {
    const execution = await this.forAccount(accountId);
    return execution.adapter;
  }

  private execution(adapter: BrokerAdapter, book: ExecutionBook = this.book): OrderExecution {
    return new OrderExecution(adapter, book, {
      onError: (err, context) => this.logger.error({ err, ...context }, 'could not apply a broker update; the reconciler will retry'),
      // Fault tests: die exactly between the broker's acceptance and our write.
      afterBrokerAccept:
        this.config.FAULT_INJECTION === 'crash-after-broker-accept' ? () => process.kill(process.pid, 'SIGKILL') : undefined,
    });
  }

  private async build(account: ExecutionAccount): Promise<LiveSession> {
    const universe = await this.instruments.active(new Date().toISOString().slice(0, 10));
    const accountId = account.id;
    let execution: OrderExecution | null = null;
    // Upstox orders by instrument_key, from its daily master.
    const instrumentKeys = account.kind === 'upstox' ? await this.masters.brokerKeys('upstox') : undefined;
    const adapter = buildLiveAdapter(this.config, account, universe, {
      push: true,
      ...(instrumentKeys ? { instrumentKeys } : {}),
      onAuthLost: (err) => {
        this.logger.warn({ accountId, err: err.message }, 'broker session lost; the account needs a login');
        const reason = err.brokerMessage ?? err.message;
        // Without a daily login (OpenAlgo) a refusal is of the credentials themselves: error, not needs_login.
        void (needsDailyLogin(account.kind) ? this.accounts.markNeedsLogin(accountId, reason) : this.accounts.markError(accountId, reason))
          .catch((e: unknown) => this.logger.error({ err: e, accountId }, 'could not mark the account as needing a login'))
          .finally(() => void this.drop(accountId));
      },
      onReconnect: () => void this.reconcileAccount(accountId, () => execution),
      onError: (err) => this.logger.warn({ err, accountId, broker: account.kind }, 'broker adapter reported an error'),
    });
    // Broker order ids resolve among this account's orders only (installs of one broker number their own).
    execution = this.execution(adapter, this.book.forAccount(accountId));
    execution.start();
    adapter.start();
    return { execution, adapter, token: account.session! };
  }

  /** After a (re)connect frames may have been lost: the account's unfinished orders are read back from the broker. */
  private async reconcileAccount(accountId: string, session: () => OrderExecution | null): Promise<void> {
    const execution = session();
    if (!execution) return;
    try {
      const open = await this.trading.unfinishedOfAccount(accountId);
      await execution.reconcile(open.map((o) => ({ id: o.id, brokerOrderIds: o.broker_order_ids })));
    } catch (err) {
      this.logger.warn({ err, accountId }, 'reconciliation after a reconnect failed; the periodic one retries');
    }
  }

  private async drop(accountId: string): Promise<void> {
    const s = this.live.get(accountId);
    if (!s) return;
    this.live.delete(accountId);
    s.adapter.close();
    await s.execution.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    if (this.checks) clearInterval(this.checks);
    await Promise.allSettled([this.paper?.stop(), ...[...this.live.keys()].map((id) => this.drop(id))]);
  }
}
