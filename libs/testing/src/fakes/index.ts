// In-memory fakes of the ports use cases depend on, for fast tests of their rules beside the
// integration tier (which runs the same use cases against real Postgres and Redis). Each fake
// implements Pick<RealClass, …> of the methods it stands in for; `port()` hands it to a
// constructor that expects the real class.
export * from './port';
export * from './config';
export * from './db';
export * from './audit';
export * from './realtime';
export * from './redis';
export * from './identity';
export * from './wallet';
export * from './idempotency';
export * from './ml';
export * from './strategies';
export * from './watchlists';
export * from './trading';
export * from './accounts';
export * from './notifications';
