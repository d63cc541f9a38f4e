import { DomainError, type Instrument } from '@tradeloop/domain';
import { validateOrderRequest } from '@tradeloop/trading';
import { fieldsOf } from '../refusal';

const INFY: Instrument = { symbol: 'INFY', exchange: 'NSE', name: 'Infosys', instrumentType: 'EQ', lotSize: 1, tickSize: 500 };
const NIFTY: Instrument = { symbol: 'NIFTY 50', exchange: 'NSE', name: 'Nifty 50', instrumentType: 'INDEX', lotSize: 1, tickSize: 500 };

type Body = Parameters<typeof validateOrderRequest>[0];
const limitBuy: Body = { side: 'BUY', type: 'LIMIT', product: 'CNC', validity: 'DAY', quantity: 10, price: '1500.05' };

/** The VALIDATION_FAILED a call throws; fails the test if it returns or throws anything else. */
function refused(f: () => unknown): DomainError {
  try {
    f();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError refusal, but the call succeeded');
}

describe('validateOrderRequest', () => {
  it('parses decimal prices into ticks', () => {
    expect(validateOrderRequest({ ...limitBuy, validity: 'IOC' }, INFY, null)).toEqual({
      side: 'BUY',
      type: 'LIMIT',
      product: 'CNC',
      validity: 'IOC',
      quantity: 10,
      price: 15_000_500,
      triggerPrice: null,
    });
    expect(validateOrderRequest({ ...limitBuy, price: '1500' }, INFY, null).price).toBe(15_000_000);
  });

  it('an absent validity (a body that skipped the contract’s default) is DAY', () => {
    const { validity: _v, ...noValidity } = limitBuy;
    expect(validateOrderRequest(noValidity as Body, INFY, null).validity).toBe('DAY');
  });

  it('parses a stop-loss trigger and checks it against the LTP', () => {
    const sl: Body = { side: 'BUY', type: 'SL', product: 'MIS', quantity: 1, price: '1510.00', triggerPrice: '1505.00', validity: 'DAY' };
    expect(validateOrderRequest(sl, INFY, 15_000_000)).toMatchObject({ price: 15_100_000, triggerPrice: 15_050_000 });

    const crossed = refused(() => validateOrderRequest(sl, INFY, 15_060_000));
    expect(crossed.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(crossed)).toEqual(['triggerPrice']);
    expect(crossed.options.fieldErrors![0]!.message).toContain('1506.00');
  });

  it('a market order carries no prices', () => {
    expect(validateOrderRequest({ side: 'SELL', type: 'MARKET', product: 'CNC', validity: 'DAY', quantity: 3 }, INFY, null)).toMatchObject({
      price: null,
      triggerPrice: null,
    });
  });

  it.each([
    ['not a number', 'abc'],
    ['too many decimals', '1500.00001'],
    ['negative', '-5'],
    ['a number, not a string', 1500 as unknown as string],
    ['zero', '0.0000'],
  ])('refuses a price that is %s, naming the field', (_why, price) => {
    const err = refused(() => validateOrderRequest({ ...limitBuy, price }, INFY, null));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err)).toEqual(['price']);
  });

  it('names triggerPrice when the trigger is the malformed one', () => {
    const err = refused(() =>
      validateOrderRequest({ side: 'SELL', type: 'SL-M', product: 'CNC', validity: 'DAY', quantity: 1, triggerPrice: '14,99' }, INFY, null),
    );
    expect(fieldsOf(err)).toEqual(['triggerPrice']);
  });

  it('a parsed price off the tick size is refused with the tick in the message', () => {
    const err = refused(() => validateOrderRequest({ ...limitBuy, price: '1500.02' }, INFY, null));
    expect(fieldsOf(err)).toEqual(['price']);
    expect(err.options.fieldErrors![0]!.message).toBe('must be a multiple of the tick size (0.05)');
  });

  it('lists every problem of a well-formed request by field', () => {
    const err = refused(() =>
      validateOrderRequest({ side: 'BUY', type: 'MARKET', product: 'NRML', quantity: 0, price: '1500.00', validity: 'IOC' }, INFY, null),
    );
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err).sort()).toEqual(['price', 'product', 'quantity']);
  });

  it('a missing limit price and an index symbol are named', () => {
    const { price: _p, ...noPrice } = limitBuy;
    expect(fieldsOf(refused(() => validateOrderRequest(noPrice, INFY, null)))).toEqual(['price']);
    expect(fieldsOf(refused(() => validateOrderRequest(limitBuy, NIFTY, null)))).toEqual(['symbol']);
  });

  it('a malformed price string is refused on its own, before the other fields are checked', () => {
    // parsePrice throws before validateOrder collects field errors: the quantity is not named too.
    const err = refused(() => validateOrderRequest({ ...limitBuy, quantity: 0, price: 'abc' }, INFY, null));
    expect(fieldsOf(err)).toEqual(['price']);
  });
});
