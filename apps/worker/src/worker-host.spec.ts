import { JOBS } from '@tradeloop/contracts';
import { indexHandlers, type JobHandler } from '@tradeloop/platform';

const handlerFor = (job: JobHandler['job']): JobHandler => ({ job, handle: async () => undefined });
const handler = () => handlerFor(JOBS.purgeExpiredSessions);
const all = () => Object.values(JOBS).map(handlerFor);

describe('job handler registry', () => {
  it('accepts exactly one handler per job name', () => {
    expect(indexHandlers(all()).size).toBe(Object.keys(JOBS).length);
  });
  it('names missing and duplicated handlers', () => {
    expect(() => indexHandlers([])).toThrow(`job "${JOBS.purgeExpiredSessions}" has no handler`);
    expect(() => indexHandlers([...all(), handler()])).toThrow('has more than one handler');
    expect(() => indexHandlers(all().slice(1))).toThrow('has no handler');
  });
});
