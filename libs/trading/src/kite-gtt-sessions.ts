import { Inject, Injectable } from '@nestjs/common';
import {
  BrokerError,
  KiteGttClient,
  KiteHttpClient,
  kiteGttPlacedOrder,
  kitePriceToTicks,
  type KiteGtt,
  type KiteGttSpec,
} from '@tradeloop/brokers';
import { BrokerAccountDirectory } from '@tradeloop/accounts';
import type { OrderSide, PriceTicks, Product } from '@tradeloop/domain';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';

/**
 * Kite GTT triggers for one account, in our terms (docs/brokers.md 1.9): what the standing exits of
 * watchlist legs (libs/watchlist-trading, docs/watchlist-trading.md) need of the broker, behind a
 * small interface so that context never talks to a broker client itself.
 */

/** A trigger that closes a position: one leg (single) or two (OCO), values ascending. */
export interface GttExitTerms {
  readonly exchange: string;
  readonly symbol: string;
  readonly lotSize: number;
  readonly product: Product;
  /** SELL closes a long, BUY a short; both legs trade the whole quantity. */
  readonly side: OrderSide;
  readonly quantity: number;
  /** The last price Kite checks the values against. */
  readonly lastPrice: PriceTicks;
  /** Trigger value and the LIMIT price its order goes out at, lower value first. */
  readonly legs: readonly { readonly trigger: PriceTicks; readonly price: PriceTicks }[];
}

/** What became of a trigger. `placed` is the order Kite placed when it fired (null: it could not place one). */
export type GttState =
  | { readonly status: 'active' }
  | {
      readonly status: 'triggered';
      readonly placed: { readonly orderId: string; readonly side: OrderSide; readonly quantity: number; readonly price: PriceTicks } | null;
    }
  | { readonly status: 'gone'; readonly brokerStatus: string };

export interface GttSession {
  /** Places a trigger; its id. A placement whose outcome is unknown is looked up in the GTT book first. */
  place(terms: GttExitTerms): Promise<string>;
  /** Replaces an active trigger; `refused` when Kite would not (it is not active any more). */
  modify(triggerId: string, terms: GttExitTerms): Promise<'ok' | 'refused'>;
  /** Deletes an active trigger; `refused` when Kite would not (it is not active any more). */
  delete(triggerId: string): Promise<'ok' | 'refused'>;
  state(triggerId: string): Promise<GttState>;
  /** The GTT book: each listed trigger's id and Kite status (one call for every trigger of the account). */
  statuses(): Promise<Map<string, string>>;
  /** Kite's last price (`GET /quote/ltp`), or null when Kite will not say (no market-data plan). */
  lastPrice(exchange: string, symbol: string): Promise<PriceTicks | null>;
}

const refusal = (e: unknown): boolean => e instanceof BrokerError && e.kind === 'final';

/** The Kite spec of our terms: NSE and NFO quantities in units under the same trading symbol (docs/brokers.md 1.7). */
export function gttSpecOf(terms: GttExitTerms): KiteGttSpec {
  return {
    type: terms.legs.length === 2 ? 'two-leg' : 'single',
    instrument: { exchange: terms.exchange, symbol: terms.symbol, quantityUnit: 'units', lotSize: terms.lotSize },
    lastPrice: terms.lastPrice,
    triggers: terms.legs.map((l) => l.trigger),
    orders: terms.legs.map((l) => ({ side: terms.side, quantity: terms.quantity, product: terms.product, price: l.price })),
  };
}

/** Our view of a trigger Kite reports. */
export function gttStateOf(gtt: KiteGtt): GttState {
  if (gtt.status === 'active') return { status: 'active' };
  if (gtt.status !== 'triggered') return { status: 'gone', brokerStatus: gtt.status };
  const placed = kiteGttPlacedOrder(gtt);
  if (placed === null) return { status: 'triggered', placed: null };
  const o = gtt.orders[placed.index]!;
  return {
    status: 'triggered',
    placed: { orderId: placed.orderId, side: o.side, quantity: o.quantity, price: o.price ?? gtt.triggerValues[placed.index]! },
  };
}

/** A `GttSession` over one Kite REST session. */
export function kiteGttSession(http: KiteHttpClient): GttSession {
  const gtt = new KiteGttClient(http);
  return {
    async place(terms) {
      const spec = gttSpecOf(terms);
      try {
        return await gtt.place(spec);
      } catch (e) {
        if (!(e instanceof BrokerError) || e.kind !== 'ambiguous') throw e;
        // Kite may have taken it: an active trigger on the same instrument, values, side and quantity is ours.
        const same = (await gtt.list()).find(
          (g) =>
            g.status === 'active' &&
            g.exchange === spec.instrument.exchange &&
            g.tradingsymbol === spec.instrument.symbol &&
            g.triggerValues.join() === spec.triggers.join() &&
            g.orders.length === spec.orders.length &&
            g.orders.every((o, i) => o.quantity === spec.orders[i]!.quantity && o.side === spec.orders[i]!.side),
        );
        if (!same) throw e;
        return same.id;
      }
    },
    async modify(triggerId, terms) {
      try {
        await gtt.modify(triggerId, gttSpecOf(terms));
        return 'ok';
      } catch (e) {
        if (refusal(e)) return 'refused';
        throw e;
      }
    },
    async delete(triggerId) {
      try {
        await gtt.delete(triggerId);
        return 'ok';
      } catch (e) {
        if (refusal(e)) return 'refused';
        throw e;
      }
    },
    async state(triggerId) {
      try {
        return gttStateOf(await gtt.get(triggerId));
      } catch (e) {
        if (e instanceof BrokerError && e.kind === 'final' && e.httpStatus === 404) return { status: 'gone', brokerStatus: 'unknown' };
        throw e;
      }
    },
    async statuses() {
      return new Map((await gtt.list()).map((g) => [g.id, g.status]));
    },
    async lastPrice(exchange, symbol) {
      const key = `${exchange}:${symbol}`;
      const data = await http.request({ method: 'GET', path: '/quote/ltp', operation: 'read', query: new URLSearchParams([['i', key]]) });
      const row = (data as Record<string, { last_price?: unknown } | undefined> | null)?.[key];
      const ticks = kitePriceToTicks(row?.last_price);
      return ticks !== null && ticks > 0 ? ticks : null;
    },
  };
}

/**
 * The GTT session of a Kite account, from its decrypted credentials and today's access token,
 * rebuilt after a new login. An `auth` BrokerError while the account has no session; a `final`
 * one for an account that is not Kite's.
 */
@Injectable()
export class KiteGttSessions {
  private readonly sessions = new Map<string, { token: string; session: GttSession }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BrokerAccountDirectory) private readonly accounts: BrokerAccountDirectory,
  ) {}

  async forAccount(accountId: string): Promise<GttSession> {
    const account = await this.accounts.forExecution(accountId);
    if (!account || account.kind !== 'kite')
      throw new BrokerError('final', 'not a Kite account', { broker: account?.kind ?? 'none', code: 'NOT_KITE' });
    if (account.disabled || account.status !== 'connected' || !account.session || !account.accessToken)
      throw new BrokerError('auth', 'the Kite account needs a login', { broker: 'kite', code: 'ACCOUNT_NOT_CONNECTED' });
    const cached = this.sessions.get(accountId);
    if (cached && cached.token === account.session) return cached.session;
    const session = withAuthLoss(
      kiteGttSession(
        new KiteHttpClient({
          apiKey: account.credentials['apiKey'] ?? '',
          accessToken: account.accessToken,
          apiRoot: this.config.KITE_API_ROOT,
          timeoutMs: this.config.KITE_REQUEST_TIMEOUT_MS,
        }),
      ),
      (err) => {
        // The session is gone (TokenException): the account needs a login, as the adapters report it.
        this.sessions.delete(accountId);
        void this.accounts.markNeedsLogin(accountId, err.brokerMessage ?? err.message).catch(() => undefined);
      },
    );
    this.sessions.set(accountId, { token: account.session, session });
    return session;
  }
}

/** A session whose every call reports an `auth` BrokerError to `onAuthLost` (then rethrows it). */
function withAuthLoss(session: GttSession, onAuthLost: (err: BrokerError) => void): GttSession {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (e) {
        if (e instanceof BrokerError && e.kind === 'auth') onAuthLost(e);
        throw e;
      }
    };
  return {
    place: guard(session.place),
    modify: guard(session.modify),
    delete: guard(session.delete),
    state: guard(session.state),
    statuses: guard(session.statuses),
    lastPrice: guard(session.lastPrice),
  };
}
