import { describe, expect, it } from 'vitest';
import { ApiError, describeError, groupIndian, readableMessage } from './api-error';

describe('describeError', () => {
  it('a generic refusal shows the reason its field errors carry', () => {
    const e = new ApiError({
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'Invalid order',
      fieldErrors: [{ field: 'quantity', message: 'CNC cannot sell short: at most 5 units can be sold' }],
    });
    expect(describeError(e)).toBe('Invalid order — quantity: CNC cannot sell short: at most 5 units can be sold');
  });

  it('plain validator text and amounts, each reason once', () => {
    const e = new ApiError({
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'The request is invalid',
      fieldErrors: [
        { field: 'quantity', message: 'Too small: expected number to be >=1' },
        { field: 'quantity', message: 'Too small: expected number to be >=1' },
        { field: 'price', message: 'Too big: expected number to be <=10000000' },
      ],
    });
    expect(describeError(e)).toBe('The request is invalid — quantity: must be at least 1; price: must be at most 1,00,00,000');
  });

  it('a detail alone, an Error, anything else', () => {
    expect(
      describeError(new ApiError({ status: 422, code: 'RISK_REJECTED', detail: '₹999999999.00 exceeds the limit of ₹1000000.00' })),
    ).toBe('₹99,99,99,999.00 exceeds the limit of ₹10,00,000.00');
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('x')).toBe('Something went wrong');
  });
});

describe('readableMessage', () => {
  it('groups the Indian way and leaves grouped or small amounts alone', () => {
    expect(groupIndian('1')).toBe('1');
    expect(groupIndian('999')).toBe('999');
    expect(groupIndian('1000')).toBe('1,000');
    expect(groupIndian('100000')).toBe('1,00,000');
    expect(groupIndian('1234567')).toBe('12,34,567');
    expect(readableMessage('₹1,00,000.00 and ₹500.50 and ₹100000')).toBe('₹1,00,000.00 and ₹500.50 and ₹1,00,000');
  });

  it('says lengths plainly and leaves other text as it is', () => {
    expect(readableMessage('Too big: expected string to have <=100 characters')).toBe('must be at most 100 characters');
    expect(readableMessage('CNC cannot sell short')).toBe('CNC cannot sell short');
  });
});
