import type { Paise } from '../money';
import type { PriceTicks } from '../market';
import type { Quantity } from '../units';
import type { OrderSide, Product } from './order';
import { applyRateToPaise, applyRateToValue, percent, tradeValue, type Rate, type TradeValue } from './units';

/** Charges that depend on the product (docs/domain.md, "Fees"). */
export interface ProductCharges {
  /** Brokerage as a share of turnover… */
  readonly brokerageRate: Rate;
  /** …capped per executed order (null: no cap). */
  readonly brokerageCap: Paise | null;
  readonly sttBuyRate: Rate;
  readonly sttSellRate: Rate;
  /** Stamp duty is levied on the buyer only. */
  readonly stampDutyBuyRate: Rate;
}

/** One configurable schedule (docs/domain.md, "Fees"): per-product charges plus turnover-wide ones. */
export interface FeeSchedule {
  readonly products: Readonly<Record<Product, ProductCharges>>;
  readonly exchangeChargesRate: Rate;
  readonly sebiFeesRate: Rate;
  /** GST on brokerage + exchange charges (+ SEBI fees, which are zero by default). */
  readonly gstRate: Rate;
}

const MIS_CHARGES: ProductCharges = {
  brokerageRate: percent('0.03'),
  brokerageCap: 2000n, // ₹20
  sttBuyRate: 0n,
  sttSellRate: percent('0.025'),
  stampDutyBuyRate: 0n,
};

/**
 * The defaults of docs/domain.md, "Fees". The spec gives MIS and CNC; NRML (carry-forward derivatives) is charged
 * like MIS, the other non-delivery product, until a schedule says otherwise. SEBI fees and stamp
 * duty are not in the spec's defaults, so they are zero here, but they are lines of their own so
 * a configured schedule can charge them without a code change.
 */
export const DEFAULT_FEE_SCHEDULE: FeeSchedule = Object.freeze({
  products: Object.freeze({
    MIS: MIS_CHARGES,
    CNC: { brokerageRate: 0n, brokerageCap: null, sttBuyRate: percent('0.1'), sttSellRate: percent('0.1'), stampDutyBuyRate: 0n },
    NRML: MIS_CHARGES,
  }),
  exchangeChargesRate: percent('0.00297'),
  sebiFeesRate: 0n,
  gstRate: percent('18'),
});

export const FEE_LINES = ['brokerage', 'exchangeCharges', 'sebiFees', 'stt', 'stampDuty', 'gst'] as const;
export type FeeLine = (typeof FEE_LINES)[number];

/**
 * Where each line is posted. docs/domain.md ("Fees") lists STT, exchange transaction charges and GST under
 * "Taxes", so everything collected for the exchange or the state goes to `taxes`; only the
 * brokerage, which the platform earns, goes to `fees`.
 */
export const FEE_LINE_KIND: Readonly<Record<FeeLine, 'FEE' | 'TAX'>> = {
  brokerage: 'FEE',
  exchangeCharges: 'TAX',
  sebiFees: 'TAX',
  stt: 'TAX',
  stampDuty: 'TAX',
  gst: 'TAX',
};

export interface FillChargesInput {
  readonly side: OrderSide;
  readonly product: Product;
  readonly quantity: Quantity;
  readonly price: PriceTicks;
  /**
   * Turnover of the same order's earlier fills (its filledValue). The brokerage cap is per
   * executed order, while charges are computed per fill: each fill pays the increase in the
   * order's capped brokerage, so the fills of one order never pay more than the cap in total.
   */
  readonly orderTurnoverBefore?: TradeValue;
}

export interface FeeBreakdown {
  /** quantity × price, exact (ticks·units). */
  readonly turnover: TradeValue;
  /** Each line in paise, rounded half-up on its own (docs/domain.md, "Fees": kept separately for audit). */
  readonly lines: Readonly<Record<FeeLine, Paise>>;
  /** Σ lines posted as FEE, and Σ lines posted as TAX (see FEE_LINE_KIND). */
  readonly fees: Paise;
  readonly taxes: Paise;
  readonly total: Paise;
}

/**
 * The charges on one fill, itemised, in paise. Each percentage is applied to the exact turnover
 * and rounded half-up to the paisa once (docs/domain.md, "Fees"); GST is applied to the rounded lines it
 * taxes, as a contract note shows it.
 */
export function computeFees(input: FillChargesInput, schedule: FeeSchedule = DEFAULT_FEE_SCHEDULE): FeeBreakdown {
  const c = schedule.products[input.product];
  const turnover = tradeValue(input.quantity, input.price);
  if (turnover < 0n) throw new RangeError('turnover must not be negative');
  const before: TradeValue = input.orderTurnoverBefore ?? 0n;
  const buy = input.side === 'BUY';

  const brokerage: Paise = cappedBrokerage(before + turnover, c) - cappedBrokerage(before, c);
  const exchangeCharges = applyRateToValue(turnover, schedule.exchangeChargesRate);
  const sebiFees = applyRateToValue(turnover, schedule.sebiFeesRate);
  const stt = applyRateToValue(turnover, buy ? c.sttBuyRate : c.sttSellRate);
  const stampDuty = buy ? applyRateToValue(turnover, c.stampDutyBuyRate) : 0n;
  const gst = applyRateToPaise(brokerage + exchangeCharges + sebiFees, schedule.gstRate);

  const lines: Record<FeeLine, Paise> = { brokerage, exchangeCharges, sebiFees, stt, stampDuty, gst };
  let fees: Paise = 0n;
  let taxes: Paise = 0n;
  for (const line of FEE_LINES) {
    if (FEE_LINE_KIND[line] === 'FEE') fees += lines[line];
    else taxes += lines[line];
  }
  return Object.freeze({ turnover, lines: Object.freeze(lines), fees, taxes, total: fees + taxes });
}

/** Brokerage on an order's whole turnover so far: rate × turnover, rounded, then capped. */
function cappedBrokerage(turnover: TradeValue, c: ProductCharges): Paise {
  const raw = applyRateToValue(turnover, c.brokerageRate);
  return c.brokerageCap !== null && raw > c.brokerageCap ? c.brokerageCap : raw;
}
