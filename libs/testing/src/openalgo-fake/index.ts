// A local fake of an OpenAlgo installation (REST v1, WebSocket order stream, analyzer mode,
// faults) for adapter tests and the end-to-end stacks: docs/brokers.md 5.
export * from './openalgo-fake';
