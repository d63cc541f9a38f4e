import { parseUpstoxOrder, parseUpstoxTrade, UpstoxAdapter, type BrokerError, type BrokerPosition } from '@tradeloop/brokers';
import type { OrderSide, Product } from '@tradeloop/domain';
import { FakeUpstox, fakeUpstoxInstrumentMap } from '../upstox-fake';
import { describeBrokerConformance, type ConformanceHarness } from './broker-conformance';
import { fakeOrderChaos, PLACEMENT_FAULTS, refusingFetch, skewedClock } from './harness-kit';

const INSTRUMENTS = fakeUpstoxInstrumentMap();
const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;
const INFY_KEY = 'NSE_EQ|INE009A01021';

const CHAOS = [
  'failNextPlacement',
  'expireSession',
  'authLost',
  'partialFillsNext',
  'suppressUpdates',
  'reconcile',
  'disorderUpdates',
  'rollDay',
];

/**
 * UpstoxAdapter against the local fake Upstox (API root and order host on two loopback ports,
 * portfolio stream over WebSocket). The broker's truth is the fake's own book, read from the fake
 * object. Set up as the worker runs it, with test-sized timings: a 1 s request timeout, the
 * stream's stall limit at 1 s (the fake pings every 50 ms), a rate-limiter clock that moves time
 * on instead of sleeping (limits still apply, waits are free). Delivery (CNC) sells need holdings at Upstox, so CNC cannot go short
 * (the fake's RMS rejects it). The portfolio stream carries no market data, so the kit's ticker
 * cases (market-data subscriptions) do not apply; the stream's reconnects are covered by
 * upstox-adapter.fake.spec.ts.
 */
describeBrokerConformance(
  'upstox',
  async ({ caseName }): Promise<ConformanceHarness> => {
    const fake = new FakeUpstox({ heartbeatMs: 50, ...(caseName.includes('partial fills') ? { fillPerQuote: 2 } : {}) });
    const endpoints = await fake.start();
    const accessToken = fake.createSession();
    const clock = skewedClock();
    const refusing = await refusingFetch(endpoints.orderRoot, (url, init) => init.method === 'POST' && url.startsWith(endpoints.orderRoot));
    const authLost: BrokerError[] = [];
    const adapter: UpstoxAdapter = new UpstoxAdapter({
      accessToken,
      apiRoot: endpoints.apiRoot,
      orderRoot: endpoints.orderRoot,
      instruments: INSTRUMENTS,
      clock,
      fetch: refusing.fetch,
      timeoutMs: 1_000,
      // The kit polls getOrder every 10 ms: past 500 reads a minute the limiter waits, on the
      // skewed clock above (free), however long the window asks.
      maxRateWaitMs: 60 * 60_000,
      onAuthLost: (e) => authLost.push(e),
      onReconnect: () => void adapter.reconcile().catch(() => undefined),
      stream: { stallMs: 1_000, backoff: { initialMs: 20, maxMs: 200 }, random: () => 0.5 },
    });
    const stream = adapter.startStream()!;
    await new Promise<void>((resolve) => stream.once('connect', () => resolve()));
    const instrument = fake.instrument(INFY_KEY);

    return {
      adapter,
      instrument: INFY,
      tickSize: instrument.tickSize,
      lotSize: instrument.lotSize,
      shortAllowed: (p) => p !== 'CNC',
      setQuote: async (q) => fake.setQuote(INFY_KEY, q),
      truth: async () => {
        const orders = fake.orderBook().map((o) => parseUpstoxOrder(o, { instruments: INSTRUMENTS }));
        const trades = fake.tradeBook().map((t) => {
          const parsed = parseUpstoxTrade(t, { instruments: INSTRUMENTS })!;
          return {
            tradeId: parsed.tradeId,
            brokerOrderId: parsed.brokerOrderId,
            side: t.transaction_type as OrderSide,
            quantity: Number(t.quantity),
            price: parsed.price,
          };
        });
        const positions = fake.positionsJson().map(
          (p): Pick<BrokerPosition, 'instrument' | 'product' | 'netQuantity'> => ({
            instrument: INSTRUMENTS.fromBroker(String(p.instrument_token).split('|')[0]!, String(p.instrument_token))!,
            product: (p.product === 'I' ? 'MIS' : String(p.instrument_token).startsWith('NSE_EQ') ? 'CNC' : 'NRML') as Product,
            netQuantity: Number(p.quantity),
          }),
        );
        return { orders, trades, positions };
      },
      chaos: {
        // This case's fake fills at most 2 units per quote (set at construction above).
        ...fakeOrderChaos(fake, refusing, authLost),
        reconcile: () => adapter.reconcile(),
        rollDay: async () => fake.rollDay(),
      },
      close: async () => {
        adapter.close();
        await fake.stop();
      },
    };
  },
  {
    // INFY is a cash instrument: Upstox's products there are I (MIS) and D (CNC); NRML is a
    // derivatives product (the adapter refuses it on a cash segment before sending).
    products: ['CNC', 'MIS'],
    shortAllowed: (p) => p !== 'CNC',
    chaos: new Set(CHAOS),
    placementFaults: new Set(PLACEMENT_FAULTS),
  },
);
