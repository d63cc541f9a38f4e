import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
import {
  AuditModule,
  AuthModule,
  ConfigError,
  InfraModule,
  loadConfig,
  createLogger,
  InstrumentsRepository,
  MarketModule,
  RegisterUseCase,
  UsersRepository,
  type AppConfig,
} from '@tradeloop/server';
import { demoUniverse } from '@tradeloop/domain';
import { seedDemo } from './seed-demo';

@Module({})
class SeedModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = createLogger('warn', 'seed');
    return { module: SeedModule, imports: [InfraModule.forRoot(config, { appName: 'cli', logger }), AuthModule, AuditModule, MarketModule] };
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
    const instruments = await app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
    process.stdout.write(`instrument master: ${instruments} demo instruments up to date\n`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
