import { convergeCauseOf } from './legs-convergence';

describe('convergeCauseOf: which order changes converge a leg again', () => {
  it('terminal states, each with its cause', () => {
    expect(convergeCauseOf({ status: 'FILLED', fills: 1 })).toBe('filled');
    expect(convergeCauseOf({ status: 'CANCELLED', fills: 0 })).toBe('cancelled');
    expect(convergeCauseOf({ status: 'REJECTED', fills: 0 })).toBe('rejected');
    expect(convergeCauseOf({ status: 'EXPIRED', fills: 0 })).toBe('expired');
  });

  it('an open order changed without a fill (accepted, an amendment confirmed or refused)', () => {
    expect(convergeCauseOf({ status: 'OPEN', fills: 0 })).toBe('changed');
  });

  it('not a partial fill or a state on the way', () => {
    expect(convergeCauseOf({ status: 'OPEN', fills: 1 })).toBeNull();
    expect(convergeCauseOf({ status: 'PARTIALLY_FILLED', fills: 1 })).toBeNull();
    expect(convergeCauseOf({ status: 'PENDING', fills: 0 })).toBeNull();
    expect(convergeCauseOf({ status: 'TRIGGER_PENDING', fills: 0 })).toBeNull();
  });
});
