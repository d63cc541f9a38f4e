import {
  DEFAULT_TRADING_SETTINGS,
  perUnitTicks,
  resolveSettings,
  settingsValues,
  TRADING_SETTINGS_KEYS,
  validateResolved,
  validateSettings,
  type TradingSettings,
} from '.';

const fields = (errors: { field: string }[]) => errors.map((e) => e.field);
const resolvedWith = (over: Partial<TradingSettings>): TradingSettings => ({ ...DEFAULT_TRADING_SETTINGS, ...over });

describe('resolveSettings: precedence global < index < watchlist < user < symbol < click', () => {
  it('a key set nowhere is the built-in default, from global', () => {
    const r = resolveSettings({});
    for (const k of TRADING_SETTINGS_KEYS) expect(r[k]).toEqual({ value: DEFAULT_TRADING_SETTINGS[k], source: 'global' });
  });

  it('each tier overrides every tier below it, key by key', () => {
    const r = resolveSettings({
      global: { stepLots: 1, tpPerUnit: '10', slPerUnit: '5', tslStep: '1', maxLotsPerLeg: 4, product: 'NRML' },
      index: { tpPerUnit: '20', slPerUnit: '6', tslStep: '2', maxLotsPerLeg: 5 },
      watchlist: { slPerUnit: '7', tslStep: '3', maxLotsPerLeg: 6 },
      user: { tslStep: '4', maxLotsPerLeg: 7 },
      symbol: { maxLotsPerLeg: 8, strikePolicy: 'ANCHOR' },
      click: { stepLots: 2 },
    });
    expect(r.product).toEqual({ value: 'NRML', source: 'global' });
    expect(r.tpPerUnit).toEqual({ value: '20', source: 'index' });
    expect(r.slPerUnit).toEqual({ value: '7', source: 'watchlist' });
    expect(r.tslStep).toEqual({ value: '4', source: 'user' });
    expect(r.maxLotsPerLeg).toEqual({ value: 8, source: 'symbol' });
    expect(r.strikePolicy).toEqual({ value: 'ANCHOR', source: 'symbol' });
    expect(r.stepLots).toEqual({ value: 2, source: 'click' });
    expect(r.accountIds).toEqual({ value: [], source: 'global' });
    expect(settingsValues(r)).toMatchObject({ stepLots: 2, maxLotsPerLeg: 8, tpPerUnit: '20', accountIds: [] });
  });

  it('null in a tier clears the key there: the tier below shows through', () => {
    const r = resolveSettings({ index: { tpPerUnit: '20' }, user: { tpPerUnit: null }, click: { tpPerUnit: undefined } });
    expect(r.tpPerUnit).toEqual({ value: '20', source: 'index' });
    expect(resolveSettings({ global: null, user: { tslEnabled: false } }).tslEnabled).toEqual({ value: false, source: 'user' });
  });
});

describe('perUnitTicks', () => {
  it('reads rupees into ticks, and nothing else', () => {
    expect(perUnitTicks('30')).toBe(300_000);
    expect(perUnitTicks(' 12.5 ')).toBe(125_000);
    expect(perUnitTicks('0.0001')).toBe(1);
    expect(perUnitTicks(null)).toBeNull();
    expect(perUnitTicks(undefined)).toBeNull();
    expect(perUnitTicks('-1')).toBeNull();
    expect(perUnitTicks('1.23456')).toBeNull();
  });
});

describe('validateSettings', () => {
  it('accepts a sound tier, an empty one and nulls', () => {
    expect(validateSettings({})).toEqual([]);
    expect(validateSettings({ tpPerUnit: null, tslArmAfter: '0', tslTrailBy: '15', tslStep: '15', stepLots: 2, maxLotsPerLeg: 2 })).toEqual(
      [],
    );
  });

  it('refuses zero distances, naming each field; arm-after may be zero', () => {
    const errors = validateSettings({ strikeStep: '0', tpPerUnit: '0', slPerUnit: '0.0', tslTrailBy: '0', tslStep: '0', tslArmAfter: '0' });
    expect(fields(errors)).toEqual(['strikeStep', 'tpPerUnit', 'slPerUnit', 'tslTrailBy', 'tslStep']);
  });

  it('refuses an unreadable distance', () => {
    expect(fields(validateSettings({ tslArmAfter: 'ten' }))).toEqual(['tslArmAfter']);
    expect(validateSettings({ tpPerUnit: '1e3' })[0]!.message).toMatch(/rupees/);
  });

  it('refuses a trail step beyond trail-by, only when both are set and positive', () => {
    expect(fields(validateSettings({ tslTrailBy: '15', tslStep: '20' }))).toEqual(['tslStep']);
    expect(validateSettings({ tslStep: '20' })).toEqual([]);
    expect(validateSettings({ tslTrailBy: '15' })).toEqual([]);
    expect(fields(validateSettings({ tslTrailBy: '0', tslStep: '20' }))).toEqual(['tslTrailBy']);
    expect(fields(validateSettings({ tslTrailBy: '15', tslStep: '0' }))).toEqual(['tslStep']);
  });

  it('refuses stepLots above maxLotsPerLeg when both are in the set', () => {
    expect(validateSettings({ stepLots: 3, maxLotsPerLeg: 2 })).toEqual([
      { field: 'stepLots', message: 'must not exceed maxLotsPerLeg (2)' },
    ]);
    expect(validateSettings({ stepLots: 30 })).toEqual([]);
    expect(validateSettings({ maxLotsPerLeg: 1 })).toEqual([]);
  });
});

describe('validateResolved', () => {
  it('carries the set rules', () => {
    expect(fields(validateResolved(resolvedWith({ stepLots: 11 }), null))).toEqual(['stepLots']);
  });

  it('refuses, for a long, an SL per unit at or beyond the entry, naming slPerUnit', () => {
    const at = validateResolved(resolvedWith({ slPerUnit: '100' }), { side: 'BUY', entry: 1_000_000 });
    expect(fields(at)).toEqual(['slPerUnit']);
    expect(fields(validateResolved(resolvedWith({ slPerUnit: '120' }), { side: 'BUY', entry: 1_000_000 }))).toEqual(['slPerUnit']);
    expect(validateResolved(resolvedWith({ slPerUnit: '99.9999' }), { side: 'BUY', entry: 1_000_000 })).toEqual([]);
  });

  it('lets the same SL pass for a short, without an entry, or without an SL', () => {
    expect(validateResolved(resolvedWith({ slPerUnit: '120' }), { side: 'SELL', entry: 1_000_000 })).toEqual([]);
    expect(validateResolved(resolvedWith({ slPerUnit: '120' }), { side: 'BUY', entry: null })).toEqual([]);
    expect(validateResolved(resolvedWith({}), { side: 'BUY', entry: 1 })).toEqual([]);
    // A zero SL is the set rule's refusal, not the entry's.
    expect(fields(validateResolved(resolvedWith({ slPerUnit: '0' }), { side: 'BUY', entry: 1 }))).toEqual(['slPerUnit']);
  });
});
