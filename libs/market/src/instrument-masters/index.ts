export * from './master-record';
export * from './master-streams';
export * from './kite-master';
export * from './upstox-master';
export * from './openalgo-master';
export * from './master-diff';
