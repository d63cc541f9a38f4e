import { applyBrokerUpdate, applyOrderEvent, newOrder, type OrderState } from '@tradeloop/domain';
import { combinedSliceReport, isNewerSliceReport, mergeSliceReport, type SliceBook, type SliceReportInput } from './slice-book';

const r = (
  status: SliceReportInput['status'],
  filledQuantity: number,
  averagePrice: number | null,
  updatedAt: number,
): SliceReportInput => ({
  status,
  filledQuantity,
  averagePrice,
  updatedAt,
});

describe('slice book', () => {
  it('takes a first report, then only reports that say more', () => {
    let book: SliceBook = {};
    ({ book } = mergeSliceReport(book, 'a', r('OPEN', 0, null, 1)));
    expect(book['a']!.status).toBe('OPEN');
    // More filled wins even when it is timestamped earlier (two channels, clocks differ).
    expect(mergeSliceReport(book, 'a', r('PARTIALLY_FILLED', 10, 1000, 0)).changed).toBe(true);
    ({ book } = mergeSliceReport(book, 'a', r('PARTIALLY_FILLED', 10, 1000, 2)));
    // Less filled is older.
    expect(mergeSliceReport(book, 'a', r('OPEN', 0, null, 3)).changed).toBe(false);
    // The same report again changes nothing.
    expect(mergeSliceReport(book, 'a', r('PARTIALLY_FILLED', 10, 1000, 2)).changed).toBe(false);
    ({ book } = mergeSliceReport(book, 'a', r('CANCELLED', 10, 1000, 4)));
    // Terminal is final at the same fill, whatever its timestamp says.
    expect(mergeSliceReport(book, 'a', r('OPEN', 10, 1000, 9)).changed).toBe(false);
    expect(book['a']).toMatchObject({ status: 'CANCELLED', filledQuantity: 10, averagePrice: 1000 });
  });

  it('between working states the later report wins, and a terminal one beats a working one', () => {
    const book: SliceBook = {
      a: { status: 'TRIGGER_PENDING', filledQuantity: 0, averagePrice: null, averagePriceStep: 1, rejectReason: null, updatedAt: 5 },
    };
    expect(isNewerSliceReport(book['a'], r('OPEN', 0, null, 4))).toBe(false);
    expect(isNewerSliceReport(book['a'], r('OPEN', 0, null, 6))).toBe(true);
    expect(isNewerSliceReport(book['a'], r('REJECTED', 0, null, 1))).toBe(true);
  });

  it('combines: a slice not heard from yet keeps the order working', () => {
    const book: SliceBook = {
      a: { status: 'FILLED', filledQuantity: 900, averagePrice: 10_000, averagePriceStep: 1, rejectReason: null, updatedAt: 1 },
    };
    const c = combinedSliceReport(1800, ['a', 'b'], book);
    expect(c.status).not.toBe('FILLED');
    expect(c.filledQuantity).toBe(900);
    const done = combinedSliceReport(1800, ['a', 'b'], {
      ...book,
      b: { status: 'FILLED', filledQuantity: 900, averagePrice: 10_002, averagePriceStep: 1, rejectReason: null, updatedAt: 2 },
    });
    expect(done).toMatchObject({ status: 'FILLED', filledQuantity: 1800, averagePrice: 10_001 });
  });

  it('applied through applyBrokerUpdate, two slices filling one after the other give two fills that sum to the order', () => {
    let order: OrderState = applyOrderEvent(
      newOrder({ side: 'BUY', type: 'MARKET', product: 'NRML', validity: 'DAY', quantity: 1800, price: null, triggerPrice: null }),
      { type: 'OPENED' },
    );
    let book: SliceBook = {};
    const fills: { quantity: number; price: number }[] = [];
    const feed = (id: string, rep: SliceReportInput) => {
      const m = mergeSliceReport(book, id, rep);
      book = m.book;
      const res = applyBrokerUpdate(order, combinedSliceReport(1800, ['a', 'b'], book));
      if (res.fill) fills.push({ quantity: res.fill.quantity, price: res.fill.price });
      order = res.order;
    };
    feed('a', r('FILLED', 900, 10_000, 1));
    // Before the fix a slice's cumulative 900 was read as the whole order's: here it must not refill.
    feed('a', r('FILLED', 900, 10_000, 1));
    feed('b', r('PARTIALLY_FILLED', 300, 10_010, 2));
    feed('b', r('FILLED', 900, 10_004, 3));
    expect(fills.reduce((s, f) => s + f.quantity, 0)).toBe(1800);
    expect(order.status).toBe('FILLED');
    // Value filled = 900·10000 + 900·10004 exactly (the combined average is exact here).
    expect(order.filledValue).toBe(900n * 10_000n + 900n * 10_004n);
  });
});
