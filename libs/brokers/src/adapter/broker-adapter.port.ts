import type {
  BrokerOrderReport,
  OrderSide,
  OrderTerms,
  OrderType,
  Paise,
  PriceTicks,
  Product,
  Quantity,
  Validity,
} from '@tradeloop/domain';
import type { BrokerError } from './broker.errors';
import type { BrokerOrderId, BrokerTradeId, InstrumentRef, TagRule } from './identifiers';
import type { RateLimits } from './rate-limiter';

/**
 * The one interface every broker implements (docs/domain.md, "Broker adapters"; docs/brokers.md 4): the
 * engine never knows which broker it talks to. Prices are integer ticks (1/10000 rupee),
 * quantities our units, instruments our canonical (exchange, symbol); each adapter maps its
 * broker's symbols, products, statuses and errors to these, and throws only `BrokerError`.
 *
 * Update delivery differs per broker; `subscribe` hides it:
 * - Kite pushes: the ticker WebSocket carries `{type:"order"}` frames for ALL the user's orders;
 *   postbacks (checksummed) cover only this app's orders and skip intermediate states.
 * - Upstox pushes: the portfolio-stream WebSocket (`update_type: "order"`), plus a webhook that
 *   has NO signature, so it is only a hint to re-read the order over REST.
 * - OpenAlgo pushes `order_update` on its WebSocket after `subscribe_orders`, on recent installs
 *   only; older ones must be polled (`/orderbook`, `/orderstatus`) — `OrderUpdatePoller`.
 * - The mock pushes every change as it happens.
 * Push is never trusted alone: the same change can arrive twice or not at all, so consumers
 * dedupe on (brokerOrderId, status, filledQuantity) and reconcile with `listOrders` /
 * `listTrades` on reconnect, after a restart and periodically (docs/brokers.md 4.5).
 */
export interface BrokerAdapter {
  /** `kite`, `upstox`, `openalgo`, `mock`: recorded on our orders (docs/api.md "Orders, trades, positions": `order.broker`). */
  readonly broker: string;
  readonly capabilities: BrokerCapabilities;

  /**
   * Sends an order tagged with our order id (as `correlationTag(clientOrderId)`). Resolves with
   * the broker's id(s) once the broker has accepted the request — which does not mean the
   * exchange has (docs/brokers.md 1.2): the outcome arrives as updates. A broker that slices an
   * order over the freeze limit returns several ids, some slices possibly failed.
   * On an `ambiguous` BrokerError the order may exist: call `findOrdersByTag` before ANY resend.
   */
  placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult>;
  /** Changes quantity, price or trigger of a working order; the effect arrives as an update. */
  modifyOrder(brokerOrderId: BrokerOrderId, changes: OrderModification): Promise<void>;
  /** Cancels a working order. A terminal (or unknown) order is a `final` BrokerError. */
  cancelOrder(brokerOrderId: BrokerOrderId): Promise<void>;
  /** The order's current state; an unknown id is a `final` BrokerError (`ORDER_NOT_FOUND`). */
  getOrder(brokerOrderId: BrokerOrderId): Promise<BrokerOrder>;
  /**
   * The orders that carry the tag of `probe.clientOrderId`: how an ambiguous placement is
   * resolved (found: adopt those ids; none: it is safe to send once more). A broker without
   * tags (OpenAlgo) matches on instrument, side, quantity and time instead and says so.
   */
  findOrdersByTag(probe: CorrelationProbe): Promise<CorrelationResult>;
  /** The tag this adapter sends for our order id; null when the broker has no client tags. */
  correlationTag(clientOrderId: string): string | null;
  /** Today's orders (the order book), oldest first. */
  listOrders(): Promise<BrokerOrder[]>;
  /** Today's executions with the broker's trade ids, oldest first. */
  listTrades(): Promise<BrokerTrade[]>;
  /** Net positions per (instrument, product): today's, plus what the broker carries overnight (NRML). */
  listPositions(): Promise<BrokerPosition[]>;
  /**
   * Delivery (CNC) holdings: where a broker moves a day's CNC positions after the day (Kite
   * `/portfolio/holdings`, Upstox `/v2/portfolio/long-term-holdings`, OpenAlgo `/holdings`;
   * docs/brokers.md 4.12). A broker whose CNC positions never leave its positions (the mock)
   * answers none. A malformed reply is a `BrokerError`, as for every read.
   */
  listHoldings(): Promise<BrokerHolding[]>;
  funds(): Promise<BrokerFunds>;
  /** Latest quotes; instruments the broker has no quote for are left out (batched per `maxQuoteBatch`). */
  quotes(instruments: readonly InstrumentRef[]): Promise<BrokerQuote[]>;
  /**
   * Order updates, each a full snapshot with CUMULATIVE fill fields. Returns the unsubscribe
   * function. Listeners must not throw; the adapter isolates them if they do.
   */
  subscribe(listener: OrderUpdateListener): Unsubscribe;
}

export interface BrokerCapabilities {
  /** How updates reach `subscribe`: a native push channel, or polling of the order book. */
  readonly updates: 'push' | 'poll';
  /** The client tag rule, or null when the broker has no tag (OpenAlgo). */
  readonly tag: TagRule | null;
  readonly validities: readonly Validity[];
  readonly orderTypes: readonly OrderType[];
  readonly products: readonly Product[];
  /** Whether one placement can come back as several broker orders (Kite autoslice, Upstox v3 slice). */
  readonly slicing: boolean;
  /** Instruments per quote request (Kite 500 full quotes, Upstox 500 keys). */
  readonly maxQuoteBatch: number;
  readonly rateLimits: RateLimits;
}

/** Our order as sent: its terms, its instrument and our order id (the correlation key). */
export interface PlaceOrderRequest extends OrderTerms {
  /** Our order id; the adapter derives the broker tag from it. */
  readonly clientOrderId: string;
  readonly instrument: InstrumentRef;
  /**
   * A smart order (docs/watchlist-trading.md, "Fan-out"): the account's net position for (instrument,
   * product) the order should leave at the broker. A broker with smart orders (OpenAlgo
   * `placesmartorder`) sends it as one; the others ignore it and send the order's own side and
   * quantity.
   */
  readonly positionSize?: number;
}

export interface PlaceOrderResult {
  /** At least one. Several when the broker sliced the order; they all carry our tag. */
  readonly brokerOrderIds: readonly BrokerOrderId[];
  /** Slices the broker refused while accepting others (Kite autoslice children with `error`). */
  readonly failedSlices: readonly BrokerError[];
}

/** docs/api.md `PATCH /api/v1/orders/{id}`: what may change on a working order. Absent fields stay as they are. */
export interface OrderModification {
  readonly quantity?: Quantity;
  readonly price?: PriceTicks;
  readonly triggerPrice?: PriceTicks;
}

/**
 * One broker order, normalised. It IS a `BrokerOrderReport` (libs/domain): feed it to
 * `applyBrokerUpdate` as it is, or through `combineSliceReports` when our order was sliced.
 */
export interface BrokerOrder extends BrokerOrderReport {
  readonly brokerOrderId: BrokerOrderId;
  /** The parent of a slice (Kite autoslice children), else null. */
  readonly parentBrokerOrderId: BrokerOrderId | null;
  /** The client tag as the broker echoes it; null when none. */
  readonly tag: string | null;
  readonly instrument: InstrumentRef;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly product: Product;
  readonly validity: Validity;
  readonly quantity: Quantity;
  readonly price: PriceTicks | null;
  readonly triggerPrice: PriceTicks | null;
  /** The broker's status string, before normalisation (for the order's history and for support). */
  readonly rawStatus: string;
  /** Epoch ms. */
  readonly placedAt: number;
  readonly updatedAt: number;
}

/** One execution. Fills keyed by `tradeId` apply once however often they are reported. */
export interface BrokerTrade {
  readonly tradeId: BrokerTradeId;
  readonly brokerOrderId: BrokerOrderId;
  readonly instrument: InstrumentRef;
  readonly side: OrderSide;
  readonly product: Product;
  readonly quantity: Quantity;
  readonly price: PriceTicks;
  /** Exchange fill time, epoch ms. */
  readonly ts: number;
}

export interface BrokerPosition {
  readonly instrument: InstrumentRef;
  readonly product: Product;
  /** Positive long, negative short, in units. */
  readonly netQuantity: Quantity;
  /** Average price of the open quantity; null when flat. */
  readonly averagePrice: PriceTicks | null;
  readonly lastPrice: PriceTicks | null;
  /** Realised P&L as the broker computes it, in paise. */
  readonly realisedPnl: Paise;
}

/**
 * One delivery holding, normalised (docs/brokers.md 4.12). A holding is always CNC. The quantity
 * the account holds is `quantity + (t1Quantity ?? 0)` (`heldQuantity`); `usedQuantity` is what was
 * sold (or blocked for a sell) from it today — the holding row still lists it for the day, while the
 * sale shows as a negative CNC day position, so it is informational and never subtracted.
 */
export interface BrokerHolding {
  readonly instrument: InstrumentRef;
  /** Settled in the demat account (Kite and Upstox `quantity`); for OpenAlgo its one `quantity`. */
  readonly quantity: Quantity;
  /** Bought, awaiting T+1 delivery (`t1_quantity`); null when the broker does not report it apart (OpenAlgo). */
  readonly t1Quantity: Quantity | null;
  /** Sold or blocked for a sell today (Kite `used_quantity`, Upstox `cnc_used_quantity`); null when not reported. */
  readonly usedQuantity: Quantity | null;
  /** Average acquisition price; null when the broker has none (received, not bought). */
  readonly averagePrice: PriceTicks | null;
  readonly lastPrice: PriceTicks | null;
  /** The broker's P&L on the holding, in paise (0 when not reported). */
  readonly pnl: Paise;
}

/** What the account holds of a holding: settled plus awaiting T+1 delivery (docs/brokers.md 4.12). */
export const heldQuantity = (h: Pick<BrokerHolding, 'quantity' | 't1Quantity'>): Quantity => h.quantity + (h.t1Quantity ?? 0);

/** Paise. Brokers split this many ways (Kite `available`/`utilised`, Upstox per segment): the common part. */
export interface BrokerFunds {
  /** What new orders can use now. */
  readonly availableCash: Paise;
  /** Blocked for open orders and positions. */
  readonly usedMargin: Paise;
}

export interface BrokerQuote {
  readonly instrument: InstrumentRef;
  readonly ltp: PriceTicks;
  /** Best bid and ask; null where the broker's quote call does not carry depth (LTP endpoints). */
  readonly bid: PriceTicks | null;
  readonly ask: PriceTicks | null;
  /** Epoch ms. */
  readonly ts: number;
}

/** Everything we know about an order whose placement outcome is unknown. */
export interface CorrelationProbe {
  readonly clientOrderId: string;
  readonly instrument: InstrumentRef;
  readonly side: OrderSide;
  readonly quantity: Quantity;
  /** Epoch ms just before the first send: the heuristic match ignores older orders. */
  readonly sentAfter: number;
}

export interface CorrelationResult {
  /** `tag`: exact. `heuristic`: matched on instrument, side, quantity and time (no tags at this broker). */
  readonly method: 'tag' | 'heuristic';
  readonly orders: readonly BrokerOrder[];
}

export type OrderUpdateListener = (update: BrokerOrder) => void;
export type Unsubscribe = () => void;
