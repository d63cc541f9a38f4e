import type { UserId } from '@tradeloop/domain';
import type { UsersRepository } from '@tradeloop/identity';
import type { QuotesStore } from '@tradeloop/market';
import {
  AdminListUserOrdersQuery,
  AdminListUserPositionsQuery,
  ListOrdersQuery,
  ListPositionsQuery,
  toOrderDto,
  type TradingRepository,
} from '@tradeloop/trading';
import { FakeDb, FakeQuotes, FakeTrading, FakeUsers, port } from '../../fakes';
import { refusal } from '../refusal';

function setup() {
  const db = new FakeDb();
  const users = new FakeUsers(db);
  const trading = new FakeTrading(db);
  const repo = port<TradingRepository>(trading);
  const alice = users.add({ email: 'alice@example.com' });
  return {
    trading,
    alice: alice.id,
    orders: new AdminListUserOrdersQuery(port<UsersRepository>(users), new ListOrdersQuery(repo)),
    positions: new AdminListUserPositionsQuery(
      port<UsersRepository>(users),
      new ListPositionsQuery(repo, port<QuotesStore>(new FakeQuotes())),
    ),
  };
}

describe('an admin’s reads of one user’s orders and positions', () => {
  it('answer what the user’s own queries answer for them', async () => {
    const w = setup();
    const mine = w.trading.addOrder({ user_id: w.alice });
    w.trading.addOrder({ user_id: 'bob' as UserId });

    expect(await w.orders.execute(w.alice, { limit: 50 })).toEqual([toOrderDto(mine)]);
    expect(await w.positions.execute(w.alice)).toEqual([]);
  });

  it('an unknown user is NOT_FOUND (not an empty list)', async () => {
    const w = setup();
    const nobody = '0190f5e6-0000-7000-8000-000000000000' as UserId;
    expect((await refusal(w.orders.execute(nobody, { limit: 50 }))).code).toBe('NOT_FOUND');
    expect((await refusal(w.positions.execute(nobody))).code).toBe('NOT_FOUND');
  });
});
