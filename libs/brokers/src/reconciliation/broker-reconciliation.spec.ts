import type { BrokerReportStatus, OrderStatus, Product } from '@tradeloop/domain';
import {
  asBrokerOrderId,
  asBrokerTradeId,
  brokerNetQuantities,
  comparedStatus,
  heldQuantity,
  fillsCashFlow,
  openingHoldingsBaseline,
  reconcileAccount,
  reportedCash,
  RECONCILIATION_DIFFERENCE_KINDS,
  type BrokerHolding,
  type BrokerOrder,
  type BrokerPosition,
  type BrokerTrade,
  type OurOrder,
  type ReconciliationInput,
} from '..';

const ORDER_A = '0190c5e2-7a7e-7c2b-9d3f-00000000000a';
const ORDER_B = '0190c5e2-7a7e-7c2b-9d3f-00000000000b';

const ours = (over: Partial<OurOrder> & { orderId: string }): OurOrder => ({
  tag: `tag${over.orderId.slice(-1).toUpperCase()}`,
  brokerOrderIds: [`K${over.orderId.slice(-1).toUpperCase()}`],
  status: 'FILLED' as OrderStatus,
  quantity: 10,
  filledQuantity: 10,
  tradedQuantity: 10,
  ...over,
});

const brokerOrder = (over: Omit<Partial<BrokerOrder>, 'brokerOrderId'> & { brokerOrderId: string }): BrokerOrder => ({
  parentBrokerOrderId: null,
  tag: null,
  instrument: { exchange: 'NSE', symbol: 'INFY' },
  side: 'BUY',
  type: 'MARKET',
  product: 'MIS',
  validity: 'DAY',
  quantity: 10,
  price: null,
  triggerPrice: null,
  rawStatus: 'COMPLETE',
  placedAt: 0,
  updatedAt: 0,
  status: 'FILLED' as BrokerReportStatus,
  filledQuantity: 10,
  averagePrice: 15_000_000,
  ...over,
  brokerOrderId: asBrokerOrderId(over.brokerOrderId),
});

const trade = (brokerOrderId: string, quantity: number, id = `${brokerOrderId}-t${quantity}`): BrokerTrade => ({
  tradeId: asBrokerTradeId(id),
  brokerOrderId: asBrokerOrderId(brokerOrderId),
  instrument: { exchange: 'NSE', symbol: 'INFY' },
  side: 'BUY',
  product: 'MIS',
  quantity,
  price: 15_000_000,
  ts: 0,
});

const position = (symbol: string, product: Product, netQuantity: number): BrokerPosition => ({
  instrument: { exchange: 'NSE', symbol },
  product,
  netQuantity,
  averagePrice: null,
  lastPrice: null,
  realisedPnl: 0n,
});

/** One filled buy of 10 INFY, identical on both sides, cash in agreement. */
function matching(): ReconciliationInput {
  return {
    orders: [ours({ orderId: ORDER_A })],
    positions: [{ symbol: 'INFY', product: 'MIS', netQuantity: 10 }],
    cash: { previousMirror: 1_000_000n, flow: { buys: 15_000n, sells: 0n }, tolerance: 100n },
    broker: {
      orders: [brokerOrder({ brokerOrderId: 'KA', tag: 'tagA' })],
      trades: [trade('KA', 4), trade('KA', 6)],
      positions: [position('INFY', 'MIS', 10)],
      holdings: [],
      funds: { availableCash: 900_000n, usedMargin: 85_000n },
    },
  };
}

const kinds = (input: ReconciliationInput) => reconcileAccount(input).differences.map((d) => `${d.kind} ${d.subject}`);

describe('reconcileAccount', () => {
  it('finds nothing when both books agree, and reports the broker total cash and the counts', () => {
    const r = reconcileAccount(matching());
    expect(r.differences).toEqual([]);
    expect(r.reportedCash).toBe(985_000n);
    expect(r.counts).toEqual({ orders: 1, brokerOrders: 1, trades: 2, positions: 1, holdings: 0 });
  });

  it('names an order we sent that the broker does not hold', () => {
    const input = matching();
    const r = reconcileAccount({ ...input, broker: { ...input.broker, orders: [], trades: [] } });
    expect(r.differences).toContainEqual({
      kind: 'ORDER_MISSING_AT_BROKER',
      severity: 'discrepancy',
      subject: ORDER_A,
      orderId: ORDER_A,
      brokerOrderIds: ['KA'],
      status: 'FILLED',
    });
  });

  it('ignores an order never sent (no broker id, none with its tag)', () => {
    const input = matching();
    expect(
      kinds({
        ...input,
        orders: [...input.orders, ours({ orderId: ORDER_B, brokerOrderIds: [], status: 'REJECTED', filledQuantity: 0, tradedQuantity: 0 })],
      }),
    ).toEqual([]);
  });

  it('names a broker order that carries our tag but whose id we never recorded, and compares it as ours', () => {
    const input = matching();
    const r = reconcileAccount({ ...input, orders: [ours({ orderId: ORDER_A, brokerOrderIds: [] })] });
    expect(r.differences).toEqual([
      {
        kind: 'BROKER_ORDER_NOT_RECORDED',
        severity: 'discrepancy',
        subject: `${ORDER_A}:KA`,
        orderId: ORDER_A,
        brokerOrderId: 'KA',
        matchedBy: 'tag',
      },
    ]);
  });

  it('matches an autoslice child by its parent and combines the slices', () => {
    const input = matching();
    const r = reconcileAccount({
      ...input,
      orders: [ours({ orderId: ORDER_A, tag: null, brokerOrderIds: ['KA'] })],
      broker: {
        ...input.broker,
        orders: [
          brokerOrder({ brokerOrderId: 'KA', quantity: 6, filledQuantity: 6 }),
          brokerOrder({ brokerOrderId: 'KA2', parentBrokerOrderId: asBrokerOrderId('KA'), quantity: 4, filledQuantity: 4 }),
        ],
        trades: [trade('KA', 6), trade('KA2', 4)],
      },
    });
    expect(r.differences.map((d) => d.kind)).toEqual(['BROKER_ORDER_NOT_RECORDED']);
    expect(r.differences[0]).toMatchObject({ brokerOrderId: 'KA2', matchedBy: 'parent' });
  });

  it('combines recorded slices into one status and filled quantity', () => {
    const input = matching();
    const r = reconcileAccount({
      ...input,
      orders: [ours({ orderId: ORDER_A, brokerOrderIds: ['KA', 'KA2'], status: 'PARTIALLY_FILLED', filledQuantity: 6, tradedQuantity: 6 })],
      broker: {
        ...input.broker,
        orders: [
          brokerOrder({ brokerOrderId: 'KA', quantity: 6, filledQuantity: 6 }),
          brokerOrder({ brokerOrderId: 'KA2', quantity: 4, filledQuantity: 0, status: 'OPEN', averagePrice: null }),
        ],
        trades: [trade('KA', 6)],
        positions: [position('INFY', 'MIS', 6)],
      },
      positions: [{ symbol: 'INFY', product: 'MIS', netQuantity: 6 }],
    });
    expect(r.differences).toEqual([]);
  });

  it('reports an order placed outside the platform as information', () => {
    const input = matching();
    const r = reconcileAccount({
      ...input,
      broker: {
        ...input.broker,
        orders: [
          ...input.broker.orders,
          brokerOrder({ brokerOrderId: 'KX', tag: 'manual', side: 'SELL', status: 'OPEN', filledQuantity: 0 }),
        ],
      },
    });
    expect(r.differences).toEqual([
      {
        kind: 'EXTERNAL_ORDER',
        severity: 'info',
        subject: 'KX',
        brokerOrderId: 'KX',
        tag: 'manual',
        symbol: 'INFY',
        side: 'SELL',
        quantity: 10,
        filledQuantity: 0,
        status: 'WORKING',
      },
    ]);
  });

  it('compares statuses by class: working steps agree, terminal ones must be equal', () => {
    const input = matching();
    const working = reconcileAccount({
      ...input,
      orders: [ours({ orderId: ORDER_A, status: 'TRIGGER_PENDING', filledQuantity: 0, tradedQuantity: 0 })],
      broker: {
        ...input.broker,
        orders: [brokerOrder({ brokerOrderId: 'KA', status: 'OPEN', filledQuantity: 0, averagePrice: null })],
        trades: [],
        positions: [],
      },
      positions: [],
    });
    expect(working.differences).toEqual([]);
    const differ = reconcileAccount({
      ...input,
      orders: [ours({ orderId: ORDER_A, status: 'CANCELLED', filledQuantity: 0, tradedQuantity: 0 })],
      broker: {
        ...input.broker,
        orders: [brokerOrder({ brokerOrderId: 'KA', status: 'OPEN', filledQuantity: 0, averagePrice: null })],
        trades: [],
        positions: [],
      },
      positions: [],
    });
    expect(differ.differences).toEqual([
      { kind: 'STATUS_MISMATCH', severity: 'discrepancy', subject: ORDER_A, orderId: ORDER_A, ours: 'CANCELLED', broker: 'WORKING' },
    ]);
  });

  it('names a fill our books missed: filled quantity, trades and position each differ', () => {
    const input = matching();
    const r = reconcileAccount({
      ...input,
      orders: [ours({ orderId: ORDER_A, status: 'OPEN', filledQuantity: 0, tradedQuantity: 0 })],
      positions: [],
    });
    expect(r.differences).toEqual([
      { kind: 'STATUS_MISMATCH', severity: 'discrepancy', subject: ORDER_A, orderId: ORDER_A, ours: 'WORKING', broker: 'FILLED' },
      { kind: 'FILLED_QUANTITY_MISMATCH', severity: 'discrepancy', subject: ORDER_A, orderId: ORDER_A, ours: 0, broker: 10 },
      { kind: 'TRADES_QUANTITY_MISMATCH', severity: 'discrepancy', subject: ORDER_A, orderId: ORDER_A, ours: 0, broker: 10 },
      { kind: 'POSITION_MISMATCH', severity: 'discrepancy', subject: 'INFY:MIS', symbol: 'INFY', product: 'MIS', ours: 0, broker: 10 },
    ]);
  });

  it('compares trades per order even when the order itself agrees', () => {
    const input = matching();
    const r = reconcileAccount({ ...input, broker: { ...input.broker, trades: [trade('KA', 4)] } });
    expect(r.differences).toEqual([
      { kind: 'TRADES_QUANTITY_MISMATCH', severity: 'discrepancy', subject: ORDER_A, orderId: ORDER_A, ours: 10, broker: 4 },
    ]);
  });

  it('sums our positions over users and compares per (symbol, product), flat on one side counting as zero', () => {
    const input = matching();
    const r = reconcileAccount({
      ...input,
      positions: [
        { symbol: 'INFY', product: 'MIS', netQuantity: 4 },
        { symbol: 'INFY', product: 'MIS', netQuantity: 6 },
        { symbol: 'TCS', product: 'CNC', netQuantity: -5 },
        { symbol: 'SBIN', product: 'NRML', netQuantity: 0 },
      ],
      broker: { ...input.broker, positions: [position('INFY', 'MIS', 10), position('INFY', 'CNC', 3), position('SBIN', 'NRML', 0)] },
    });
    expect(r.differences).toEqual([
      { kind: 'POSITION_MISMATCH', severity: 'discrepancy', subject: 'INFY:CNC', symbol: 'INFY', product: 'CNC', ours: 0, broker: 3 },
      { kind: 'POSITION_MISMATCH', severity: 'discrepancy', subject: 'TCS:CNC', symbol: 'TCS', product: 'CNC', ours: -5, broker: 0 },
    ]);
  });

  it('accepts a cash difference up to the tolerance either way, and names one beyond it', () => {
    const input = matching();
    const at = (availableCash: bigint) =>
      reconcileAccount({ ...input, broker: { ...input.broker, funds: { availableCash, usedMargin: 85_000n } } });
    expect(at(900_100n).differences).toEqual([]);
    expect(at(899_900n).differences).toEqual([]);
    expect(at(900_101n).differences).toEqual([
      {
        kind: 'CASH_MISMATCH',
        severity: 'discrepancy',
        subject: 'cash',
        previousMirror: 1_000_000n,
        expectedFlow: -15_000n,
        expected: 985_000n,
        reported: 985_101n,
        difference: 101n,
        tolerance: 100n,
      },
    ]);
    expect(at(899_899n).differences).toMatchObject([{ kind: 'CASH_MISMATCH', difference: -101n }]);
  });

  it('has no cash case on the first run: the mirror starts at the broker cash', () => {
    const input = matching();
    const r = reconcileAccount({
      ...input,
      cash: { ...input.cash, previousMirror: null },
      broker: { ...input.broker, funds: { availableCash: 1n, usedMargin: 0n } },
    });
    expect(r.differences).toEqual([]);
    expect(r.reportedCash).toBe(1n);
  });

  it('lists differences by kind, then subject, whatever the input order', () => {
    const input = matching();
    const broker = {
      ...input.broker,
      orders: [
        brokerOrder({ brokerOrderId: 'KZ', status: 'OPEN', filledQuantity: 0, averagePrice: null }),
        brokerOrder({ brokerOrderId: 'KY', status: 'OPEN', filledQuantity: 0, averagePrice: null }),
      ],
      trades: [],
      funds: { availableCash: 0n, usedMargin: 0n },
    };
    const orders = [ours({ orderId: ORDER_B }), ours({ orderId: ORDER_A })];
    const first = kinds({ ...input, orders, broker });
    const second = kinds({ ...input, orders: [...orders].reverse(), broker: { ...broker, orders: [...broker.orders].reverse() } });
    expect(first).toEqual(second);
    expect(first).toEqual([
      `ORDER_MISSING_AT_BROKER ${ORDER_A}`,
      `ORDER_MISSING_AT_BROKER ${ORDER_B}`,
      'CASH_MISMATCH cash',
      'EXTERNAL_ORDER KY',
      'EXTERNAL_ORDER KZ',
    ]);
    const order = first.map((k) => RECONCILIATION_DIFFERENCE_KINDS.indexOf(k.split(' ')[0] as never));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});

describe('reconciliation helpers', () => {
  it('normalises statuses to classes', () => {
    expect(['PENDING', 'PENDING_SUBMIT', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED', 'UNKNOWN'].map(comparedStatus)).toEqual(
      Array(6).fill('WORKING'),
    );
    expect(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'].map(comparedStatus)).toEqual(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);
  });

  it('takes the total cash as available plus used', () => {
    expect(reportedCash({ availableCash: 12_345n, usedMargin: 655n })).toBe(13_000n);
  });

  it('computes the fills cash flow in paise, half-up per fill, buys out and sells in', () => {
    expect(fillsCashFlow([])).toEqual({ buys: 0n, sells: 0n });
    // 10 × ₹1,500.0000 = ₹15,000 out; 3 × ₹100.0050 = ₹300.015 → 30,002 paise (half-up) in.
    expect(
      fillsCashFlow([
        { side: 'BUY', quantity: 10, price: 15_000_000 },
        { side: 'SELL', quantity: 3, price: 1_000_050 },
      ]),
    ).toEqual({ buys: 1_500_000n, sells: 30_002n });
  });

  it('explains the cash with buys and sells both: the net flow is what is compared', () => {
    const input = matching();
    // ₹150 bought and ₹50 sold since the mirror: 1,000,000 − 15,000 + 5,000 = 990,000 expected.
    const r = reconcileAccount({ ...input, cash: { ...input.cash, flow: { buys: 15_000n, sells: 5_000n } } });
    expect(r.differences).toMatchObject([{ kind: 'CASH_MISMATCH', expectedFlow: -10_000n, expected: 990_000n, difference: -5_000n }]);
    const agrees = reconcileAccount({
      ...input,
      cash: { ...input.cash, flow: { buys: 15_000n, sells: 5_000n } },
      broker: { ...input.broker, funds: { availableCash: 905_000n, usedMargin: 85_000n } },
    });
    expect(agrees.differences).toEqual([]);
  });
});

const holding = (symbol: string, quantity: number, t1Quantity: number | null, usedQuantity: number | null = 0): BrokerHolding => ({
  instrument: { exchange: 'NSE', symbol },
  quantity,
  t1Quantity,
  usedQuantity,
  averagePrice: 15_000_000,
  lastPrice: 15_100_000,
  pnl: 0n,
});

/**
 * Holdings folded into the broker's CNC quantity (docs/brokers.md 4.12): the broker's CNC = today's
 * CNC position net + every holding's settled and T1 quantity, nothing subtracted for a sale today.
 * Our side is our CNC position, which never moves to holdings.
 */
describe('reconcileAccount: delivery holdings', () => {
  /** No orders today; our CNC net and the broker's day positions and holdings as given. */
  const day = (ourCnc: number, brokerPositions: BrokerPosition[], holdings: BrokerHolding[]): ReconciliationInput => {
    const input = matching();
    return {
      ...input,
      orders: [],
      positions: [{ symbol: 'INFY', product: 'CNC', netQuantity: ourCnc }],
      broker: { ...input.broker, orders: [], trades: [], positions: brokerPositions, holdings },
    };
  };
  const positionCases = (input: ReconciliationInput) => reconcileAccount(input).differences.filter((d) => d.kind === 'POSITION_MISMATCH');

  it('bought yesterday: the position moved to T1 holdings, no difference', () => {
    expect(positionCases(day(10, [], [holding('INFY', 0, 10)]))).toEqual([]);
  });

  it('bought two days ago: settled, no difference', () => {
    expect(positionCases(day(10, [], [holding('INFY', 10, 0)]))).toEqual([]);
  });

  it('bought yesterday and more today: today’s CNC position plus the T1 holding', () => {
    expect(positionCases(day(15, [position('INFY', 'CNC', 5)], [holding('INFY', 0, 10)]))).toEqual([]);
  });

  it('sold part of a holding today: the negative day position counts, the holding’s used quantity is not taken off again', () => {
    const input = day(6, [position('INFY', 'CNC', -4)], [holding('INFY', 10, 0, 4)]);
    expect(positionCases(input)).toEqual([]);
    // Were used_quantity subtracted as well, the broker would be at 2: the rule must not.
    expect(positionCases({ ...input, positions: [{ symbol: 'INFY', product: 'CNC', netQuantity: 2 }] })).toEqual([
      expect.objectContaining({ ours: 2, broker: 6, brokerHoldings: 10 }),
    ]);
  });

  it('sold all of a holding today: flat on both sides', () => {
    expect(positionCases(day(0, [position('INFY', 'CNC', -10)], [holding('INFY', 10, 0, 10)]))).toEqual([]);
  });

  it('T1 and settled quantities of one holding add up; a T1 sold today too', () => {
    expect(positionCases(day(10, [], [holding('INFY', 7, 3)]))).toEqual([]);
    expect(positionCases(day(8, [position('INFY', 'CNC', -2)], [holding('INFY', 7, 3, 2)]))).toEqual([]);
  });

  it('a broker without a T1 figure (OpenAlgo): its one quantity is the holding', () => {
    expect(heldQuantity(holding('INFY', 10, null, null))).toBe(10);
    expect(positionCases(day(10, [], [holding('INFY', 10, null, null)]))).toEqual([]);
  });

  it('a real difference is still raised, naming the holdings part of the broker’s quantity', () => {
    // A fill we never recorded yesterday: the broker holds 12, we 10.
    expect(positionCases(day(10, [], [holding('INFY', 0, 12)]))).toEqual([
      {
        kind: 'POSITION_MISMATCH',
        severity: 'discrepancy',
        subject: 'INFY:CNC',
        symbol: 'INFY',
        product: 'CNC',
        ours: 10,
        broker: 12,
        brokerHoldings: 12,
      },
    ]);
    // A sale at the broker we never saw: today's -3 against the holding of 10.
    expect(positionCases(day(10, [position('INFY', 'CNC', -3)], [holding('INFY', 10, 0, 3)]))).toEqual([
      expect.objectContaining({ subject: 'INFY:CNC', ours: 10, broker: 7, brokerHoldings: 10 }),
    ]);
    // Shares held at the broker that our books never had (bought outside the platform).
    expect(positionCases(day(0, [], [holding('TCS', 5, 0)])).map((d) => [d.subject, d.ours, d.broker])).toEqual([['TCS:CNC', 0, 5]]);
    // Our carried position with no holding at the broker.
    expect(positionCases(day(10, [], []))).toEqual([expect.objectContaining({ subject: 'INFY:CNC', ours: 10, broker: 0 })]);
    expect(positionCases(day(10, [], []))[0]).not.toHaveProperty('brokerHoldings');
  });

  it('holdings are CNC only: MIS and NRML compare positions alone', () => {
    const input = day(10, [position('INFY', 'MIS', 4), position('INFY', 'NRML', 1)], [holding('INFY', 10, 0)]);
    expect(positionCases(input)).toEqual([
      expect.objectContaining({ subject: 'INFY:MIS', ours: 0, broker: 4 }),
      expect.objectContaining({ subject: 'INFY:NRML', ours: 0, broker: 1 }),
    ]);
  });

  it('several holding rows of one symbol add up; the counts name the holdings read', () => {
    const input = day(13, [], [holding('INFY', 10, 0), holding('INFY', 2, 1)]);
    expect(positionCases(input)).toEqual([]);
    expect(reconcileAccount(input).counts).toMatchObject({ positions: 1, holdings: 2 });
  });

  it('brokerNetQuantities: positions and holdings per (symbol, product), in subject order', () => {
    expect(
      brokerNetQuantities(
        [position('TCS', 'MIS', 3), position('INFY', 'CNC', -4), position('INFY', 'NRML', 0)],
        [holding('INFY', 10, 2, 4), holding('SBIN', 0, 5)],
      ),
    ).toEqual([
      { symbol: 'INFY', product: 'CNC', quantity: 8, holdings: 12 },
      { symbol: 'INFY', product: 'NRML', quantity: 0, holdings: null },
      { symbol: 'SBIN', product: 'CNC', quantity: 5, holdings: 5 },
      { symbol: 'TCS', product: 'MIS', quantity: 3, holdings: null },
    ]);
  });
});

/**
 * The opening holdings baseline (docs/brokers.md 4.12): shares the account held at the broker before
 * the platform, captured once, added to our CNC side so they are never a difference, while any later
 * change the platform did not make still is.
 */
describe('reconcileAccount: the opening holdings baseline', () => {
  /** No orders today; our CNC net, the baseline, the broker's day positions and holdings as given. */
  const day = (
    ourCnc: number,
    baseline: { symbol: string; quantity: number }[],
    brokerPositions: BrokerPosition[],
    holdings: BrokerHolding[],
  ): ReconciliationInput => {
    const input = matching();
    return {
      ...input,
      orders: [],
      positions: ourCnc === 0 ? [] : [{ symbol: 'INFY', product: 'CNC', netQuantity: ourCnc }],
      broker: { ...input.broker, orders: [], trades: [], positions: brokerPositions, holdings },
      baseline,
    };
  };
  const positionCases = (input: ReconciliationInput) => reconcileAccount(input).differences.filter((d) => d.kind === 'POSITION_MISMATCH');
  const INFY_10 = [{ symbol: 'INFY', quantity: 10 }];

  it('baseline only: shares held before the platform are no difference, today or any later day', () => {
    expect(positionCases(day(0, INFY_10, [], [holding('INFY', 10, 0)]))).toEqual([]);
    // Without the baseline the same books are the daily false case it removes.
    expect(positionCases(day(0, [], [], [holding('INFY', 10, 0)]))).toEqual([
      expect.objectContaining({ subject: 'INFY:CNC', ours: 0, broker: 10, brokerHoldings: 10 }),
    ]);
  });

  it('baseline plus platform buys: today’s buy as the day position, then as T1, then settled', () => {
    expect(positionCases(day(5, INFY_10, [position('INFY', 'CNC', 5)], [holding('INFY', 10, 0)]))).toEqual([]);
    expect(positionCases(day(5, INFY_10, [], [holding('INFY', 10, 5)]))).toEqual([]);
    expect(positionCases(day(5, INFY_10, [], [holding('INFY', 15, 0)]))).toEqual([]);
  });

  it('baseline partly sold through the platform: our negative CNC net plus the baseline is what is left', () => {
    // Today: the sale is the broker's negative day position; the holding still lists 10 (4 used).
    expect(positionCases(day(-4, INFY_10, [position('INFY', 'CNC', -4)], [holding('INFY', 10, 0, 4)]))).toEqual([]);
    // The next day: 6 settled.
    expect(positionCases(day(-4, INFY_10, [], [holding('INFY', 6, 0)]))).toEqual([]);
    // All of it: flat at the broker, our -10 against a baseline of 10.
    expect(positionCases(day(-10, INFY_10, [], []))).toEqual([]);
  });

  it('a real difference is still caught, naming the baseline beside ours', () => {
    // A sale at the broker outside the platform, against the baseline.
    expect(positionCases(day(0, INFY_10, [position('INFY', 'CNC', -3)], [holding('INFY', 10, 0, 3)]))).toEqual([
      {
        kind: 'POSITION_MISMATCH',
        severity: 'discrepancy',
        subject: 'INFY:CNC',
        symbol: 'INFY',
        product: 'CNC',
        ours: 0,
        openingHoldings: 10,
        broker: 7,
        brokerHoldings: 10,
      },
    ]);
    // Shares arriving later (bought elsewhere, transferred in): not in the baseline.
    expect(positionCases(day(0, INFY_10, [], [holding('INFY', 12, 0)]))).toEqual([
      expect.objectContaining({ ours: 0, openingHoldings: 10, broker: 12 }),
    ]);
    // The baseline gone from the broker altogether.
    expect(positionCases(day(0, INFY_10, [], []))).toEqual([expect.objectContaining({ ours: 0, openingHoldings: 10, broker: 0 })]);
    expect(positionCases(day(0, INFY_10, [], []))[0]).not.toHaveProperty('brokerHoldings');
  });

  it('the baseline is CNC only: an intraday position of the symbol compares on its own', () => {
    expect(positionCases(day(0, INFY_10, [position('INFY', 'MIS', 2)], [holding('INFY', 10, 0)]))).toEqual([
      expect.objectContaining({ subject: 'INFY:MIS', ours: 0, broker: 2 }),
    ]);
    expect(positionCases(day(0, INFY_10, [position('INFY', 'MIS', 2)], [holding('INFY', 10, 0)]))[0]).not.toHaveProperty('openingHoldings');
  });

  const cnc = (symbol: string, netQuantity: number) => ({ symbol, product: 'CNC' as Product, netQuantity });

  it('captures what makes the broker’s CNC figure and ours agree, for the symbols it holds, never negative, in symbol order', () => {
    // A new account: every share held is the baseline (T1 counts; OpenAlgo has one quantity).
    expect(openingHoldingsBaseline([], [holding('TCS', 5, 0), holding('INFY', 8, 2), holding('SBIN', 4, null, null)], [])).toEqual([
      { symbol: 'INFY', quantity: 10 },
      { symbol: 'SBIN', quantity: 4 },
      { symbol: 'TCS', quantity: 5 },
    ]);
    // The platform bought 3 INFY on an earlier day (now T1 at the broker): not part of the baseline.
    expect(openingHoldingsBaseline([], [holding('INFY', 10, 3)], [cnc('INFY', 3)])).toEqual(INFY_10);
    // ... or today (still the broker's day position); an intraday position of ours does not count.
    expect(
      openingHoldingsBaseline(
        [position('INFY', 'CNC', 3), position('INFY', 'MIS', 2)],
        [holding('INFY', 10, 0)],
        [cnc('INFY', 3), { symbol: 'INFY', product: 'MIS', netQuantity: 2 }],
      ),
    ).toEqual(INFY_10);
    // The platform sold 3 of the baseline earlier, or today: the baseline is still what was there before it.
    expect(openingHoldingsBaseline([], [holding('INFY', 7, 0)], [cnc('INFY', -3)])).toEqual(INFY_10);
    expect(openingHoldingsBaseline([position('INFY', 'CNC', -3)], [holding('INFY', 10, 0, 3)], [cnc('INFY', -3)])).toEqual(INFY_10);
    // ... all of it, the holding gone: ours alone says what was there.
    expect(openingHoldingsBaseline([], [], [cnc('INFY', -10)])).toEqual(INFY_10);
    // Everything held is the platform's, or less than it bought (a real difference, left to flag): none.
    expect(openingHoldingsBaseline([], [holding('INFY', 0, 3)], [cnc('INFY', 3)])).toEqual([]);
    expect(openingHoldingsBaseline([], [holding('INFY', 2, 0)], [cnc('INFY', 3)])).toEqual([]);
    // Our carried positions of symbols the broker does not hold, and its day positions without a holding, add nothing.
    expect(openingHoldingsBaseline([position('TCS', 'CNC', 5)], [], [cnc('INFY', 3)])).toEqual([]);
  });

  it('re-capture: after a real difference is understood, the new baseline absorbs it and later days compare against it', () => {
    // Someone sold 3 of the 10 outside the platform today: a case until compliance re-captures.
    const sold = day(0, INFY_10, [position('INFY', 'CNC', -3)], [holding('INFY', 10, 0, 3)]);
    expect(positionCases(sold)).toHaveLength(1);
    const recaptured = openingHoldingsBaseline(sold.broker.positions, sold.broker.holdings, sold.positions);
    expect(recaptured).toEqual([{ symbol: 'INFY', quantity: 7 }]);
    expect(positionCases({ ...sold, baseline: recaptured })).toEqual([]);
    // The next day the sale has come off the holding: still agreed.
    expect(positionCases(day(0, recaptured, [], [holding('INFY', 7, 0)]))).toEqual([]);
    // Re-captured after platform trades: those stay ours, only the rest is the baseline.
    const after = openingHoldingsBaseline([], [holding('INFY', 9, 2)], [cnc('INFY', 2)]);
    expect(after).toEqual([{ symbol: 'INFY', quantity: 9 }]);
    expect(positionCases(day(2, after, [], [holding('INFY', 9, 2)]))).toEqual([]);
    // And a later sale outside the platform is a case again.
    expect(positionCases(day(2, after, [position('INFY', 'CNC', -1)], [holding('INFY', 9, 2, 1)]))).toEqual([
      expect.objectContaining({ ours: 2, openingHoldings: 9, broker: 10 }),
    ]);
  });
});
