import { SignJWT } from 'jose';
import type { AppConfig } from '@tradeloop/platform';
import { AccessTokens } from './access-tokens';

const config = { JWT_ACCESS_SECRET: 'k'.repeat(40), JWT_ACCESS_TTL_SECONDS: 900, AUTH_CACHE_TTL_MS: 2000 } as AppConfig;

describe('access tokens', () => {
  it('sign → verify round-trips the claims', async () => {
    const tokens = new AccessTokens(config);
    const t = await tokens.sign({ userId: 'u1', sessionId: 's1' });
    expect(await tokens.verify(t)).toEqual({ userId: 'u1', sessionId: 's1' });
    expect(await tokens.verify(t)).toEqual({ userId: 'u1', sessionId: 's1' }); // cached path
  });

  it('a cached token still expires on time', async () => {
    const tokens = new AccessTokens(config);
    const t = await tokens.sign({ userId: 'u1', sessionId: 's1' });
    await tokens.verify(t);
    await expect(tokens.verify(t, Date.now() + 901_000)).rejects.toThrow(/expired/);
  });

  it('refuses tampering, other keys and alg none', async () => {
    const tokens = new AccessTokens(config);
    const t = await tokens.sign({ userId: 'u1', sessionId: 's1' });
    const [h, p, sig] = t.split('.');
    const evilPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'admin' })).toString(
      'base64url',
    );
    await expect(tokens.verify(`${h}.${evilPayload}.${sig}`)).rejects.toThrow(/Invalid/);
    const other = await new SignJWT({ sid: 's1', typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer('tradeloop')
      .setAudience('tradeloop-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    await expect(tokens.verify(other)).rejects.toThrow(/Invalid/);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    await expect(tokens.verify(none)).rejects.toThrow(/Invalid/);
  });
});
