// Units as types: these lines are checked by the type checker (`tsc -p tsconfig.spec.json`, part of
// `npm test`); each @ts-expect-error fails the check if the compiler ever accepts the mix again.
import { holdTx, paperBook, walletBook } from './ledger';
import { formatMoney, type Paise } from './money';
import { formatPrice, type PriceTicks } from './market';
import {
  applyFillToPosition,
  applyRateToPaise,
  computeFees,
  divideToPrice,
  FLAT_POSITION,
  lotSizeRejection,
  newOrder,
  paiseToValue,
  percent,
  reservationFor,
  settleFill,
  tradeValue,
  valueToPaise,
  type OrderTerms,
  type ReservationBasis,
  type TradeValue,
} from './trading';
import type { AccountId, OrderId, Quantity, UserId } from './units';

const paise = 1_500_00n as Paise;
const value = tradeValue(10 as Quantity, 2_435_000 as PriceTicks);
const price = 2_435_000 as PriceTicks;
const quantity = 10 as Quantity;
const userId = '0190a0b0-0000-7000-8000-000000000001' as UserId;
const orderId = '0190a0b0-0000-7000-8000-000000000002' as OrderId;
const account = 'house:fees' as AccountId;

const takesPaise = (p: Paise) => p;
const takesValue = (v: TradeValue) => v;
const takesQuantity = (q: Quantity) => q;
const takesUser = (u: UserId) => u;

describe('units as types', () => {
  it('refuses one unit where another is declared', () => {
    // @ts-expect-error a trade value (ticks × units) is not money
    formatMoney(value);
    // @ts-expect-error money is not a trade value
    takesValue(paise);
    // @ts-expect-error a price is not a quantity
    takesQuantity(price);
    // @ts-expect-error a quantity is not a price
    formatPrice(quantity);
    // @ts-expect-error nor the other way round in tradeValue's arguments
    tradeValue(price, quantity);
    // @ts-expect-error an order id is not a user id
    takesUser(orderId);
    // @ts-expect-error an account code is not a user id
    takesUser(account);
    expect(true).toBe(true);
  });

  it('converts only through the named functions, and accepts unit-less literals', () => {
    expect(formatMoney(valueToPaise(value))).toBe('2435.00');
    expect(valueToPaise(paiseToValue(paise))).toBe(paise);
    expect(takesPaise(100n)).toBe(100n);
    expect(takesQuantity(5)).toBe(5);
    expect(takesUser(userId)).toBe(userId);
    expect(formatPrice(price)).toBe('243.50');
  });

  it('refuses a mix in the domain signatures that move money and positions', () => {
    const rate = percent('18');
    const terms: OrderTerms = { side: 'BUY', type: 'LIMIT', product: 'MIS', validity: 'DAY', quantity, price, triggerPrice: null };
    const basis: ReservationBasis = { side: 'BUY', product: 'MIS', referencePrice: price, shortQuantity: 0 };
    // Type-checked, never run: with the units mixed the arguments are nonsense.
    const mixes = () => {
      // @ts-expect-error a trade value is not the paise a hold reserves: convert with valueToPaise(Ceil)
      holdTx(walletBook(userId), value, 'ref');
      // @ts-expect-error an order id is not the user whose wallet a hold touches
      holdTx(walletBook(orderId), paise, 'ref');
      // @ts-expect-error a user id is not the broker account whose paper book a hold touches
      holdTx(paperBook(userId, userId), paise, 'ref');
      // @ts-expect-error a price is not a fill quantity
      applyFillToPosition(FLAT_POSITION, 'BUY', price, price);
      // @ts-expect-error a fill quantity is not its price
      applyFillToPosition(FLAT_POSITION, 'BUY', quantity, quantity);
      // @ts-expect-error an order's filled value is a trade value, not paise
      reservationFor(basis, quantity, paise);
      // @ts-expect-error a price is not the remaining quantity
      reservationFor(basis, price, value);
      // @ts-expect-error an order's turnover so far is a trade value, not paise
      computeFees({ side: 'BUY', product: 'MIS', quantity, price, orderTurnoverBefore: paise });
      settleFill({
        book: walletBook(userId),
        reference: 'trade-1',
        order: newOrder(terms),
        basis,
        // @ts-expect-error the fill of a settlement: a price where its quantity goes
        fill: { quantity: price, price },
        position: FLAT_POSITION,
      });
      settleFill({
        // @ts-expect-error a settlement's user is a user id, not an order id
        book: walletBook(orderId),
        reference: 'trade-1',
        order: newOrder(terms),
        basis,
        fill: { quantity, price },
        position: FLAT_POSITION,
      });
      // @ts-expect-error a rate and an amount swapped
      applyRateToPaise(rate, paise);
      // @ts-expect-error money divided by a quantity is not a price: only a trade value is
      divideToPrice(paise, quantity);
      // @ts-expect-error a tick size is not a lot size
      lotSizeRejection(quantity, price);
    };
    expect(mixes).toBeTypeOf('function');
    expect(valueToPaise(tradeValue(quantity, divideToPrice(value, quantity)))).toBe(valueToPaise(value));
  });
});
