export * from './watchlists.repository';
export * from './watchlists.service';
export * from './watchlists.module';
