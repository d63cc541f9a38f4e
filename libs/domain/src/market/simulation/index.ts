export * from './random';
export * from './black-scholes';
export * from './nse-session';
export * from './market-simulator';
