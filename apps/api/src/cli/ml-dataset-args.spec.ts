import { defaultDatasetPath, parseDatasetArgs, parseTime } from './ml-dataset-args';

const ok = (argv: string[]) => {
  const r = parseDatasetArgs(argv);
  if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
  return r.args;
};
const errorsOf = (argv: string[]) => {
  const r = parseDatasetArgs(argv);
  if (r.kind !== 'invalid') throw new Error(`expected errors, got ${JSON.stringify(r)}`);
  return r.errors.join('\n');
};

describe('ml:dataset arguments', () => {
  it('reads the issue’s example, with defaults for timeframe and horizon', () => {
    expect(ok(['--symbols', 'reliance,TCS', '--from', '2026-01-01', '--to', '2026-11-01', '--timeframe', '5m', '--horizon', '12'])).toEqual(
      {
        symbols: ['RELIANCE', 'TCS'],
        from: Date.parse('2026-01-01T00:00:00Z'),
        to: Date.parse('2026-11-01T00:00:00Z'),
        timeframe: '5m',
        horizon: 12,
        out: undefined,
      },
    );
    expect(ok(['--symbols', 'INFY', '--from=2026-01-01T09:15+05:30', '--to=2026-01-02T00:00:00Z'])).toMatchObject({
      timeframe: '5m',
      horizon: 12,
      from: Date.parse('2026-01-01T03:45:00Z'),
    });
  });

  it('takes symbols space- or comma-separated, and an output path', () => {
    expect(ok(['--symbols', 'A', 'B,C', '--out', '/tmp/x.arrow', '--from', '2026-01-01', '--to', '2026-01-02'])).toMatchObject({
      symbols: ['A', 'B', 'C'],
      out: '/tmp/x.arrow',
    });
  });

  it('explains every problem at once', () => {
    const e = errorsOf(['--from', '2026-02-30', '--to', 'yesterday', '--timeframe', '2m', '--horizon', '0', '--bogus', 'x']);
    expect(e).toContain('unknown option --bogus');
    expect(e).toContain('--symbols is required');
    expect(e).toContain('--from "2026-02-30" is not a date');
    expect(e).toContain('--to "yesterday" is not a date');
    expect(e).toContain('--timeframe "2m" is not one of 1m, 5m, 15m, 1h, 1d');
    expect(e).toContain('--horizon "0" must be a whole number of bars ≥ 1');
  });

  it('refuses from ≥ to, repeated symbols and flags, and flags without values', () => {
    expect(errorsOf(['--symbols', 'A', '--from', '2026-02-01', '--to', '2026-02-01'])).toContain(
      '--from (2026-02-01T00:00:00.000Z) must be before --to',
    );
    expect(errorsOf(['--symbols', 'A,a', '--from', '2026-01-01', '--to', '2026-02-01'])).toContain('lists a symbol twice');
    expect(errorsOf(['--symbols', 'A', '--from', '2026-01-01', '--from', '2026-01-02', '--to', '2026-02-01'])).toContain(
      '--from given twice',
    );
    expect(errorsOf(['--symbols', 'A', '--from', '--to', '2026-02-01'])).toContain('--from needs a value');
    expect(errorsOf(['--symbols', 'A', '--from', '2026-01-01', '--to', '2026-02-01', '--horizon', '1.5'])).toContain('--horizon "1.5"');
    expect(errorsOf(['--symbols', 'A', '--from', '2026-01-01', '--to', '2026-02-01', 'stray'])).toContain('unexpected argument "stray"');
  });

  it('answers --help', () => {
    expect(parseDatasetArgs(['--symbols', 'A', '--help']).kind).toBe('help');
  });

  it('parses times strictly', () => {
    expect(parseTime('2026-11-23')).toBe(Date.UTC(2026, 10, 23));
    expect(parseTime('2026-11-23T09:15:00.5Z')).toBe(Date.UTC(2026, 10, 23, 9, 15, 0, 500));
    for (const bad of ['2026-11-23T09:15', '23/11/2026', '2026-11-31', '2026-11-23T24:00Z', 'March 7'])
      expect(parseTime(bad)).toBeUndefined();
  });

  it('names the default file after timeframe, horizon and feature-set version', () => {
    expect(defaultDatasetPath('/repo', '5m', 12, 'b47d510aa2e5c7b4')).toBe('/repo/ml/data/5m-h12-b47d510aa2e5c7b4.arrow');
  });
});
