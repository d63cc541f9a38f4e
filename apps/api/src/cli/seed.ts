import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigError, InfraModule, loadConfig, createLogger, type AppConfig } from '@tradeloop/platform';
import { AuditModule, AuthModule, RegisterUseCase, UsersRepository } from '@tradeloop/identity';
import { backfillHistory, CandlesRepository, InstrumentsRepository, MarketModule } from '@tradeloop/market';
import { ModelArtifactStore, ModelRegistryModule, ModelsRepository, PromoteModelUseCase, RegisterModelUseCase } from '@tradeloop/ml';
import { demoIndexLevels, demoUniverse, todayIst } from '@tradeloop/domain';
import { seedDemoModel } from './seed-model';
import { seedDemo } from './seed-demo';

@Module({})
class SeedModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = createLogger('warn', 'seed');
    return {
      module: SeedModule,
      imports: [InfraModule.forRoot(config, { appName: 'cli', logger }), AuthModule, AuditModule, MarketModule, ModelRegistryModule],
    };
  }
}

/**
 * `npm run db:seed`: the admin from ADMIN_EMAIL / ADMIN_PASSWORD and the demo users. Idempotent:
 * an existing account is left exactly as it is (its password is never reset by a re-run).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(SeedModule.forRoot(config), { logger: false });
  try {
    await seedDemo({
      adminEmail: config.ADMIN_EMAIL,
      adminPassword: config.ADMIN_PASSWORD,
      register: app.get(RegisterUseCase),
      users: app.get(UsersRepository),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    const candles = app.get(CandlesRepository);
    // Strikes around where the simulated indices are (their latest stored closes), not where they
    // started; the worker rolls the listing again at its start and at each new IST day, and
    // delists what no longer is near the money (RollSimulatedListingUseCase).
    const listing = async () =>
      demoUniverse(new Date(`${todayIst(new Date())}T00:00:00Z`), demoIndexLevels(await candles.lastPrices(Date.now())));
    const universe = await listing();
    const instruments = await app.get(InstrumentsRepository).upsert(universe);
    process.stdout.write(`instrument master: ${instruments} demo instruments up to date\n`);
    // First run only: once any candle exists (history, an import, a feed that ran) it is left alone.
    if (config.MARKET_BACKFILL_DAYS > 0 && !(await candles.hasAny())) {
      const started = Date.now();
      process.stdout.write(
        `market history: generating ${config.MARKET_BACKFILL_DAYS} days of 1m bars (all timeframes) for the demo equities, indices and futures…\n`,
      );
      const res = await backfillHistory({
        candles,
        instruments: universe,
        days: config.MARKET_BACKFILL_DAYS,
        now: Date.now(),
        seed: config.MARKET_FEED_SEED,
        onProgress: (done, total) => {
          if (done % 10 === 0 || done === total) process.stdout.write(`  ${done}/${total} sessions\n`);
        },
      });
      process.stdout.write(
        `market history: ${res.candles.toLocaleString('en')} candles over ${res.sessions} sessions in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      // The history moved the indices: list the strikes around where it ends.
      await app.get(InstrumentsRepository).upsert(await listing());
    }
    await seedDemoModel({
      register: app.get(RegisterModelUseCase),
      promote: app.get(PromoteModelUseCase),
      models: app.get(ModelsRepository),
      artifacts: app.get(ModelArtifactStore),
      log: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
