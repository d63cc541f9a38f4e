import {
  mirrorDifference,
  RECONCILIATION_DIFFERENCE_KINDS,
  valueToPaise,
  tradeValue,
  type ReconciliationDifferenceKind,
  type OrderSide,
  type OrderStatus,
  type Paise,
  type PriceTicks,
  type Product,
  type Quantity,
} from '@tradeloop/domain';
import {
  heldQuantity,
  type BrokerFunds,
  type BrokerHolding,
  type BrokerOrder,
  type BrokerPosition,
  type BrokerTrade,
} from '../adapter/broker-adapter.port';
import { combineSliceReports } from '../adapter/status.mapper';

/**
 * The daily broker reconciliation's comparison (docs/domain.md, "Accounts and books (second
 * wave)": "a daily reconciliation compares our orders, trades, positions and that mirror with the
 * broker's own books and records each difference as a compliance case"). Pure: it takes our
 * books and the broker's, already read, and answers the differences in a deterministic order.
 * Money is bigint paise, prices integer ticks, quantities units; no floats.
 */

/** One of our orders of the account, for the day being reconciled. */
export interface OurOrder {
  readonly orderId: string;
  /** The tag we sent it with (`adapter.correlationTag(orderId)`); null when the broker has no tags. */
  readonly tag: string | null;
  /** The broker's ids we recorded for it (several when the broker sliced it); empty when never sent. */
  readonly brokerOrderIds: readonly string[];
  readonly status: OrderStatus;
  readonly quantity: Quantity;
  readonly filledQuantity: Quantity;
  /** The sum of the quantities of our trades of this order. */
  readonly tradedQuantity: Quantity;
}

/** Our net quantity of one (symbol, product) on the account, summed over every user who trades it. */
export interface OurPosition {
  readonly symbol: string;
  readonly product: Product;
  readonly netQuantity: Quantity;
}

/** The cash mirror's side: its balance (the ledger's `broker:<account>:cash`) and our fills' cash flow it has not taken yet. */
export interface OurCash {
  /** The mirror's balance after the previous reconciliation; null when the mirror has never been reconciled (first run). */
  readonly previousMirror: Paise | null;
  /** Our fills since the mirror last took them (`fillsCashFlow`): what the buys paid and the sells received. */
  readonly flow: FillsCashFlow;
  /** A difference at most this large (either way) is not a case: brokerage and charges the broker adds. */
  readonly tolerance: Paise;
}

export interface ReconciliationInput {
  readonly orders: readonly OurOrder[];
  readonly positions: readonly OurPosition[];
  readonly cash: OurCash;
  readonly broker: {
    readonly orders: readonly BrokerOrder[];
    readonly trades: readonly BrokerTrade[];
    readonly positions: readonly BrokerPosition[];
    /** Delivery holdings (`listHoldings`): folded into the broker's CNC quantity (`brokerNetQuantities`). */
    readonly holdings: readonly BrokerHolding[];
    readonly funds: BrokerFunds;
  };
  /**
   * The account's opening holdings baseline (`openingHoldingsBaseline`): delivery shares the account
   * held before the platform traded it. Added to our CNC side; absent or empty: none.
   */
  readonly baseline?: readonly OpeningHolding[];
}

/** Shares of one symbol the account held at the broker before the platform (docs/brokers.md 4.12, "Opening holdings baseline"). */
export interface OpeningHolding {
  readonly symbol: string;
  /** Units, > 0. */
  readonly quantity: Quantity;
}

/** Every difference kind, in the order the result lists them (one list with the compliance cases: libs/domain). */
export { RECONCILIATION_DIFFERENCE_KINDS, type ReconciliationDifferenceKind };

/** `discrepancy`: our books and the broker's disagree; `info`: worth knowing, not an error of ours (an order placed outside the platform). */
export type DifferenceSeverity = 'discrepancy' | 'info';

/** Status classes compared: the terminal statuses as they are, every working status as `WORKING`. */
export type ComparedStatus = 'WORKING' | 'FILLED' | 'CANCELLED' | 'REJECTED' | 'EXPIRED';

interface Base<K extends ReconciliationDifferenceKind> {
  readonly kind: K;
  readonly severity: DifferenceSeverity;
  /** What the difference is about: our order id, the broker's order id (external), `SYMBOL:PRODUCT`, or `cash`. Unique per kind. */
  readonly subject: string;
}

export type ReconciliationDifference =
  | (Base<'ORDER_MISSING_AT_BROKER'> & {
      readonly orderId: string;
      readonly brokerOrderIds: readonly string[];
      readonly status: OrderStatus;
    })
  | (Base<'BROKER_ORDER_NOT_RECORDED'> & { readonly orderId: string; readonly brokerOrderId: string; readonly matchedBy: 'tag' | 'parent' })
  | (Base<'STATUS_MISMATCH'> & { readonly orderId: string; readonly ours: ComparedStatus; readonly broker: ComparedStatus })
  | (Base<'FILLED_QUANTITY_MISMATCH'> & { readonly orderId: string; readonly ours: Quantity; readonly broker: Quantity })
  | (Base<'TRADES_QUANTITY_MISMATCH'> & { readonly orderId: string; readonly ours: Quantity; readonly broker: Quantity })
  | (Base<'POSITION_MISMATCH'> & {
      readonly symbol: string;
      readonly product: Product;
      /** Our platform's net quantity (without the baseline). */
      readonly ours: Quantity;
      /** For CNC, the account's opening holdings baseline of the symbol, compared on our side with `ours`; present when non-zero. */
      readonly openingHoldings?: Quantity;
      /** The broker's quantity: its position, plus its holdings for CNC. */
      readonly broker: Quantity;
      /** Of `broker`, what its delivery holdings hold (settled + T1); present when it has any of the symbol. */
      readonly brokerHoldings?: Quantity;
    })
  | (Base<'CASH_MISMATCH'> & {
      readonly previousMirror: Paise;
      /** Our fills' net cash flow (sells received less buys paid). */
      readonly expectedFlow: Paise;
      readonly expected: Paise;
      readonly reported: Paise;
      readonly difference: Paise;
      readonly tolerance: Paise;
    })
  | (Base<'EXTERNAL_ORDER'> & {
      readonly brokerOrderId: string;
      readonly tag: string | null;
      readonly symbol: string;
      readonly side: OrderSide;
      readonly quantity: Quantity;
      readonly filledQuantity: Quantity;
      readonly status: ComparedStatus;
    });

export interface ReconciliationResult {
  readonly differences: readonly ReconciliationDifference[];
  /** The broker's total cash (available + used): what the mirror is brought to. */
  readonly reportedCash: Paise;
  readonly counts: {
    readonly orders: number;
    readonly brokerOrders: number;
    readonly trades: number;
    readonly positions: number;
    readonly holdings: number;
  };
}

const TERMINAL = new Set<string>(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);
/** Ours and the broker's statuses in one vocabulary: a working order is working whatever the step (docs/brokers.md 4.4). */
export const comparedStatus = (s: string): ComparedStatus => (TERMINAL.has(s) ? (s as ComparedStatus) : 'WORKING');

/** The broker's total cash: what new orders can use plus what is blocked (docs/domain.md, "Accounts and books (second wave)"). */
export const reportedCash = (funds: BrokerFunds): Paise => funds.availableCash + funds.usedMargin;

/** What a set of fills moved at the broker: the buys paid, the sells received (both ≥ 0). */
export interface FillsCashFlow {
  readonly buys: Paise;
  readonly sells: Paise;
}

/** Our expected movement of the broker's cash from fills: a buy pays qty × price, a sell receives it (paise, half-up per fill). */
export function fillsCashFlow(
  fills: readonly { readonly side: OrderSide; readonly quantity: Quantity; readonly price: PriceTicks }[],
): FillsCashFlow {
  let buys = 0n;
  let sells = 0n;
  for (const f of fills) {
    const value = valueToPaise(tradeValue(f.quantity, f.price));
    if (f.side === 'BUY') buys += value;
    else sells += value;
  }
  return { buys, sells };
}

const positionKey = (symbol: string, product: string) => `${symbol}:${product}`;

/** The broker's quantity of one (symbol, product): what `reconcileAccount` compares ours with. */
export interface BrokerNetQuantity {
  readonly symbol: string;
  readonly product: Product;
  readonly quantity: Quantity;
  /** Of `quantity`, what the delivery holdings hold; null when the broker lists no holding of the symbol. */
  readonly holdings: Quantity | null;
}

/**
 * The broker's net quantity per (symbol, product), holdings folded in (docs/brokers.md 4.12, "Holdings
 * in the reconciliation"). Brokers move a day's CNC (delivery) positions into holdings after the day:
 * the next day the position list no longer has them (T1 first, settled a day later), so for CNC
 * the broker's quantity is today's CNC position net PLUS every holding's settled and T1 quantity.
 * Nothing is subtracted for a holding sold today: the sale is the negative CNC day position, while
 * the holding row keeps listing the quantity for the day (`used_quantity` says how much was sold),
 * so taking `used_quantity` off as well would count the sale twice. Holdings are always CNC.
 */
export function brokerNetQuantities(
  positions: readonly Pick<BrokerPosition, 'instrument' | 'product' | 'netQuantity'>[],
  holdings: readonly Pick<BrokerHolding, 'instrument' | 'quantity' | 't1Quantity'>[],
): BrokerNetQuantity[] {
  const out = new Map<string, { symbol: string; product: Product; quantity: number; holdings: number | null }>();
  const entry = (symbol: string, product: Product) => {
    const key = positionKey(symbol, product);
    let e = out.get(key);
    if (!e) out.set(key, (e = { symbol, product, quantity: 0, holdings: null }));
    return e;
  };
  for (const p of positions) entry(p.instrument.symbol, p.product).quantity += p.netQuantity;
  for (const h of holdings) {
    const e = entry(h.instrument.symbol, 'CNC');
    const held = heldQuantity(h);
    e.quantity += held;
    e.holdings = (e.holdings ?? 0) + held;
  }
  return [...out.values()].sort((a, b) => byText(positionKey(a.symbol, a.product), positionKey(b.symbol, b.product)));
}
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The account's opening holdings baseline (docs/brokers.md 4.12, "Opening holdings baseline"): the
 * delivery shares the account held at the broker that the platform did not put there. `positions`
 * and `holdings` are the broker's as read now, `ours` our net positions of the account now (only
 * CNC counts). Per symbol the broker holds in delivery, or that the platform sold more of than it
 * bought (shares it sold from the holding): the broker's CNC quantity (`brokerNetQuantities`) less
 * ours, kept when positive, in symbol order — what makes both sides agree at the capture, so a
 * platform purchase never becomes baseline, whether still the broker's day position or moved to
 * its holdings. Never negative: a broker holding less than the platform bought is a real
 * difference, left for the reconciliation to flag.
 */
export function openingHoldingsBaseline(
  positions: readonly Pick<BrokerPosition, 'instrument' | 'product' | 'netQuantity'>[],
  holdings: readonly Pick<BrokerHolding, 'instrument' | 'quantity' | 't1Quantity'>[],
  ours: readonly { readonly symbol: string; readonly product: Product; readonly netQuantity: Quantity }[],
): OpeningHolding[] {
  const ourCnc = new Map<string, number>();
  for (const o of ours) if (o.product === 'CNC') ourCnc.set(o.symbol, (ourCnc.get(o.symbol) ?? 0) + o.netQuantity);
  const broker = new Map<string, number>();
  for (const b of brokerNetQuantities(positions, holdings)) if (b.product === 'CNC') broker.set(b.symbol, b.quantity);
  const symbols = new Set([...holdings.map((h) => h.instrument.symbol), ...[...ourCnc].filter(([, q]) => q < 0).map(([s]) => s)]);
  return [...symbols]
    .map((symbol) => ({ symbol, quantity: (broker.get(symbol) ?? 0) - (ourCnc.get(symbol) ?? 0) }))
    .filter((b) => b.quantity > 0)
    .sort((a, b) => byText(a.symbol, b.symbol));
}

/** Compares our books of one account with the broker's; see the module comment. */
export function reconcileAccount(input: ReconciliationInput): ReconciliationResult {
  const out: ReconciliationDifference[] = [];
  const ourByBrokerId = new Map<string, OurOrder>();
  const ourByTag = new Map<string, OurOrder>();
  for (const o of input.orders) {
    for (const id of o.brokerOrderIds) ourByBrokerId.set(id, o);
    if (o.tag !== null) ourByTag.set(o.tag, o);
  }

  // Every broker order is ours by id, ours by tag (or by its parent's id: a Kite autoslice child), or external.
  const brokerOrdersOf = new Map<string, BrokerOrder[]>();
  const unrecorded: { order: OurOrder; broker: BrokerOrder; matchedBy: 'tag' | 'parent' }[] = [];
  for (const b of input.broker.orders) {
    let ours = ourByBrokerId.get(b.brokerOrderId);
    if (!ours) {
      const byParent = b.parentBrokerOrderId !== null ? ourByBrokerId.get(b.parentBrokerOrderId) : undefined;
      const byTag = b.tag !== null ? ourByTag.get(b.tag) : undefined;
      ours = byTag ?? byParent;
      if (ours) unrecorded.push({ order: ours, broker: b, matchedBy: byTag ? 'tag' : 'parent' });
    }
    if (ours) {
      const list = brokerOrdersOf.get(ours.orderId) ?? [];
      list.push(b);
      brokerOrdersOf.set(ours.orderId, list);
    } else {
      out.push({
        kind: 'EXTERNAL_ORDER',
        severity: 'info',
        subject: b.brokerOrderId,
        brokerOrderId: b.brokerOrderId,
        tag: b.tag,
        symbol: b.instrument.symbol,
        side: b.side,
        quantity: b.quantity,
        filledQuantity: b.filledQuantity,
        status: comparedStatus(b.status),
      });
    }
  }
  for (const u of unrecorded) {
    out.push({
      kind: 'BROKER_ORDER_NOT_RECORDED',
      severity: 'discrepancy',
      subject: `${u.order.orderId}:${u.broker.brokerOrderId}`,
      orderId: u.order.orderId,
      brokerOrderId: u.broker.brokerOrderId,
      matchedBy: u.matchedBy,
    });
  }

  const tradedAtBroker = new Map<string, number>();
  for (const t of input.broker.trades) tradedAtBroker.set(t.brokerOrderId, (tradedAtBroker.get(t.brokerOrderId) ?? 0) + t.quantity);

  for (const o of input.orders) {
    const slices = brokerOrdersOf.get(o.orderId) ?? [];
    if (slices.length === 0) {
      // Never sent (refused before the broker, or still queued): nothing the broker could hold.
      if (o.brokerOrderIds.length === 0) continue;
      out.push({
        kind: 'ORDER_MISSING_AT_BROKER',
        severity: 'discrepancy',
        subject: o.orderId,
        orderId: o.orderId,
        brokerOrderIds: [...o.brokerOrderIds].sort(byText),
        status: o.status,
      });
      continue;
    }
    const combined = slices.length === 1 ? slices[0]! : combineSliceReports(o.quantity, slices);
    const ours = comparedStatus(o.status);
    const theirs = comparedStatus(combined.status);
    if (ours !== theirs)
      out.push({ kind: 'STATUS_MISMATCH', severity: 'discrepancy', subject: o.orderId, orderId: o.orderId, ours, broker: theirs });
    if (o.filledQuantity !== combined.filledQuantity)
      out.push({
        kind: 'FILLED_QUANTITY_MISMATCH',
        severity: 'discrepancy',
        subject: o.orderId,
        orderId: o.orderId,
        ours: o.filledQuantity,
        broker: combined.filledQuantity,
      });
    const brokerTraded = slices.reduce((sum, s) => sum + (tradedAtBroker.get(s.brokerOrderId) ?? 0), 0);
    if (o.tradedQuantity !== brokerTraded)
      out.push({
        kind: 'TRADES_QUANTITY_MISMATCH',
        severity: 'discrepancy',
        subject: o.orderId,
        orderId: o.orderId,
        ours: o.tradedQuantity,
        broker: brokerTraded,
      });
  }

  // Positions: ours (plus, for CNC, the opening holdings baseline) against the broker's, its CNC
  // holdings folded in (`brokerNetQuantities`).
  const positions = new Map<
    string,
    { symbol: string; product: Product; ours: number; baseline: number; broker: number; holdings: number | null }
  >();
  const position = (symbol: string, product: Product) => {
    const key = positionKey(symbol, product);
    let p = positions.get(key);
    if (!p) positions.set(key, (p = { symbol, product, ours: 0, baseline: 0, broker: 0, holdings: null }));
    return p;
  };
  for (const p of input.positions) position(p.symbol, p.product).ours += p.netQuantity;
  for (const b of input.baseline ?? []) position(b.symbol, 'CNC').baseline += b.quantity;
  for (const b of brokerNetQuantities(input.broker.positions, input.broker.holdings)) {
    const p = position(b.symbol, b.product);
    p.broker += b.quantity;
    p.holdings = b.holdings;
  }
  for (const [key, p] of positions) {
    if (p.ours + p.baseline !== p.broker)
      out.push({
        kind: 'POSITION_MISMATCH',
        severity: 'discrepancy',
        subject: key,
        symbol: p.symbol,
        product: p.product,
        ours: p.ours,
        ...(p.baseline !== 0 ? { openingHoldings: p.baseline } : {}),
        broker: p.broker,
        ...(p.holdings !== null ? { brokerHoldings: p.holdings } : {}),
      });
  }

  const reported = reportedCash(input.broker.funds);
  const { previousMirror, flow, tolerance } = input.cash;
  if (previousMirror !== null) {
    // The same rule as the mirror's ledger posting: what our fills do not explain.
    const difference = mirrorDifference({ mirrorBefore: previousMirror, ...flow, reported });
    const expectedFlow = flow.sells - flow.buys;
    const expected = previousMirror + expectedFlow;
    if (difference > tolerance || -difference > tolerance)
      out.push({
        kind: 'CASH_MISMATCH',
        severity: 'discrepancy',
        subject: 'cash',
        previousMirror,
        expectedFlow,
        expected,
        reported,
        difference,
        tolerance,
      });
  }

  const rank = (k: ReconciliationDifferenceKind) => RECONCILIATION_DIFFERENCE_KINDS.indexOf(k);
  out.sort((a, b) => rank(a.kind) - rank(b.kind) || byText(a.subject, b.subject));
  return {
    differences: out,
    reportedCash: reported,
    counts: {
      orders: input.orders.length,
      brokerOrders: input.broker.orders.length,
      trades: input.broker.trades.length,
      positions: positions.size,
      holdings: input.broker.holdings.length,
    },
  };
}
