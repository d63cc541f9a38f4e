export * from './random';
export * from './black-scholes';
export * from './nse-session';
export * from './market-simulator';
export * from './derivative-model';
export * from './derived-candles';
