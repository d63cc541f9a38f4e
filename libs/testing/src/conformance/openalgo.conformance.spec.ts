import {
  InstrumentMap,
  OpenAlgoAdapter,
  openAlgoTradeId,
  type BrokerError,
  type BrokerOrderId,
  type BrokerTradeId,
} from '@tradeloop/brokers';
import type { BrokerReportStatus, Product } from '@tradeloop/domain';
import { FakeOpenAlgo, type FakeOpenAlgoOrder } from '../openalgo-fake';
import { describeBrokerConformance, type ConformanceHarness } from './broker-conformance';
import { FAKE_PLACEMENT_FAULTS, PLACEMENT_FAULTS, refusingFetch, skewedClock } from './harness-kit';

const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;
const INSTRUMENTS = new InstrumentMap('openalgo', [
  { ref: INFY, broker: { exchange: 'NSE', symbol: 'INFY', quantityUnit: 'units', lotSize: 1 } },
]);

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

/** The fake's own order state in our normalised statuses (independent of the adapter's parser). */
function truthStatus(o: FakeOpenAlgoOrder): BrokerReportStatus {
  if (o.status === 'complete') return 'FILLED';
  if (o.status === 'cancelled') return 'CANCELLED';
  if (o.status === 'rejected') return 'REJECTED';
  if (o.status === 'trigger pending') return 'TRIGGER_PENDING';
  return o.filled > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
}

/**
 * OpenAlgoAdapter against the local fake OpenAlgo (REST + order stream on loopback), set up as
 * the worker runs it with test-sized timings: 1 s request timeout, a rate-limiter clock that moves
 * time on instead of sleeping. OpenAlgo has no tags, so the kit's ambiguous placements are
 * resolved by the adapter's heuristic (`method: 'heuristic'`). Trade ids are synthesised per order
 * (`openAlgoTradeId`), OpenAlgo's trade book having none.
 */
function registerOpenAlgo(name: string, orderStream: boolean): void {
  describeBrokerConformance(
    name,
    async ({ caseName }): Promise<ConformanceHarness> => {
      const fake = new FakeOpenAlgo({ orderStream, ...(caseName.includes('partial fills') ? { fillPerQuote: 2 } : {}) });
      const endpoints = await fake.start();
      const clock = skewedClock();
      const refusing = await refusingFetch(endpoints.host, (url) => url.endsWith('/placeorder'));
      const authLost: BrokerError[] = [];
      const adapter: OpenAlgoAdapter = new OpenAlgoAdapter({
        host: endpoints.host,
        apiKey: fake.apiKey,
        wsUrl: endpoints.wsUrl,
        instruments: INSTRUMENTS,
        clock,
        fetch: refusing.fetch,
        timeoutMs: 1_000,
        pollIntervalMs: 50,
        onAuthLost: (e) => authLost.push(e),
        onReconnect: () => void adapter.reconcile().catch(() => undefined),
        ws: { answerTimeoutMs: 2_000, backoff: { initialMs: 20, maxMs: 200 } },
      });
      adapter.start();
      const pushing = await adapter.ready();
      if (pushing !== orderStream) throw new Error(`expected the order stream ${orderStream ? 'on' : 'off'}`);
      return {
        adapter,
        instrument: INFY,
        tickSize: 500,
        lotSize: 1,
        shortAllowed: () => true,
        setQuote: async (q) => fake.setQuote('NSE', 'INFY', q),
        truth: async () => {
          const orders = fake.orderList().map((o) => ({
            brokerOrderId: o.orderid as BrokerOrderId,
            status: truthStatus(o),
            filledQuantity: o.filled,
            quantity: o.quantity,
            averagePrice: FakeOpenAlgo.averageTicks(o),
            tag: null,
          }));
          const seq = new Map<string, number>();
          const trades = fake.tradeList().map((t) => {
            const n = (seq.get(t.orderid) ?? 0) + 1;
            seq.set(t.orderid, n);
            return {
              tradeId: openAlgoTradeId(t.orderid, n) as BrokerTradeId,
              brokerOrderId: t.orderid as BrokerOrderId,
              side: t.action,
              quantity: t.quantity,
              price: t.price,
            };
          });
          const positions = [...fake.netPositions()].map(([k, net]) => ({
            instrument: INFY,
            product: k.split(':')[2] as Product,
            netQuantity: net,
          }));
          return { orders, trades, positions };
        },
        chaos: {
          placementFaults: PLACEMENT_FAULTS,
          failNextPlacement: (fault) => {
            if (fault === 'refused') refusing.refuseNext();
            else fake.failNext('placeorder', FAKE_PLACEMENT_FAULTS[fault]);
          },
          expireSession: () => fake.revokeKey(),
          authLost,
          placementsReceived: () => fake.placements(),
          partialFillsNext: () => undefined,
          suppressUpdates: (on) => fake.suppressUpdates(on),
          ...(orderStream ? { disorderUpdates: (on: boolean) => fake.disorderUpdates(on) } : {}),
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
      shortAllowed: () => true,
      // Polling reads the book: there are no frames to suppress or disorder, and a partial state
      // that lasts less than a poll interval is never seen (the book's trades still add up).
      chaos: new Set(orderStream ? CHAOS : CHAOS.filter((c) => !['disorderUpdates', 'suppressUpdates', 'partialFillsNext'].includes(c))),
      placementFaults: new Set(PLACEMENT_FAULTS),
    },
  );
}

registerOpenAlgo('openalgo', true);
registerOpenAlgo('openalgo-polled', false);
