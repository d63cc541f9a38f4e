import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoUniverse } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { useTestApi } from './support/test-api';

const { api, ctx } = useTestApi();
const CLI = resolve(__dirname, '../dist/cli/market-import.js');
const dir = mkdtempSync(join(tmpdir(), 'tl-import-'));

async function importFile(file: string, extra: string[] = []): Promise<{ code: number | string; out: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, file, ...extra], { env: { PATH: process.env.PATH ?? '', ...ctx.env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => res({ code: code ?? -1, out }));
  });
}

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date('2026-11-22T00:00:00Z')));
});

describe('npm run market:import', () => {
  it('imports 1m bars with every timeframe rolled up, and re-importing changes nothing', async () => {
    const lines = ['timestamp,open,high,low,close,volume'];
    const start = Date.UTC(2026, 10, 23, 3, 45);
    for (let i = 0; i < 120; i += 1)
      lines.push(`${new Date(start + i * 60_000).toISOString()},${1420 + i},${1421 + i},${1419 + i},${1420.5 + i},${10 + i}`);
    const file = join(dir, 'TCS.csv');
    writeFileSync(file, lines.join('\n'));
    const first = await importFile(file);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain('TCS 1m: 120 candles');
    expect(first.out).toContain('TCS 5m: 24 candles');
    expect(first.out).toContain('TCS 1d: 1 candles');
    const again = await importFile(file);
    expect(again.code).toBe(0);
    const rows = await api.app.get(Db).sql.rows<{
      timeframe: string;
      n: string;
    }>(`SELECT timeframe, count(*)::text n FROM candles WHERE symbol = 'TCS' GROUP BY timeframe ORDER BY timeframe`);
    expect(Object.fromEntries(rows.map((r) => [r.timeframe, r.n]))).toEqual({ '15m': '8', '1d': '1', '1h': '3', '1m': '120', '5m': '24' });
  });

  it('refuses a file with bad rows, naming each line, and writes nothing', async () => {
    const file = join(dir, 'INFY.csv');
    writeFileSync(
      file,
      'timestamp,open,high,low,close,volume\n2026-11-23T09:15:00+05:30,1,2,0.5,1.5,10\nnot-a-time,1,2,0.5,1.5,10\n2026-11-23T09:17:00+05:30,1,2,0.5,1.5,x\n',
    );
    const r = await importFile(file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/line 3: timestamp "not-a-time"/);
    expect(r.out).toMatch(/line 4: volume "x"/);
    const rows = await api.app.get(Db).sql.rows(`SELECT 1 FROM candles WHERE symbol = 'INFY'`);
    expect(rows).toHaveLength(0);
  });

  it('refuses unknown symbols and missing files', async () => {
    const file = join(dir, 'NOSUCH.csv');
    writeFileSync(file, '2026-11-23T09:15:00+05:30,1,2,0.5,1.5,10\n');
    const r = await importFile(file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('unknown symbol NOSUCH');
    expect((await importFile(join(dir, 'missing.csv'))).code).toBe(2);
  });
});
