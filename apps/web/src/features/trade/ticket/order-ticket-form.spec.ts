import { describe, expect, it } from 'vitest';
import type { PositionDto } from '@tradeloop/contracts';
import { ApiError } from '../../../lib/api-error';
import {
  INITIAL_DRAFT,
  describeRefusal,
  longQuantity,
  orderBody,
  parseLots,
  prefillForType,
  productFor,
  refusalView,
  submitLabel,
  toTick,
  unitsFor,
  validateTicket,
} from './order-ticket-form';

const draft = (over: Partial<typeof INITIAL_DRAFT> = {}) => ({ ...INITIAL_DRAFT, ...over });

describe('lots and units', () => {
  it('takes a whole number of lots only', () => {
    expect(parseLots(' 3 ')).toBe(3);
    for (const text of ['', '1.5', '-1', '1e3', 'two']) expect(parseLots(text)).toBeNaN();
    expect(unitsFor(3, 25)).toBe(75);
    expect(unitsFor(NaN, 25)).toBeNaN();
  });
});

describe('prefillForType', () => {
  it('fills empty price / trigger boxes from the LTP, rounded down to the tick', () => {
    // LTP 1439.87 (ticks of 1/10000), tick 0.05 (500) → 1439.85.
    expect(prefillForType(draft(), 'LIMIT', '1439.87', 500)).toEqual(draft({ type: 'LIMIT', price: '1439.85' }));
    expect(prefillForType(draft(), 'SL', '1439.87', 500)).toEqual(draft({ type: 'SL', price: '1439.85', trigger: '1439.85' }));
    expect(prefillForType(draft(), 'SL-M', '1439.87', 500)).toEqual(draft({ type: 'SL-M', trigger: '1439.85' }));
    expect(toTick(14398700, 0)).toBe(14398700);
  });

  it('leaves a typed box alone, and everything without an LTP', () => {
    expect(prefillForType(draft({ price: '1200' }), 'LIMIT', '1439.87', 500).price).toBe('1200');
    expect(prefillForType(draft(), 'LIMIT', null, 500)).toEqual(draft({ type: 'LIMIT' }));
  });
});

describe('validateTicket', () => {
  const ok = { symbol: 'RELIANCE', instrument: 'known' as const, product: 'CNC' as const };

  it('passes a complete market order', () => {
    expect(validateTicket({ ...ok, draft: draft() })).toEqual({});
  });

  it('names each missing or wrong field', () => {
    expect(validateTicket({ ...ok, instrument: 'loading', draft: draft() })).toEqual({ symbol: 'Loading the instrument…' });
    expect(validateTicket({ ...ok, instrument: 'unknown', draft: draft() })).toEqual({ symbol: 'Unknown instrument RELIANCE' });
    expect(validateTicket({ ...ok, draft: draft({ lots: '0' }) })).toEqual({ quantity: 'Enter a whole number of lots, at least 1' });
    expect(validateTicket({ ...ok, draft: draft({ type: 'LIMIT', price: '0' }) })).toEqual({ price: 'Enter a price' });
    expect(validateTicket({ ...ok, draft: draft({ type: 'SL', price: '10', trigger: '' }) })).toEqual({
      triggerPrice: 'Enter a trigger price',
    });
    expect(validateTicket({ ...ok, product: null, draft: draft() })).toEqual({ product: 'This instrument cannot be traded' });
  });
});

describe('orderBody', () => {
  it('sends units, and the price / trigger only for the types that take them, trimmed', () => {
    expect(orderBody('TCS', 'SELL', draft({ price: '1', trigger: '2' }), 2, 'MIS')).toEqual({
      symbol: 'TCS',
      side: 'SELL',
      type: 'MARKET',
      quantity: 2,
      product: 'MIS',
    });
    expect(orderBody('TCS', 'BUY', draft({ type: 'SL', price: ' 10.05 ', trigger: ' 10.00 ' }), 1, 'CNC')).toMatchObject({
      price: '10.05',
      triggerPrice: '10.00',
    });
  });
});

describe('positions and products', () => {
  it('counts the long units of the symbol and product only', () => {
    const positions = [
      { symbol: 'TCS', product: 'CNC', netQuantity: 5 },
      { symbol: 'TCS', product: 'MIS', netQuantity: 7 },
      { symbol: 'INFY', product: 'CNC', netQuantity: 9 },
      { symbol: 'TCS', product: 'CNC', netQuantity: -2 },
    ] as PositionDto[];
    expect(longQuantity(positions, 'TCS', 'CNC')).toBe(5);
    expect(longQuantity(positions, 'TCS', null)).toBe(0);
  });

  it('keeps the product picked while the instrument offers it', () => {
    expect(productFor('MIS', ['CNC', 'MIS'])).toBe('MIS');
    expect(productFor('CNC', ['NRML', 'MIS'])).toBe('NRML');
    expect(productFor(null, [])).toBeNull();
  });
});

describe('refusals', () => {
  const refusal = (fieldErrors: { field: string; message: string }[], code = 'VALIDATION_FAILED') =>
    new ApiError({ status: 400, code, detail: 'Bad order', fieldErrors });

  it('puts field errors under the fields, the first message each, without a banner', () => {
    const view = refusalView(
      refusal([
        { field: 'price', message: 'off the tick' },
        { field: 'price', message: 'second' },
      ]),
    );
    expect(view).toEqual({ fieldErrors: { price: 'off the tick' }, banner: false });
  });

  it('shows the banner for a field the ticket lacks, and for any other failure', () => {
    expect(refusalView(refusal([{ field: 'validity', message: 'no' }]))).toEqual({ fieldErrors: {}, banner: true });
    expect(refusalView(refusal([]))).toEqual({ banner: true });
    expect(refusalView(new Error('offline'))).toEqual({ banner: true });
  });

  it('titles the banner by code', () => {
    expect(describeRefusal(new ApiError({ status: 423, code: 'KILL_SWITCH_ENGAGED', detail: 'Halted' }))).toEqual({
      code: 'KILL_SWITCH_ENGAGED',
      title: 'Refused: kill switch engaged',
      detail: 'Halted',
      fields: [],
    });
    expect(describeRefusal(refusal([{ field: 'validity', message: 'no' }])).title).toBe('The order was not accepted');
    expect(describeRefusal(new Error('offline'))).toMatchObject({ code: 'ERROR', title: 'Could not place the order', detail: 'offline' });
  });
});

describe('submitLabel', () => {
  it('names side, lots and symbol', () => {
    expect(submitLabel('BUY', 1, 'RELIANCE')).toBe('Buy 1 lot RELIANCE');
    expect(submitLabel('SELL', 3, 'TCS')).toBe('Sell 3 lots TCS');
    expect(submitLabel('BUY', NaN, 'TCS')).toBe('Buy  TCS');
  });
});
