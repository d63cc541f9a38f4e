import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
import { aggregateCandles, TIMEFRAMES } from '@tradeloop/domain';
import { createLogger, Db, InfraModule, loadConfigOrExit, type AppConfig } from '@tradeloop/platform';
import { CandlesRepository, InstrumentsRepository, MarketModule, parseCandleCsv } from '@tradeloop/market';

@Module({})
class ImportModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ImportModule,
      imports: [InfraModule.forRoot(config, { appName: 'cli', logger: createLogger('warn', 'import') }), MarketModule],
    };
  }
}

const usage = 'usage: npm run market:import -- <file.csv> [--symbol SYMBOL]   (symbol defaults to the file name, e.g. RELIANCE.csv)';

/**
 * `npm run market:import -- RELIANCE.csv`: 1-minute bars into the candle store, rolled up to
 * 5m/15m/1h/1d. All or nothing: any bad row stops the import with line numbers. Re-importing
 * the same file changes nothing (writes are keyed by symbol, timeframe and time).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const symbolFlag = args.indexOf('--symbol');
  if (!file) {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  const symbol = (symbolFlag >= 0 ? args[symbolFlag + 1] : basename(file).replace(/\.csv$/i, ''))?.toUpperCase() ?? '';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`cannot read ${file}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const { candles, problems } = parseCandleCsv(text);
  if (problems.length) {
    process.stderr.write(`${file}: ${problems.length} problem(s), nothing imported:\n`);
    for (const p of problems.slice(0, 50)) process.stderr.write(`  line ${p.line}: ${p.message}\n`);
    if (problems.length > 50) process.stderr.write(`  … and ${problems.length - 50} more\n`);
    process.exit(1);
  }
  const config = loadConfigOrExit('market:import');
  const app = await NestFactory.createApplicationContext(ImportModule.forRoot(config), { logger: false });
  try {
    const known = await app.get(InstrumentsRepository).existing([symbol]);
    if (!known.has(symbol)) {
      process.stderr.write(`unknown symbol ${symbol}: add it to the instrument master first (or pass --symbol)\n`);
      process.exitCode = 1;
      return;
    }
    const repo = app.get(CandlesRepository);
    await app.get(Db).tx(async (sql) => {
      for (const tf of TIMEFRAMES) {
        const rows = tf === '1m' ? candles : aggregateCandles(candles, tf);
        const n = await repo.upsert(symbol, tf, rows, sql);
        process.stdout.write(`${symbol} ${tf}: ${n} candles\n`);
      }
    });
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`import failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
