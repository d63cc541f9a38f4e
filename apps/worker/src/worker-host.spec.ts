import { JOBS } from '@tradeloop/contracts';
import { indexHandlers, type JobHandler } from '@tradeloop/server';

const handler = (): JobHandler => ({ job: JOBS.purgeExpiredSessions, handle: async () => undefined });

describe('job handler registry', () => {
  it('accepts exactly one handler per job name', () => {
    expect(indexHandlers([handler()]).size).toBe(Object.keys(JOBS).length);
  });
  it('names missing and duplicated handlers', () => {
    expect(() => indexHandlers([])).toThrow(`job "${JOBS.purgeExpiredSessions}" has no handler`);
    expect(() => indexHandlers([handler(), handler()])).toThrow('has more than one handler');
  });
});
