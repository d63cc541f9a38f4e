import 'reflect-metadata';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
import { isDomainError } from '@tradeloop/domain';
import { createLogger, InfraModule, loadConfigOrExit, type AppConfig } from '@tradeloop/platform';
import { BuildDatasetUseCase, MlDatasetModule, writeDatasetArrowFile, type SymbolReport } from '@tradeloop/ml';
import { DATASET_USAGE, defaultDatasetPath, parseDatasetArgs } from './ml-dataset-args';

@Module({})
class DatasetCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatasetCliModule,
      imports: [InfraModule.forRoot(config, { appName: 'cli', logger: createLogger('warn', 'ml-dataset') }), MlDatasetModule],
    };
  }
}

const say = (line: string) => process.stdout.write(`${line}\n`);

function printReport(report: readonly SymbolReport[], warmupBars: number): void {
  say('symbol         bars     rows  warm-up  no-horizon  non-finite');
  for (const r of report) {
    const why = Object.entries(r.nonFiniteByFeature)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ');
    say(
      `${r.symbol.padEnd(12)} ${String(r.bars).padStart(6)} ${String(r.rows).padStart(8)} ${String(r.warmup).padStart(8)} ${String(r.beyondHorizon).padStart(11)}  ${r.nonFinite}${why ? ` (${why})` : ''}`,
    );
    if (r.bars > 0 && r.rows === 0)
      say(
        `  ! ${r.symbol}: no rows — ${r.bars < warmupBars ? `fewer bars than the warm-up (${warmupBars})` : 'every row had a non-finite feature (an index has no volume, a suspended stock a flat price)'}`,
      );
    if (r.bars === 0) say(`  ! ${r.symbol}: no closed bars of this timeframe in the range`);
  }
}

/**
 * `npm run ml:dataset -- --symbols RELIANCE,TCS --from 2026-01-01 --to 2026-11-01 --timeframe 5m
 * --horizon 12`: features (feature set v1) and labels for every closed bar in the range, as one
 * Arrow IPC file for the Python trainer. The file is written whole or not at all.
 */
async function main(): Promise<void> {
  const parsed = parseDatasetArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    say(DATASET_USAGE);
    return;
  }
  if (parsed.kind === 'invalid') {
    for (const e of parsed.errors) process.stderr.write(`ml:dataset: ${e}\n`);
    process.stderr.write(`\n${DATASET_USAGE}\n`);
    process.exit(2);
  }
  const { args } = parsed;
  const config = loadConfigOrExit('ml:dataset');
  const app = await NestFactory.createApplicationContext(DatasetCliModule.forRoot(config), { logger: false });
  try {
    const started = performance.now();
    let built;
    try {
      built = await app.get(BuildDatasetUseCase).execute(args);
    } catch (err) {
      if (isDomainError(err) && err.code === 'VALIDATION_FAILED') {
        process.stderr.write(`ml:dataset: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      throw err;
    }
    const { featureSet } = built.description;
    printReport(built.report, featureSet.params.warmupBars);
    if (built.rows === 0) {
      process.stderr.write('ml:dataset: no rows to write (see the table above); nothing written\n');
      process.exitCode = 1;
      return;
    }
    const out = resolve(args.out ?? defaultDatasetPath(process.cwd(), args.timeframe, args.horizon, featureSet.version));
    const written = writeDatasetArrowFile(out, built.parts, built.description);
    const seconds = (performance.now() - started) / 1000;
    say(
      `wrote ${out}: ${written.rows.toLocaleString('en')} rows × ${featureSet.features.length} features (feature set ${featureSet.name} ${featureSet.version}), ${(written.bytes / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(1)} s`,
    );
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ml:dataset failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
