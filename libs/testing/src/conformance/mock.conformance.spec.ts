import {
  InMemoryMockBrokerStore,
  MockBroker,
  toBrokerOrder,
  toBrokerTrade,
  type BrokerPosition,
  type MockPlacementFault,
} from '@tradeloop/brokers';
import { applyFillToPosition, FLAT_POSITION, type Position } from '@tradeloop/domain';
import { describeBrokerConformance, type ConformanceHarness, type PlacementFault } from './broker-conformance';

const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;
const TICK = 500;

const MOCK_FAULTS: Readonly<Partial<Record<PlacementFault, MockPlacementFault>>> = {
  'timeout-after-accept': 'timeout-after-accept',
  refused: 'refused-before-send',
};

/**
 * The mock broker in the kit. Its book is its store, read directly (not through the adapter).
 * It supports two placement faults; partial fills are its seeded configuration, switched on for
 * the partial-fill case (every order then fills in 2–3 parts, decided by the seed).
 */
describeBrokerConformance(
  'mock',
  async ({ caseName }): Promise<ConformanceHarness> => {
    const store = new InMemoryMockBrokerStore();
    const broker = await MockBroker.open(store, {
      seed: 11,
      instrument: () => ({ tickSize: TICK, lotSize: 1 }),
      ...(caseName.includes('partial fills') ? { partialFills: { probability: 1, maxSlices: 3 } } : {}),
    });
    let ts = Date.now();
    return {
      adapter: broker,
      instrument: INFY,
      tickSize: TICK,
      lotSize: 1,
      shortAllowed: () => true,
      setQuote: async (q) => {
        ts = Math.max(ts + 1, Date.now());
        await broker.onTick({ symbol: INFY.symbol, ts, ...q });
      },
      truth: async () => {
        const trades = await store.listTrades();
        const positions = new Map<string, { p: Position; t: (typeof trades)[number] }>();
        for (const t of trades) {
          const k = `${t.exchange}:${t.symbol}|${t.product}`;
          positions.set(k, { p: applyFillToPosition(positions.get(k)?.p ?? FLAT_POSITION, t.side, t.quantity, t.price), t });
        }
        return {
          orders: (await store.listOrders()).map(toBrokerOrder),
          trades: trades.map(toBrokerTrade),
          positions: [...positions.values()].map(
            ({ p, t }): Pick<BrokerPosition, 'instrument' | 'product' | 'netQuantity'> => ({
              instrument: { exchange: t.exchange, symbol: t.symbol },
              product: t.product,
              netQuantity: p.netQuantity,
            }),
          ),
        };
      },
      chaos: {
        placementFaults: Object.keys(MOCK_FAULTS) as PlacementFault[],
        failNextPlacement: (fault) => broker.injectPlacementFault(MOCK_FAULTS[fault]!),
        partialFillsNext: () => undefined,
      },
      close: async () => undefined,
    };
  },
  {
    shortAllowed: () => true,
    chaos: new Set(['failNextPlacement', 'partialFillsNext']),
    placementFaults: new Set(Object.keys(MOCK_FAULTS) as PlacementFault[]),
  },
);
