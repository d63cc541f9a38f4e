import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
import { createLogger, InfraModule, loadConfigOrExit, type AppConfig } from '@tradeloop/platform';
import { AccountsModule, ReencryptSecretsUseCase } from '@tradeloop/accounts';
import { WebhookSourceSecretStore, WebhookSourcesRepository } from '@tradeloop/alerts';
import { ChannelSecretStore, NotificationsRepository } from '@tradeloop/notifications';

@Module({})
class ReencryptModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ReencryptModule,
      imports: [InfraModule.forRoot(config, { appName: 'cli', logger: createLogger('warn', 'reencrypt') }), AccountsModule],
      // Every table under the key ring (AccountsModule brings broker accounts'): each store registers with the job.
      providers: [WebhookSourcesRepository, WebhookSourceSecretStore, NotificationsRepository, ChannelSecretStore],
    };
  }
}

/**
 * `npm run secrets:reencrypt [-- --batch 100]` (alias `brokers:reencrypt`): key rotation
 * (docs/architecture.md "Secrets"). Moves every value encrypted with the credentials key ring —
 * broker credentials and tokens, webhook sources' secrets, notification channels' secrets and
 * Telegram tokens — that is not under BROKER_CREDENTIALS_KEY_ID to that key, in batches; safe beside
 * running processes and other runs. Exit 1 while anything is left (e.g. a key missing from the ring).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const batchAt = args.indexOf('--batch');
  const batchSize = batchAt >= 0 ? Number(args[batchAt + 1]) : 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    process.stderr.write('usage: npm run secrets:reencrypt -- [--batch 1..1000]\n');
    process.exit(2);
  }
  const config = loadConfigOrExit('secrets:reencrypt');
  const app = await NestFactory.createApplicationContext(ReencryptModule.forRoot(config), { logger: false });
  try {
    const r = await app.get(ReencryptSecretsUseCase).execute({ batchSize });
    process.stdout.write(`re-encrypted ${r.reencrypted} row(s) under key ${r.activeKeyId}; failed ${r.failed}; remaining ${r.remaining}\n`);
    if (r.remaining > 0) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`re-encrypt failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
