import {
  KiteAdapter,
  kitePriceToTicks,
  parseKiteOrderBook,
  type BrokerError,
  type BrokerPosition,
  type KiteDisconnectReason,
} from '@tradeloop/brokers';
import { type OrderSide, type Product } from '@tradeloop/domain';
import { fakeKiteInstrumentMap, FakeKite } from '../kite-fake';
import { describeBrokerConformance, type ConformanceHarness } from './broker-conformance';
import { fakeOrderChaos, PLACEMENT_FAULTS, refusingFetch, skewedClock } from './harness-kit';

const INSTRUMENTS = fakeKiteInstrumentMap();
const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;

const CHAOS = [
  'failNextPlacement',
  'expireSession',
  'authLost',
  'partialFillsNext',
  'suppressUpdates',
  'reconcile',
  'disorderUpdates',
  'stallTicker',
  'closeTicker',
  'tickerSubscribedNow',
  'tickerConnects',
  'reconnects',
  'subscribeTicks',
  'rollDay',
];

/**
 * KiteAdapter against the local fake Kite (HTTP + WebSocket on loopback). The broker's truth is
 * the fake's own book (its order book, trade book and positions, read from the fake object, not
 * over HTTP). The adapter is set up as the worker would run it, with test-sized timings: a
 * 1 s request timeout, the ticker's stall limit at 1 s (the fake beats every 50 ms), and a
 * rate-limiter clock that moves time on instead of sleeping (limits still apply, waits are free).
 * Its owner's reconcile on every (re)connect is `adapter.reconcile()`.
 */
describeBrokerConformance(
  'kite',
  async ({ caseName }): Promise<ConformanceHarness> => {
    const fake = new FakeKite({ heartbeatMs: 50, ...(caseName.includes('partial fills') ? { fillPerQuote: 2 } : {}) });
    const endpoints = await fake.start();
    const accessToken = fake.createSession();
    const clock = skewedClock();
    // 'refused': the next placement (a POST) goes to a port nothing listens on.
    const refusing = await refusingFetch(endpoints.apiRoot, (_url, init) => init.method === 'POST');
    const authLost: BrokerError[] = [];
    const reconnects: { reconnect: boolean }[] = [];
    let tickerConnects = 0;
    fake.on('ticker', (e: { kind: string }) => {
      if (e.kind === 'connect') tickerConnects += 1;
    });
    const adapter: KiteAdapter = new KiteAdapter({
      apiKey: fake.apiKey,
      accessToken,
      apiRoot: endpoints.apiRoot,
      wsRoot: endpoints.wsUrl,
      instruments: INSTRUMENTS,
      clock,
      fetch: refusing.fetch,
      timeoutMs: 1_000,
      apiSecret: fake.apiSecret,
      onAuthLost: (e) => authLost.push(e),
      onReconnect: (info) => {
        reconnects.push(info);
        void adapter.reconcile().catch(() => undefined);
      },
      ticker: { stallMs: 1_000, backoff: { initialMs: 20, maxMs: 200 }, random: () => 0.5 },
    });
    const ticker = adapter.startTicker()!;
    await new Promise<void>((resolve) => ticker.once('connect', () => resolve()));
    const disconnected = (reason: KiteDisconnectReason) =>
      new Promise<void>((resolve) => {
        const on = (d: { reason: KiteDisconnectReason }) => {
          if (d.reason !== reason) return;
          ticker.off('disconnect', on);
          resolve();
        };
        ticker.on('disconnect', on);
      });
    const instrument = fake.instrument('NSE', 'INFY');

    return {
      adapter,
      instrument: INFY,
      tickSize: instrument.tickSize,
      lotSize: instrument.lotSize,
      shortAllowed: () => true,
      setQuote: async (q) => fake.setQuote('NSE', 'INFY', q),
      truth: async () => {
        const orders = parseKiteOrderBook(fake.orderBook(), { instruments: INSTRUMENTS }).orders;
        const trades = fake.tradeBook().map((t) => ({
          tradeId: String(t.trade_id) as never,
          brokerOrderId: String(t.order_id) as never,
          side: t.transaction_type as OrderSide,
          quantity: Number(t.quantity),
          price: kitePriceToTicks(t.average_price)!,
        }));
        const positions = fake.positionsJson().net.map(
          (p): Pick<BrokerPosition, 'instrument' | 'product' | 'netQuantity'> => ({
            instrument: INSTRUMENTS.fromBroker(String(p.exchange), String(p.tradingsymbol))!,
            product: p.product as Product,
            netQuantity: Number(p.quantity),
          }),
        );
        return { orders, trades, positions };
      },
      chaos: {
        // This case's fake fills at most 2 units per quote (set at construction above).
        ...fakeOrderChaos(fake, refusing, authLost),
        stallTicker: async () => {
          const noticed = disconnected('stall');
          fake.stallTicker();
          await noticed;
          fake.resumeTicker();
        },
        closeTicker: async () => {
          const noticed = disconnected('close');
          fake.closeTicker(1011, 'going away');
          await noticed;
        },
        tickerSubscribedNow: () => fake.tickerSubscriptions().flatMap((m) => [...m.keys()]),
        tickerConnects: () => tickerConnects,
        reconnects,
        subscribeTicks: (token) => ticker.subscribe([token], 'quote'),
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
    chaos: new Set(CHAOS),
    placementFaults: new Set(PLACEMENT_FAULTS),
  },
);
