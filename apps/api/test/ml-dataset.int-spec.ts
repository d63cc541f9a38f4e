// `npm run ml:dataset` end to end: candles seeded in Postgres (compacted into chunks, plus a
// loose correction), the built CLI run as a real process, the Arrow file read back.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { tableFromIPC, type Table } from 'apache-arrow';
import {
  buildSymbolRows,
  columnsFromCandles,
  demoUniverse,
  FEATURE_SET_V1,
  mergeSymbolRows,
  type Candle,
  type DatasetColumns,
} from '@tradeloop/domain';
import { createLogger, InfraModule, type AppConfig } from '@tradeloop/platform';
import { CandleChunksRepository, CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { BuildDatasetUseCase, MlDatasetModule } from '@tradeloop/ml';
import { createTestContext, type TestContext } from '@tradeloop/testing';

const CLI = resolve(__dirname, '../dist/cli/ml-dataset.js');
const dir = mkdtempSync(join(tmpdir(), 'tl-dataset-'));
const DAY = 86_400_000;
const FIRST_SESSION = Date.parse('2026-11-02T09:15:00+05:30'); // a Monday
const FROM = '2026-11-02';
const TO = '2026-11-06T12:00:00+05:30'; // Friday, mid-session: the rest of Friday is left out

/** Five sessions of 5m bars (09:15–15:30 IST, 75 bars each): a deterministic walk per symbol. */
function sessions(seed: number, start: number, volume: (i: number) => number): Candle[] {
  let x = seed;
  const rand = () => (x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32;
  let close = start;
  const bars: Candle[] = [];
  for (let d = 0; d < 5; d += 1) {
    for (let m = 0; m < 75; m += 1) {
      const open = close;
      close = Math.round((open * (1 + (rand() - 0.5) * 0.006)) / 500) * 500; // whole 5 paise
      bars.push({
        ts: FIRST_SESSION + d * DAY + m * 300_000,
        open,
        high: Math.max(open, close) + 500,
        low: Math.min(open, close) - 500,
        close,
        volume: volume(bars.length),
      });
    }
  }
  return bars;
}

const TCS = sessions(1, 41_000_000, (i) => 1_000 + ((i * 7_919) % 5_000));
const INFY = sessions(2, 15_000_000, (i) => 2_000 + ((i * 104_729) % 9_000));
const NIFTY = sessions(3, 259_000_000, () => 0); // an index: no volume
// A late correction to a bar that compaction has already put in a chunk: the loose row must win.
const FIXED = { ...TCS[200]!, close: TCS[200]!.close + 50_000, high: TCS[200]!.high + 50_000 };

@Module({})
class DatasetTestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatasetTestModule,
      imports: [InfraModule.forRoot(config, { appName: 'cli', logger: createLogger('silent', 'test') }), MlDatasetModule],
    };
  }
}

let ctx: TestContext;
let app: INestApplicationContext;

beforeAll(async () => {
  ctx = await createTestContext();
  app = await NestFactory.createApplicationContext(DatasetTestModule.forRoot(ctx.config), { logger: false });
  await app.get(InstrumentsRepository).upsert(demoUniverse(new Date('2026-11-01T00:00:00Z')));
  const candles = app.get(CandlesRepository);
  for (const [symbol, bars] of [
    ['TCS', TCS],
    ['INFY', INFY],
    ['NIFTY', NIFTY],
  ] as const) {
    await candles.upsertMany(bars.map((candle) => ({ symbol, timeframe: '5m' as const, candle })));
  }
  await app.get(CandleChunksRepository).compact(Date.parse('2026-11-20T00:00:00Z'));
  await candles.upsertMany([{ symbol: 'TCS', timeframe: '5m', candle: FIXED }]);
});

afterAll(async () => {
  await app?.close();
  await ctx?.cleanup();
});

function runCli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...ctx.env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => res({ code: code ?? -1, out }));
  });
}

/** What the file must hold: the same bars (with the correction) through the domain code in memory. */
function expected(): DatasetColumns {
  const end = Date.parse(TO);
  const inRange = (bars: Candle[]) =>
    columnsFromCandles(bars.map((b) => (b.ts === FIXED.ts && bars === TCS ? FIXED : b)).filter((b) => b.ts + 300_000 <= end));
  return mergeSymbolRows([
    buildSymbolRows('TCS', inRange(TCS), 12),
    buildSymbolRows('INFY', inRange(INFY), 12),
    buildSymbolRows('NIFTY', inRange(NIFTY), 12),
  ]);
}

describe('npm run ml:dataset', () => {
  const out = join(dir, 'ds.arrow');
  let table: Table;

  it('writes the Arrow file and reports per symbol, naming why the index has no rows', async () => {
    const r = await runCli([
      '--symbols',
      'tcs,INFY',
      'NIFTY',
      '--from',
      FROM,
      '--to',
      TO,
      '--timeframe',
      '5m',
      '--horizon',
      '12',
      '--out',
      out,
    ]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/wrote .*ds\.arrow: [\d,]+ rows × 13 features \(feature set v1 [0-9a-f]{16}\)/);
    expect(r.out).toMatch(/NIFTY\s+333\s+0\s+99\s+0\s+234 \(volume_z_20 234\)/);
    expect(r.out).toContain('! NIFTY: no rows');
    table = tableFromIPC(readFileSync(out));
  });

  it('has the contract schema and metadata', () => {
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'symbol:Utf8',
      'ts:Timestamp<MILLISECOND, UTC>',
      ...FEATURE_SET_V1.features.map((f) => `${f}:Float64`),
      'forward_return:Float64',
      'label:Int8',
    ]);
    const meta = Object.fromEntries(table.schema.metadata);
    expect(meta).toEqual({
      featureSetName: 'v1',
      featureSetVersion: FEATURE_SET_V1.version,
      features: JSON.stringify(FEATURE_SET_V1.features),
      timeframe: '5m',
      horizon: '12',
      symbols: '["INFY","NIFTY","TCS"]',
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-06T06:30:00.000Z',
      rows: String(table.numRows),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      generator: 'tradeloop ml:dataset',
    });
  });

  it('holds exactly the rows the domain code computes from the stored bars (chunks, with the loose correction)', () => {
    const want = expected();
    // 4 full sessions + Friday 09:15–12:00 (33 bars) = 333 bars each; 99 warm-up, 12 without a horizon.
    expect(table.numRows).toBe(2 * (333 - 99 - 12));
    expect(table.numRows).toBe(want.length);
    const sym = table.getChild('symbol')!.toArray() as string[];
    const ts = table.getChild('ts')!;
    for (let r = 0; r < want.length; r += 1) {
      expect(sym[r]).toBe(want.symbols[want.symbolIndex[r]!]);
      expect(Number(ts.get(r))).toBe(want.ts[r]);
    }
    FEATURE_SET_V1.features.forEach((name, f) =>
      expect(Array.from(table.getChild(name)!.toArray() as Float64Array)).toEqual(Array.from(want.features[f]!)),
    );
    expect(Array.from(table.getChild('forward_return')!.toArray() as Float64Array)).toEqual(Array.from(want.forwardReturn));
    expect(Array.from(table.getChild('label')!.toArray() as Int8Array)).toEqual(Array.from(want.label));
    // Sorted by ts, then symbol; the first row is INFY's 100th bar.
    expect(sym.slice(0, 2)).toEqual(['INFY', 'TCS']);
    expect(Number(ts.get(0))).toBe(INFY[99]!.ts);
    // The correction reached the features: TCS's row for the corrected bar has its return.
    const row = want.ts.findIndex((t, i) => t === FIXED.ts && want.symbols[want.symbolIndex[i]!] === 'TCS');
    expect(table.getChild('ret_1')!.get(row)).toBeCloseTo(Math.log(FIXED.close / TCS[199]!.close), 12);
  });

  it('leaves out bars not closed yet', async () => {
    const now = Date.parse('2026-11-06T10:02:00+05:30'); // the 10:00 bar is still open
    const built = await app
      .get(BuildDatasetUseCase)
      .execute({ symbols: ['TCS'], from: Date.parse(FROM), to: Date.parse(TO), timeframe: '5m', horizon: 1 }, { now });
    expect(built.report[0]!.bars).toBe(4 * 75 + 9); // 09:15 … 09:55 on Friday
  });

  it('refuses unknown symbols, from ≥ to and bad timeframes with exit code 2, writing nothing', async () => {
    const bad = join(dir, 'bad.arrow');
    const unknown = await runCli(['--symbols', 'TCS,NOSUCH', '--from', FROM, '--to', TO, '--out', bad]);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain('Unknown symbol: NOSUCH');
    const backwards = await runCli(['--symbols', 'TCS', '--from', '2026-11-06', '--to', '2026-11-02', '--out', bad]);
    expect(backwards.code).toBe(2);
    expect(backwards.out).toContain('--from (2026-11-06T00:00:00.000Z) must be before --to');
    const tf = await runCli(['--symbols', 'TCS', '--from', FROM, '--to', TO, '--timeframe', '3m', '--out', bad]);
    expect(tf.code).toBe(2);
    expect(tf.out).toContain('--timeframe "3m" is not one of');
    expect(existsSync(bad)).toBe(false);
  });

  it('fails with exit code 1 when the range holds no rows', async () => {
    const r = await runCli(['--symbols', 'TCS', '--from', '2026-10-01', '--to', '2026-10-15', '--out', join(dir, 'none.arrow')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('no closed bars of this timeframe in the range');
    expect(r.out).toContain('no rows to write');
    expect(existsSync(join(dir, 'none.arrow'))).toBe(false);
  });
});
