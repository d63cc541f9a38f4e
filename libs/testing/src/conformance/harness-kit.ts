import { createServer, type AddressInfo } from 'node:net';
import type { BrokerError, PlaceOrderRequest, RateLimiterClock } from '@tradeloop/brokers';
import { vi } from 'vitest';
import type { ConformanceChaos, PlacementFault } from './broker-conformance';

// Pieces every broker's conformance harness (kite/upstox/openalgo.conformance.spec.ts) and
// adapter-against-fake spec builds the same way.

/** The fault each fake answers a placement with, per kit placement fault (the fakes spell them alike). */
export const FAKE_PLACEMENT_FAULTS = {
  'timeout-after-accept': 'timeout-after-accept',
  'timeout-before-accept': 'timeout-before-accept',
  'reset-before-accept': 'reset',
  'reset-after-accept': 'reset-after-accept',
  'rate-limited': 429,
  'server-error': 502,
  'invalid-response': 'html-after-accept',
} as const satisfies Record<Exclude<PlacementFault, 'refused'>, unknown>;

export type FakePlacementFault = keyof typeof FAKE_PLACEMENT_FAULTS;

/** The kit's placement faults a fake harness offers: the fake's scripted ones and a refused connection. */
export const PLACEMENT_FAULTS: PlacementFault[] = [...(Object.keys(FAKE_PLACEMENT_FAULTS) as FakePlacementFault[]), 'refused'];

/** A loopback port nothing listens on: a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A rate-limiter clock that moves time on instead of sleeping (limits still apply, waits are free). */
export function skewedClock(): RateLimiterClock {
  let skew = 0;
  return {
    now: () => Date.now() + skew,
    sleep: async (ms) => {
      skew += ms;
    },
  };
}

/**
 * 'refused': a fake cannot refuse a connection, so after `refuseNext()` the next placement (as
 * `isPlacement` tells) is sent to a port nothing listens on instead of `root` — a real
 * ECONNREFUSED from the network stack; nothing reaches the fake.
 */
export async function refusingFetch(
  root: string,
  isPlacement: (url: string, init: RequestInit) => boolean,
): Promise<{ fetch: (url: string, init: RequestInit) => Promise<Response>; refuseNext: () => void }> {
  const refusedRoot = `http://127.0.0.1:${await closedPort()}`;
  let refuseNextPlacement = false;
  return {
    fetch: (url, init) => {
      if (refuseNextPlacement && isPlacement(url, init)) {
        refuseNextPlacement = false;
        return fetch(url.replace(root, refusedRoot), init);
      }
      return fetch(url, init);
    },
    refuseNext: () => {
      refuseNextPlacement = true;
    },
  };
}

/**
 * Order requests for NSE:INFY, each with a fresh client order id (`prefix` + a counter): a 2-unit
 * CNC day limit buy at 999.0000 unless `over` says otherwise.
 */
export function orderRequests<T extends PlaceOrderRequest>(prefix: string): (over?: Partial<T>) => T {
  let n = 0;
  return (over = {}) =>
    ({
      clientOrderId: `${prefix}${(n += 1)}`,
      instrument: { exchange: 'NSE', symbol: 'INFY' },
      side: 'BUY',
      type: 'LIMIT',
      product: 'CNC',
      validity: 'DAY',
      quantity: 2,
      price: 9_990_000,
      triggerPrice: null,
      ...over,
    }) as T;
}

/** `vi.waitFor` with the adapter specs' patience: up to 10 s, checking every 5 ms. */
export const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

/** A fake broker with scripted placement faults and an order-update stream (the Kite and Upstox fakes). */
export interface FakeWithOrderStream {
  failNext(route: 'place', fault: (typeof FAKE_PLACEMENT_FAULTS)[FakePlacementFault]): void;
  expireSession(): void;
  readonly requests: readonly { route: string | null }[];
  dropNextOrderFrames(n: number): void;
  duplicateOrderFrames(on: boolean): void;
  reorderOrderFrames(on: boolean): void;
}

/**
 * The order-side chaos controls of such a fake: placement faults (a refused connection through
 * `refusing`), session expiry (the adapter's `onAuthLost` calls pushed to `authLost`), the
 * placements it received, suppressed and disordered (duplicated, pairwise swapped) order updates.
 * Partial fills are set when the fake is built (the case's fake fills at most 2 units per quote).
 */
export function fakeOrderChaos(fake: FakeWithOrderStream, refusing: { refuseNext(): void }, authLost: BrokerError[]): ConformanceChaos {
  return {
    placementFaults: PLACEMENT_FAULTS,
    failNextPlacement: (fault) => {
      if (fault === 'refused') refusing.refuseNext();
      else fake.failNext('place', FAKE_PLACEMENT_FAULTS[fault]);
    },
    expireSession: () => fake.expireSession(),
    authLost,
    placementsReceived: () => fake.requests.filter((r) => r.route === 'place').length,
    partialFillsNext: () => undefined,
    suppressUpdates: (on) => fake.dropNextOrderFrames(on ? Number.MAX_SAFE_INTEGER : 0),
    disorderUpdates: (on) => {
      fake.duplicateOrderFrames(on);
      fake.reorderOrderFrames(on);
    },
  };
}
