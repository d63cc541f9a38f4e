/**
 * Units as types (docs/architecture.md, "Units"). A `Unit<T, Name>` is a T that carries its unit
 * in its type: a value of one unit is not assignable to another (a TradeValue where Paise is
 * expected, a price in ticks where a quantity is expected, an order id where a user id is
 * expected — the compiler refuses), while a plain literal or a value fresh from a parser is
 * accepted where its unit is declared. Converting between units goes through the named
 * functions (`valueToPaise`, `tradeValue`, …), never through a cast.
 *
 * The unit is an optional phantom property, so it costs nothing at run time and arithmetic
 * stays plain: `a + b` of two Paise is a bigint, which may be declared Paise again. Laundering a
 * unit through an untyped intermediate (`const x: bigint = value; pay(x)`) is the one thing it
 * cannot see; keep intermediates typed.
 */
declare const UNIT: unique symbol;
export type Unit<T, Name extends string> = T & { readonly [UNIT]?: Name };

/** A user's id (a UUID). */
export type UserId = Unit<string, 'UserId'>;
/** An order's id (a UUIDv7). */
export type OrderId = Unit<string, 'OrderId'>;
/** A broker account's id (a UUID): the key of its paper book in the ledger (docs/domain.md, "Accounts and books"). */
export type BrokerAccountId = Unit<string, 'BrokerAccountId'>;
/** A ledger account's stable code: `user:<uuid>:cash`, `house:fees`, `paper:<uuid>:cash`, `paper:fees` (see accountCode). */
export type AccountId = Unit<string, 'AccountId'>;
/** A number of units of an instrument (shares, contracts × lot size): a safe integer. */
export type Quantity = Unit<number, 'Quantity'>;
