import fc from 'fast-check';
import { DomainError } from '../errors';
import { applyToWallet, depositTx, holdTx, releaseTx, walletBook, walletDelta, type WalletBalances } from '../ledger';
import {
  applyFillToPosition,
  applyOrderEvent,
  FLAT_POSITION,
  newOrder,
  openCost,
  orderReservation,
  positionFromFills,
  realizedPnl,
  remainingQuantity,
  reservationFor,
  settleFill,
  shortMargin,
  type OrderState,
  type OrderTerms,
  type Position,
  type Product,
  type ReservationBasis,
} from '.';

const U = '01a20000-0000-7000-8000-000000000001';
const rs = (r: number) => Math.round(r * 10_000);
const terms = (t: Partial<OrderTerms>): OrderTerms => ({
  side: 'BUY',
  type: 'LIMIT',
  product: 'MIS',
  validity: 'DAY',
  quantity: 10,
  price: rs(415),
  triggerPrice: null,
  ...t,
});
const net = (txs: readonly { postings: readonly unknown[] }[]) =>
  txs.reduce(
    (a, tx) => {
      const d = walletDelta(tx as never, U);
      return { cash: a.cash + d.cash, held: a.held + d.held };
    },
    { cash: 0n, held: 0n },
  );

describe('settling fills (worked examples)', () => {
  it('a LIMIT buy filled in two parts, the first below the limit', () => {
    const { basis, amount } = orderReservation(terms({ quantity: 100, price: rs(1420) }), { ltp: rs(1420), sellableQuantity: 0 });
    expect(amount).toBe(14_202_858n);
    let order = newOrder(terms({ quantity: 100, price: rs(1420) }));
    // Fill 1: 50 @ 1,419 costs 70,95,000 + brokerage 2,000 (2,128.5 capped) + exchange 211 + GST 398 = 70,97,609.
    // The reservation falls from 1,42,02,858 to 71,00,249 (see reservation.spec): 71,02,609 freed,
    // of which 5,000 (₹1 × 50 below the limit) returns to cash.
    const s1 = settleFill({
      book: walletBook(U),
      reference: 'trade-1',
      order,
      basis,
      fill: { quantity: 50, price: rs(1419) },
      position: FLAT_POSITION,
    });
    expect(s1.value).toBe(7_095_000n);
    expect([s1.charges.fees, s1.charges.taxes]).toEqual([2_000n, 609n]);
    expect(s1.reservationReleased).toBe(7_102_609n);
    expect(net(s1.transactions)).toEqual({ cash: 5_000n, held: -7_102_609n });
    order = applyOrderEvent(order, { type: 'FILL', fill: { id: 'trade-1', quantity: 50, price: rs(1419) } });
    // Fill 2: 50 @ 1,420 costs 71,00,000 + exchange 211 + GST 38 (no brokerage left under the cap): exactly what is held.
    const s2 = settleFill({
      book: walletBook(U),
      reference: 'trade-2',
      order,
      basis,
      fill: { quantity: 50, price: rs(1420) },
      position: s1.position,
    });
    expect(s2.charges.lines.brokerage).toBe(0n);
    expect(net(s2.transactions)).toEqual({ cash: 0n, held: -7_100_249n });
    expect(s2.position.netQuantity).toBe(100);
  });

  it('a short sale: proceeds to cash, the reservation becomes the margin (topped up for a better price)', () => {
    const t = terms({ side: 'SELL', quantity: 10, price: rs(415) });
    const { basis, amount } = orderReservation(t, { ltp: rs(415), sellableQuantity: 0 });
    expect(amount).toBe(83_000n); // 20 % × ₹4,150
    // Filled at 416: margin 20 % × ₹4,160 = 83,200, 200 more than reserved, held from the proceeds.
    // Charges: brokerage 124.8 → 125, exchange 12.36 → 12, STT 104, GST 18 % × 137 = 24.66 → 25: 266.
    const s = settleFill({
      book: walletBook(U),
      reference: 'trade-3',
      order: newOrder(t),
      basis,
      fill: { quantity: 10, price: rs(416) },
      position: FLAT_POSITION,
    });
    expect([s.marginBefore, s.marginAfter]).toEqual([0n, 83_200n]);
    expect(s.charges.total).toBe(266n);
    expect(s.transactions.map((tx) => tx.type)).toEqual(['SETTLE', 'HOLD']);
    expect(net(s.transactions)).toEqual({ cash: 416_000n - 266n - 200n, held: 200n });
  });

  it('covering a short frees its margin into the settlement', () => {
    const short = positionFromFills([{ side: 'SELL', quantity: 10, price: rs(416) }]);
    const t = terms({ side: 'BUY', quantity: 10, price: rs(410) });
    const { basis, amount } = orderReservation(t, { ltp: rs(410), sellableQuantity: 0 });
    // 4,10,000 + brokerage 123 + exchange 12 + GST 24 = 4,10,159.
    expect(amount).toBe(410_159n);
    const s = settleFill({
      book: walletBook(U),
      reference: 'trade-4',
      order: newOrder(t),
      basis,
      fill: { quantity: 10, price: rs(410) },
      position: short,
    });
    expect([s.marginBefore, s.marginAfter]).toEqual([83_200n, 0n]);
    // Held pays 4,10,159 for the trade and returns the 83,200 margin to cash.
    expect(net(s.transactions)).toEqual({ cash: 83_200n, held: -493_359n });
    expect(realizedPnl(s.position)).toBe(60n * 10_000n); // (416 − 410) × 10 = ₹60
  });

  it('a sell that closes a long frees nothing and holds nothing', () => {
    const long = positionFromFills([{ side: 'BUY', quantity: 10, price: rs(400) }]);
    const t = terms({ side: 'SELL', product: 'CNC', quantity: 10, price: rs(415) });
    const { basis, amount } = orderReservation(t, { ltp: rs(415), sellableQuantity: 10 });
    expect(amount).toBe(0n);
    const s = settleFill({
      book: walletBook(U),
      reference: 'trade-5',
      order: newOrder(t),
      basis,
      fill: { quantity: 10, price: rs(415) },
      position: long,
    });
    expect(s.transactions.map((tx) => tx.type)).toEqual(['SETTLE']);
    expect(net(s.transactions).held).toBe(0n);
  });
});

// A user trades one instrument in one product: orders are placed (HOLD), filled in pieces at
// any price (settleFill) and cancelled (RELEASE). After every step the ledger invariants (docs/domain.md, "Ledger") hold:
//  2. held = the reservations of the open orders + the margin of the open short, exactly;
//  3. cash + held = deposits − fees − taxes + realized P&L − cost of the open position.
type Op =
  | { kind: 'place'; side: 'BUY' | 'SELL'; market: boolean; quantity: number; price: number }
  | { kind: 'fill'; pick: number; quantity: number; price: number }
  | { kind: 'cancel'; pick: number };
const priceArb = fc.integer({ min: 1_800, max: 2_200 }).map((k) => k * 500); // ₹90–₹110 on a 5-paise tick
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('place' as const),
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    market: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 60 }),
    price: priceArb,
  }),
  fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), quantity: fc.integer({ min: 1, max: 60 }), price: priceArb }),
  fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), quantity: fc.integer({ min: 1, max: 60 }), price: priceArb }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
);

describe('property: ledger invariants 2 and 3 through orders, fills and cancellations', () => {
  it('hold', () => {
    fc.assert(
      fc.property(fc.constantFrom<Product>('MIS', 'NRML', 'CNC'), fc.array(opArb, { maxLength: 60 }), (product, ops) => {
        const DEPOSIT = 1_000_000_000_000n;
        let wallet: WalletBalances = applyToWallet({ cash: 0n, held: 0n }, depositTx(walletBook(U), DEPOSIT, 'dep'));
        let position: Position = FLAT_POSITION;
        let open: { order: OrderState; basis: ReservationBasis }[] = [];
        let charges = 0n;
        let n = 0;
        const post = (txs: readonly Parameters<typeof applyToWallet>[1][]) => {
          for (const tx of txs) wallet = applyToWallet(wallet, tx);
        };
        for (const op of ops) {
          n += 1;
          if (op.kind === 'place') {
            const t = terms({
              side: op.side,
              product,
              quantity: op.quantity,
              type: op.market ? 'MARKET' : 'LIMIT',
              price: op.market ? null : op.price,
            });
            const selling = open.filter((o) => o.order.side === 'SELL').reduce((a, o) => a + remainingQuantity(o.order), 0);
            let r;
            try {
              r = orderReservation(t, { ltp: op.price, sellableQuantity: Math.max(0, position.netQuantity - selling) });
            } catch (e) {
              expect(product).toBe('CNC'); // only a CNC short is refused
              expect((e as DomainError).code).toBe('VALIDATION_FAILED');
              continue;
            }
            if (r.amount > 0n) post([holdTx(walletBook(U), r.amount, `o${n}`)]);
            open.push({ order: newOrder(t), basis: r.basis });
          } else if (open.length > 0) {
            const i = op.pick % open.length;
            const { order, basis } = open[i]!;
            if (op.kind === 'cancel') {
              const rest = reservationFor(basis, remainingQuantity(order), order.filledValue);
              if (rest > 0n) post([releaseTx(walletBook(U), rest, `c${n}`)]);
              open.splice(i, 1);
            } else {
              const quantity = Math.min(op.quantity, remainingQuantity(order));
              const s = settleFill({
                book: walletBook(U),
                reference: `t${n}`,
                order,
                basis,
                fill: { quantity, price: op.price },
                position,
              });
              post(s.transactions);
              charges += s.charges.total;
              expect(s.position).toEqual(applyFillToPosition(position, order.side, quantity, op.price));
              position = s.position;
              const next = applyOrderEvent(order, { type: 'FILL', fill: { id: `t${n}`, quantity, price: op.price } });
              open = next.status === 'FILLED' ? open.filter((_, k) => k !== i) : open.map((o, k) => (k === i ? { order: next, basis } : o));
            }
          }
          if (product === 'CNC') expect(position.netQuantity).toBeGreaterThanOrEqual(0);
          const reserved = open.reduce((a, o) => a + reservationFor(o.basis, remainingQuantity(o.order), o.order.filledValue), 0n);
          expect(wallet.held).toBe(reserved + shortMargin(position, product));
          // Prices are whole paise, so the trades' cash flow (realized − open cost) is too.
          expect(wallet.cash + wallet.held).toBe(DEPOSIT - charges + (realizedPnl(position) - openCost(position)) / 100n);
        }
      }),
      { numRuns: 300 },
    );
  });
});
