import { isBrokerError, type BrokerError } from './broker.errors';
import type { AdapterRateLimiter, RateBucket } from './rate-limiter';

export interface LimitedCall<T> {
  readonly bucket: RateBucket;
  /** How often a 429 is retried (after the limiter's back-off): reads only; 0 for writes. */
  readonly retries: number;
  /** The error to fail with, unsent, once the session is gone; null while it holds. */
  readonly refused: () => BrokerError | null;
  /** An `auth` error came back: the session is gone. */
  readonly onAuthLost: (error: BrokerError) => void;
  readonly send: () => Promise<T>;
}

/**
 * One REST call of a broker adapter behind its account's limiter: refused unsent once the session
 * is lost, an `auth` reply reported, a 429 holding the bucket for its wait (`retryAfterMs`,
 * default 1 s) and retried up to `retries` times. Every other error is rethrown as it came.
 */
export async function limitedCall<T>(limiter: AdapterRateLimiter, call: LimitedCall<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const refused = call.refused();
    if (refused) throw refused;
    await limiter.acquire(call.bucket);
    try {
      return await call.send();
    } catch (e) {
      if (!isBrokerError(e)) throw e;
      if (e.kind === 'auth') call.onAuthLost(e);
      if (e.kind === 'rate_limited') {
        limiter.backOff(call.bucket, e.retryAfterMs ?? 1_000);
        if (attempt < call.retries) continue;
      }
      throw e;
    }
  }
}
