import { ORDER_TYPES, type InstrumentType, type OrderType, type Product, type Validity } from '@tradeloop/domain';
import { BrokerError } from './broker.errors';

/**
 * Product codes both ways. Ours are Kite's (MIS intraday, CNC delivery, NRML carry-forward:
 * libs/domain `PRODUCTS`). Reading back may need the instrument: Upstox's `D` means delivery
 * for cash and carry-forward for derivatives (docs/brokers.md 4.2).
 */
export interface ProductMapping {
  toBroker(product: Product): string;
  /** Our product for a broker code; null for one we do not trade (MTF, CO, OCO…). */
  fromBroker(code: string, instrumentType: InstrumentType): Product | null;
}

const upper = (s: string): string => s.trim().toUpperCase();

/** Kite and OpenAlgo: the same three codes as ours (Kite's MTF is not offered by us). */
export const KITE_PRODUCTS: ProductMapping = Object.freeze({
  toBroker: (p: Product): string => p,
  fromBroker: (code: string): Product | null => {
    const c = upper(code);
    return c === 'MIS' || c === 'CNC' || c === 'NRML' ? c : null;
  },
});
export const OPENALGO_PRODUCTS: ProductMapping = KITE_PRODUCTS;

/** Upstox: I intraday, D delivery or carry-forward by segment. */
export const UPSTOX_PRODUCTS: ProductMapping = Object.freeze({
  toBroker: (p: Product): string => (p === 'MIS' ? 'I' : 'D'),
  fromBroker: (code: string, instrumentType: InstrumentType): Product | null => {
    const c = upper(code);
    if (c === 'I') return 'MIS';
    if (c === 'D') return instrumentType === 'EQ' ? 'CNC' : 'NRML';
    return null;
  },
});

/**
 * Order types need no table: Kite, Upstox and OpenAlgo all spell MARKET, LIMIT, SL and SL-M as
 * we do, with the same price/trigger rules (docs/brokers.md 4.2). Reading back, anything else is unknown.
 */
export function orderTypeFromBroker(code: string): OrderType | null {
  const c = upper(code);
  return (ORDER_TYPES as readonly string[]).includes(c) ? (c as OrderType) : null;
}

/**
 * Validities per broker: Kite DAY/IOC/TTL, Upstox DAY/IOC, OpenAlgo none (always DAY). We
 * offer DAY and IOC, so an IOC to OpenAlgo must be refused before anything is sent.
 */
export const KITE_VALIDITIES: readonly Validity[] = Object.freeze(['DAY', 'IOC']);
export const UPSTOX_VALIDITIES: readonly Validity[] = Object.freeze(['DAY', 'IOC']);
export const OPENALGO_VALIDITIES: readonly Validity[] = Object.freeze(['DAY']);

/** Throws a final BrokerError (nothing was sent) when the broker cannot express this validity. */
export function assertValiditySupported(broker: string, supported: readonly Validity[], validity: Validity): void {
  if (!supported.includes(validity)) {
    throw new BrokerError('final', `${broker} does not support ${validity} orders`, {
      broker,
      operation: 'place',
      code: 'VALIDITY_NOT_SUPPORTED',
    });
  }
}
