export * from './realtime-publisher';
export * from './realtime.module';
