export * from './instruments.repository';
export * from './market.module';
