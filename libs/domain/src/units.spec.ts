// Units as types: these lines are checked by the type checker (`tsc -p tsconfig.spec.json`, part of
// `npm test`); each @ts-expect-error fails the check if the compiler ever accepts the mix again.
import { formatMoney, type Paise } from './money';
import { formatPrice, type PriceTicks } from './market';
import { tradeValue, valueToPaise, type TradeValue } from './trading';
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
    expect(takesPaise(100n)).toBe(100n);
    expect(takesQuantity(5)).toBe(5);
    expect(takesUser(userId)).toBe(userId);
    expect(formatPrice(price)).toBe('243.50');
  });
});
