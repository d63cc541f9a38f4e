// Request/response schemas and types shared by api, worker and web. Isomorphic: zod only.
export * from './common';
export * from './auth';
export * from './users';
export * from './audit';
export * from './realtime';
export * from './queue';
export * from './health';
export * from './wallet';
export * from './market';
export * from './trading';
export * from './brokers';
export * from './ml';
export * from './watchlist-trading';
export * from './backtests';
export * from './notifications';
export * from './alerts';
