// Machinery the fake brokers (kite-fake, upstox-fake, openalgo-fake) share.
export * from './http-faults';
export * from './order-frames';
export * from './flood-pacer';
