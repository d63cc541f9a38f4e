import type { Db } from '@tradeloop/platform';
import { OrderHistoryVerifier, type OrderHistoryVerifyResult } from '@tradeloop/trading';

/**
 * Every order in the file's database rebuilt from its stored history (domain replayOrder) must
 * be its row — status, terms, fills (= its trades), reject reason, basis, hold, broker ids,
 * cancel flag, pending change, send attempts — with each entry's stored status the one the replay
 * reaches after it. Read in one snapshot, so it holds while the engine is still working.
 * `atLeast`: how many orders the file is known to have made (0 when it may have made none).
 */
export async function expectEveryOrderReplays(db: Db, atLeast = 1): Promise<OrderHistoryVerifyResult> {
  const result = await new OrderHistoryVerifier(db).verify();
  expect(result.problems).toEqual([]);
  expect(result.ordersChecked).toBeGreaterThanOrEqual(atLeast);
  return result;
}
