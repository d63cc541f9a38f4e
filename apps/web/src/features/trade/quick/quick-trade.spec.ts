import { describe, expect, it } from 'vitest';
import type { EffectiveSettings, InstrumentDto, Leg, QuickOrderResponse } from '@tradeloop/contracts';
import {
  chainStep,
  istToday,
  legLevels,
  legOffset,
  newIntentId,
  levelsAttr,
  pnlPerUnit,
  previewQuick,
  quickKey,
  quickKeyLabel,
  resolveExpiry,
  rowButtons,
  rowMode,
  rowModes,
  settingsField,
  strikeFor,
  summarizeIntent,
  ticksToPrice,
  tslState,
  underlyingOf,
  type PreviewInput,
} from './quick-trade';

const R = 10_000;
const WL = '00000000-0000-4000-8000-000000000001';
const ACC1 = '00000000-0000-4000-8000-00000000000a';
const ACC2 = '00000000-0000-4000-8000-00000000000b';

const nifty: InstrumentDto = { symbol: 'NIFTY', exchange: 'NSE', name: 'Nifty 50', instrumentType: 'INDEX', lotSize: 1, tickSize: '0.05' };
const reliance: InstrumentDto = {
  symbol: 'RELIANCE',
  exchange: 'NSE',
  name: 'Reliance',
  instrumentType: 'EQ',
  lotSize: 1,
  tickSize: '0.05',
};
const option = (expiry: string, strike: number, type: 'CE' | 'PE'): InstrumentDto => ({
  symbol: `NIFTY${expiry.replace(/-/g, '')}${strike}${type}`,
  exchange: 'NFO',
  name: `Nifty 50 ${strike} ${type} ${expiry}`,
  instrumentType: type,
  lotSize: 65,
  tickSize: '0.05',
  expiry,
  strike: `${strike}.00`,
  optionType: type,
  underlying: 'NIFTY',
});
const future = (expiry: string): InstrumentDto => ({
  symbol: `NIFTY${expiry.replace(/-/g, '')}FUT`,
  exchange: 'NFO',
  name: `Nifty 50 future ${expiry}`,
  instrumentType: 'FUT',
  lotSize: 65,
  tickSize: '0.10',
  expiry,
  underlying: 'NIFTY',
});
// Weeklies on the 8th and 15th, the monthly on the 29th (the last of December); January's monthly.
const EXPIRIES = ['2026-12-08', '2026-12-15', '2026-12-29'];
const chain: InstrumentDto[] = [
  ...EXPIRIES.flatMap((e) => [25_800, 25_850, 25_900, 25_950, 26_000].flatMap((k) => [option(e, k, 'CE'), option(e, k, 'PE')])),
  future('2026-12-29'),
  future('2027-01-26'),
];
const settings = (values: Record<string, unknown>): EffectiveSettings => ({
  values: Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, source: 'global' as const }])),
});
const leg = (over: Partial<Leg>): Leg => ({
  legId: '00000000-0000-4000-8000-0000000000c1',
  watchlistId: WL,
  accountId: ACC1,
  symbol: 'NIFTY2026120825900CE',
  rowSymbol: 'NIFTY',
  product: 'NRML',
  netQuantity: 65,
  targetQuantity: 65,
  averagePrice: '100.00',
  ltp: '105.00',
  pnlPerUnit: '5.00',
  tpPrice: '130.00',
  slPrice: '80.00',
  tsl: { enabled: true, armed: false, currentStop: null, bestPrice: null },
  ...over,
});
const input = (over: Partial<PreviewInput>): PreviewInput => ({
  row: nifty,
  chain,
  mode: 'OPTIONS',
  button: 'CE+',
  optionLeg: 'ATM',
  expiry: 'weekly',
  underlyingLtp: '25910.00',
  settings: settings({ stepLots: 1 }),
  legs: [],
  watchlistId: WL,
  today: '2026-12-07',
  ...over,
});

describe('keys', () => {
  it('maps Shift+B/S, 1–4 and X / Shift+X to the quick buttons, nothing else', () => {
    expect(quickKey({ key: 'B', shiftKey: true })).toBe('BUY');
    expect(quickKey({ key: 'S', shiftKey: true })).toBe('SELL');
    expect(quickKey({ key: 'b', shiftKey: false })).toBeNull(); // B alone opens the ticket
    expect(quickKey({ key: '1', code: 'Digit1', shiftKey: false })).toBe('CE+');
    expect(quickKey({ key: '2', code: 'Digit2', shiftKey: false })).toBe('CE-');
    expect(quickKey({ key: '3', code: 'Digit3', shiftKey: false })).toBe('PE+');
    expect(quickKey({ key: '4', code: 'Digit4', shiftKey: false })).toBe('PE-');
    expect(quickKey({ key: '!', code: 'Digit1', shiftKey: true })).toBeNull();
    expect(quickKey({ key: '5', code: 'Digit5', shiftKey: false })).toBeNull();
    expect(quickKey({ key: 'x', shiftKey: false })).toBe('EXIT');
    expect(quickKey({ key: 'X', shiftKey: true })).toBe('EXIT_ALL');
    expect(quickKeyLabel('CE-')).toBe('2');
    expect(quickKeyLabel('EXIT_ALL')).toBe('⇧X');
  });
});

describe('rows and modes', () => {
  it('knows the underlying of an index, a stock and a derivative', () => {
    expect(underlyingOf(nifty)).toBe('NIFTY');
    expect(underlyingOf(reliance)).toBe('RELIANCE');
    expect(underlyingOf(chain[0]!)).toBe('NIFTY');
    expect(underlyingOf({ symbol: 'X', instrumentType: 'FUT' })).toBe('X');
  });
  it('offers the modes a row supports and falls back when the list mode is not one of them', () => {
    expect(rowModes(nifty, chain)).toEqual(['FUTURES', 'OPTIONS']);
    expect(rowModes(reliance, [])).toEqual(['EQUITY']);
    expect(rowMode('OPTIONS', ['EQUITY'])).toBe('EQUITY');
    expect(rowMode('EQUITY', ['FUTURES', 'OPTIONS'])).toBe('FUTURES');
    expect(rowMode('OPTIONS', ['FUTURES', 'OPTIONS'])).toBe('OPTIONS');
    expect(rowMode('EQUITY', [])).toBeNull();
    expect(rowButtons('OPTIONS')).toEqual(['CE+', 'CE-', 'PE+', 'PE-', 'EXIT']);
    expect(rowButtons('FUTURES')).toEqual(['BUY', 'SELL', 'EXIT']);
    expect(rowButtons(null)).toEqual([]);
  });
});

describe('expiry and strike', () => {
  it('resolves weekly, monthly and a listed date; refuses the rest naming expiry', () => {
    const listed = [...EXPIRIES, '2027-01-05', '2027-01-26', '2026-12-01'];
    expect(resolveExpiry('weekly', listed, '2026-12-07')).toEqual({ ok: true, expiry: '2026-12-08' });
    expect(resolveExpiry('weekly', listed, '2026-12-08')).toEqual({ ok: true, expiry: '2026-12-08' });
    expect(resolveExpiry('monthly', listed, '2026-12-07')).toEqual({ ok: true, expiry: '2026-12-29' });
    expect(resolveExpiry('monthly', listed, '2026-12-30')).toEqual({ ok: true, expiry: '2027-01-26' });
    expect(resolveExpiry('2026-12-15', listed, '2026-12-07')).toEqual({ ok: true, expiry: '2026-12-15' });
    expect(resolveExpiry('2026-12-16', listed, '2026-12-07')).toMatchObject({ ok: false, field: 'expiry' });
    expect(resolveExpiry('2026-12-01', listed, '2026-12-07')).toMatchObject({ ok: false, field: 'expiry' });
    expect(resolveExpiry('weekly', [], '2026-12-07')).toMatchObject({ ok: false, field: 'expiry' });
  });
  it('rounds ATM half up and moves ITM / OTM the right way for calls and puts', () => {
    expect(legOffset('ATM')).toBe(0);
    expect(legOffset('ITM2')).toBe(-2);
    expect(legOffset('OTM20')).toBe(20);
    expect(legOffset('OTM21')).toBeNull();
    const step = 50 * R;
    expect(strikeFor(25_924.99 * R, step, 'ATM', 'CE')).toBe(25_900 * R);
    expect(strikeFor(25_925 * R, step, 'ATM', 'CE')).toBe(25_950 * R);
    expect(strikeFor(25_910 * R, step, 'ITM1', 'CE')).toBe(25_850 * R);
    expect(strikeFor(25_910 * R, step, 'ITM1', 'PE')).toBe(25_950 * R);
    expect(strikeFor(25_910 * R, step, 'OTM2', 'CE')).toBe(26_000 * R);
    expect(strikeFor(25_910 * R, step, 'OTM2', 'PE')).toBe(25_800 * R);
    expect(strikeFor(25_910 * R, step, 'XTM', 'PE')).toBeNull();
    expect(strikeFor(25_910 * R, 0, 'ATM', 'PE')).toBeNull();
  });
  it("reads the chain's step and prints ticks", () => {
    expect(chainStep(chain.filter((i) => i.expiry === '2026-12-08'))).toBe(50 * R);
    expect(chainStep([])).toBeNull();
    expect(ticksToPrice(1_234_500)).toBe('123.45');
    expect(ticksToPrice(1_234_567)).toBe('123.4567');
    expect(ticksToPrice(-5_000)).toBe('-0.50');
  });
});

describe('previewQuick', () => {
  it('previews the ATM call of the weekly expiry with step lots × lot size', () => {
    expect(previewQuick(input({ settings: settings({ stepLots: 2 }) }))).toEqual({
      ok: true,
      kind: 'trade',
      symbol: 'NIFTY2026120825900CE',
      lots: 2,
      quantity: 130,
      lotSize: 65,
      anchored: false,
    });
  });
  it('uses the strike step of the settings, the monthly expiry and puts', () => {
    const p = previewQuick(input({ button: 'PE-', optionLeg: 'ITM1', expiry: 'monthly', settings: settings({ strikeStep: '100' }) }));
    expect(p).toMatchObject({ ok: true, symbol: 'NIFTY2026122926000PE', lots: 1, quantity: 65 });
  });
  it('refuses an unlisted strike, an unknown expiry, a missing price and a button without an option type', () => {
    expect(previewQuick(input({ optionLeg: 'OTM5' }))).toMatchObject({ ok: false, field: 'optionLeg' });
    expect(previewQuick(input({ expiry: '2026-12-09' }))).toMatchObject({ ok: false, field: 'expiry' });
    expect(previewQuick(input({ underlyingLtp: null }))).toMatchObject({ ok: false, field: 'symbol' });
    expect(previewQuick(input({ button: 'BUY' }))).toMatchObject({ ok: false, field: 'action' });
    expect(previewQuick(input({ chain: [] }))).toMatchObject({ ok: false, field: 'symbol' });
  });
  it('keeps adding to the held contract under ANCHOR, and floats when the side is flat', () => {
    const held = leg({ symbol: 'NIFTY2026120825800CE' });
    const anchored = previewQuick(input({ settings: settings({ strikePolicy: 'ANCHOR' }), legs: [held] }));
    expect(anchored).toMatchObject({ ok: true, symbol: 'NIFTY2026120825800CE', anchored: true });
    const flat = previewQuick(input({ settings: settings({ strikePolicy: 'ANCHOR' }), legs: [{ ...held, targetQuantity: 0 }] }));
    expect(flat).toMatchObject({ ok: true, symbol: 'NIFTY2026120825900CE', anchored: false });
    const floating = previewQuick(input({ settings: settings({ strikePolicy: 'FLOAT_OFS' }), legs: [held] }));
    expect(floating).toMatchObject({ ok: true, symbol: 'NIFTY2026120825900CE' });
  });
  it('previews futures (nearest monthly), equities, and refuses an index in equity mode', () => {
    expect(previewQuick(input({ mode: 'FUTURES', button: 'BUY' }))).toMatchObject({ ok: true, symbol: 'NIFTY20261229FUT', quantity: 65 });
    expect(previewQuick(input({ mode: 'FUTURES', button: 'BUY', today: '2026-12-30' }))).toMatchObject({ symbol: 'NIFTY20270126FUT' });
    expect(previewQuick(input({ mode: 'FUTURES', button: 'BUY', chain: [] }))).toMatchObject({ ok: false, field: 'tradeMode' });
    expect(previewQuick(input({ row: reliance, mode: 'EQUITY', button: 'SELL', settings: undefined }))).toMatchObject({
      ok: true,
      symbol: 'RELIANCE',
      quantity: 1,
    });
    expect(previewQuick(input({ mode: 'EQUITY', button: 'BUY' }))).toMatchObject({ ok: false, field: 'tradeMode' });
  });
  it("lists what EXIT flattens: this row's open legs of this list", () => {
    const legs = [
      leg({}),
      leg({ accountId: ACC2 }),
      leg({ symbol: 'NIFTY2026120825900PE' }),
      leg({ symbol: 'X', targetQuantity: 0 }),
      leg({ symbol: 'Y', rowSymbol: 'BANKNIFTY' }),
      leg({ symbol: 'Z', watchlistId: ACC2 }),
    ];
    expect(previewQuick(input({ button: 'EXIT', legs }))).toEqual({
      ok: true,
      kind: 'exit',
      symbols: ['NIFTY2026120825900CE', 'NIFTY2026120825900PE'],
    });
    expect(previewQuick(input({ button: 'EXIT' }))).toMatchObject({ ok: false, field: 'symbol' });
  });
});

describe('summarizeIntent', () => {
  const response = (results: QuickOrderResponse['intent']['results']): QuickOrderResponse => ({
    intent: {
      id: '00000000-0000-4000-8000-0000000000d1',
      action: 'BUY_CE',
      instrument: null,
      targetQuantity: 65,
      resolvedSettings: {},
      results,
      createdAt: '2026-12-07T04:00:00.000Z',
    },
    summary: {
      total: results.length,
      accepted: results.filter((r) => r.status === 'accepted').length,
      failed: results.filter((r) => r.status === 'failed').length,
    },
  });
  const names = (id: string) => (id === ACC1 ? 'Paper' : 'Desk');
  it('says 2/2 accepted with what each account sends', () => {
    const s = summarizeIntent(
      response([
        { accountId: ACC1, symbol: 'C', status: 'accepted', deltaQuantity: 65, targetQuantity: 130 },
        { accountId: ACC2, symbol: 'C', status: 'accepted', deltaQuantity: 0, targetQuantity: 130 },
      ]),
      names,
    );
    expect(s).toEqual({
      title: '2/2 accepted',
      tone: 'success',
      lines: ['Paper: accepted, buying 65 C → position 130', 'Desk: accepted, already at its target C → position 130'],
      problems: [],
    });
  });
  it('names the account that failed and why', () => {
    const s = summarizeIntent(
      response([
        { accountId: ACC1, symbol: 'C', status: 'accepted', deltaQuantity: -65, targetQuantity: 0 },
        { accountId: ACC2, symbol: 'C', status: 'failed', deltaQuantity: 0, targetQuantity: 0, reason: 'the account needs a login' },
      ]),
      names,
    );
    expect(s.title).toBe('1/2 accepted');
    expect(s.tone).toBe('warning');
    expect(s.lines).toEqual(['Paper: accepted, selling 65 C → position 0', 'Desk: failed — the account needs a login']);
    expect(s.problems).toEqual(['Desk: failed — the account needs a login']);
    const none = summarizeIntent(
      response([
        { accountId: ACC1, symbol: 'C', status: 'refused', deltaQuantity: 0, targetQuantity: 0 },
        { accountId: ACC2, symbol: 'C', status: 'failed', deltaQuantity: 0, targetQuantity: 0 },
      ]),
      names,
    );
    expect(none.tone).toBe('error');
    expect(none.lines).toEqual(['Paper: refused — refused by the order checks', 'Desk: failed — the broker could not be reached']);
    expect(summarizeIntent(response([]), names).tone).toBe('error');
    const coded = summarizeIntent(
      response([
        {
          accountId: ACC1,
          symbol: 'C',
          status: 'refused',
          deltaQuantity: 0,
          targetQuantity: 65,
          reason: 'KILL_SWITCH_USER: Your kill switch is engaged',
        },
      ]),
      names,
    );
    expect(coded.problems).toEqual(['Paper: refused — Your kill switch is engaged']);
  });
});

describe('legs', () => {
  it('draws TP and SL, and the trailing stop only once armed; nothing when flat', () => {
    expect(levelsAttr(legLevels(leg({})))).toBe('TP:130.00|SL:80.00');
    const armed = leg({ tsl: { enabled: true, armed: true, currentStop: '110.00', bestPrice: '125.00' } });
    expect(levelsAttr(legLevels(armed))).toBe('TP:130.00|SL:80.00|TSL:110.00');
    expect(legLevels(leg({ netQuantity: 0 }))).toEqual([]);
    expect(legLevels(undefined)).toEqual([]);
    expect(legLevels(leg({ tpPrice: null, slPrice: null }))).toEqual([]);
  });
  it('computes P&L per unit for longs and shorts', () => {
    expect(pnlPerUnit('112.50', '100.00', 65)).toBe('12.50');
    expect(pnlPerUnit('112.50', '100.00', -65)).toBe('-12.50');
    expect(pnlPerUnit('112.50', null, 65)).toBeNull();
    expect(pnlPerUnit('112.50', '100.00', 0)).toBeNull();
  });
  it('says the trailing state', () => {
    expect(tslState(leg({}))).toBe('waiting');
    expect(tslState(leg({ tsl: { enabled: false, armed: false, currentStop: null, bestPrice: null } }))).toBe('off');
    expect(tslState(leg({ tsl: { enabled: true, armed: true, currentStop: '100.00', bestPrice: '111.00' } }))).toBe('armed');
  });
});

describe('odds and ends', () => {
  it('makes v4 UUIDs, with or without crypto.randomUUID', () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const bytes = (fill: number) => ({
      getRandomValues: <T extends ArrayBufferView | null>(a: T) => (new Uint8Array(a!.buffer).fill(fill), a),
    });
    expect(newIntentId(bytes(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(newIntentId(bytes(0x00))).toBe('00000000-0000-4000-8000-000000000000');
    expect(newIntentId()).toMatch(v4);
    expect(newIntentId({ ...bytes(1), randomUUID: () => 'from-randomUUID' })).toBe('from-randomUUID');
    const ids = new Set(Array.from({ length: 50 }, () => newIntentId({ getRandomValues: (a) => crypto.getRandomValues(a) })));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(v4);
  });
  it('dates in IST and maps problem fields to settings keys', () => {
    expect(istToday(new Date('2026-12-07T18:29:59Z'))).toBe('2026-12-07');
    expect(istToday(new Date('2026-12-07T18:30:00Z'))).toBe('2026-12-08');
    expect(settingsField('values.tpPerUnit')).toBe('tpPerUnit');
    expect(settingsField('overrides.stepLots')).toBe('stepLots');
    expect(settingsField('slPerUnit')).toBe('slPerUnit');
  });
});
