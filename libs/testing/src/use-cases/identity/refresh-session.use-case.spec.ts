import { sessionRoom } from '@tradeloop/contracts';
import { RefreshSessionUseCase } from '@tradeloop/identity';
import { refusal } from '../refusal';
import { addUser, identityWorld, meta } from './identity-world';

const NOW = new Date('2025-03-14T09:26:53.000Z');
const DAY = 86_400_000;

function setup() {
  const w = identityWorld({ REFRESH_TTL_DAYS: '14' });
  const { config, ports } = w;
  const refresh = new RefreshSessionUseCase(config, ports.db, ports.sessions, w.tokens, ports.audit, ports.realtime, ports.cache);
  const alice = addUser(w, 'alice@example.com');
  const session = w.sessions.add(alice.id, new Date(NOW.getTime() + 3 * DAY));
  return { ...w, refresh, alice, session };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RefreshSessionUseCase', () => {
  it('exchanges a live token for a new pair, retires the old one and slides the session’s expiry', async () => {
    const w = setup();
    const pair = await w.refresh.execute(w.session.refreshToken, meta);

    const old = w.sessions.tokens.get(w.session.refreshToken)!;
    const next = w.sessions.tokens.get(pair.refreshToken)!;
    expect(pair.refreshToken).not.toBe(w.session.refreshToken);
    expect(old).toMatchObject({ rotatedAt: NOW, replacedBy: next.id });
    expect(next).toMatchObject({ sessionId: w.session.id, rotatedAt: null, expiresAt: new Date(NOW.getTime() + 14 * DAY) });
    expect(w.sessions.rows.get(w.session.id)).toMatchObject({ expiresAt: next.expiresAt, lastSeenAt: NOW });
    expect(await w.tokens.verify(pair.accessToken)).toEqual({ userId: w.alice.id, sessionId: w.session.id });
    expect(w.audit.records).toEqual([]);
  });

  it('a retired token presented again revokes the whole session durably (committed), audits it and closes its sockets', async () => {
    const w = setup();
    const pair = await w.refresh.execute(w.session.refreshToken, meta);
    const err = await refusal(w.refresh.execute(w.session.refreshToken, meta));

    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(/already used/);
    expect(w.db.transactions.map((t) => t.state)).toEqual(['committed', 'committed']); // the revocation stands
    expect(w.sessions.rows.get(w.session.id)!.revokedReason).toBe('refresh_token_reuse');
    expect(w.audit.records.map((r) => [r.action, r.subject, r.details, r.inTransaction])).toEqual([
      ['auth.refresh_reuse_detected', `session:${w.session.id}`, { tokenId: w.sessions.tokens.get(w.session.refreshToken)!.id }, true],
    ]);
    expect(w.cache.invalidated).toEqual([{ sessionId: w.session.id }]);
    expect(w.realtime.disconnected).toEqual([sessionRoom(w.session.id)]);
    // The owner's newer token dies with the session.
    expect((await refusal(w.refresh.execute(pair.refreshToken, meta))).message).toMatch(/session revoked/);
  });

  it.each([
    ['an unknown token', (w: ReturnType<typeof setup>) => 'not-a-token' + w.session.id, /Invalid refresh token/],
    [
      'an expired token',
      (w: ReturnType<typeof setup>) => {
        w.sessions.tokens.get(w.session.refreshToken)!.expiresAt = new Date(NOW.getTime() - 1);
        return w.session.refreshToken;
      },
      /expired/,
    ],
    [
      'a token of a disabled user',
      (w: ReturnType<typeof setup>) => {
        w.users.update(undefined, w.alice.id, { disabled_at: new Date(NOW.getTime() - DAY) });
        return w.session.refreshToken;
      },
      /user disabled/,
    ],
    [
      'a token of a revoked session',
      (w: ReturnType<typeof setup>) => {
        w.sessions.rows.get(w.session.id)!.revokedAt = new Date(NOW.getTime() - DAY);
        return w.session.refreshToken;
      },
      /session revoked/,
    ],
  ])('refuses %s (UNAUTHENTICATED) without rotating, revoking or auditing', async (_what, arrange, message) => {
    const w = setup();
    const token = arrange(w);
    const tokensBefore = w.sessions.tokens.size;
    const err = await refusal(w.refresh.execute(token, meta));

    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(message);
    expect(w.sessions.tokens.size).toBe(tokensBefore);
    expect(w.sessions.tokens.get(w.session.refreshToken)!.rotatedAt).toBeNull();
    expect(w.audit.records).toEqual([]);
    expect(w.realtime.disconnected).toEqual([]);
  });
});
