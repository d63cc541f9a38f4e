// Alert-driven trading (docs/alerts.md): the webhook payload, its canonical form and dedup key,
// signatures, the A/B split and the delivery's transition table.
export * from './payload';
export * from './canonical';
export * from './signature';
export * from './split';
export * from './delivery-transitions';
