// Alert-driven trading (docs/alerts.md): the webhook payload, its canonical form and dedup key,
// signatures, the A/B split and the delivery's transition table.
export * from './payload';
export * from './canonical';
export * from './signature';
export * from './split';
export * from './delivery-transitions';
// The decision engines and the exit engine's tiers (docs/alerts.md, "Engines", "Exit engine").
export * from './market-context';
export * from './engine-a';
export * from './agents';
export * from './engine-b';
export * from './greeks';
export * from './exit-tiers';
