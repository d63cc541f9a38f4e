import { ConfigError, describeConfig, loadConfig, parseKeyRing } from '.';

const valid = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  JWT_ACCESS_SECRET: 's'.repeat(40),
  MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  BROKER_CREDENTIALS_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
};

describe('config', () => {
  it('applies defaults', () => {
    const c = loadConfig(valid);
    expect(c.PORT).toBe(3000);
    expect(c.JWT_ACCESS_TTL_SECONDS).toBe(900);
    expect(c.REGISTRATION_ENABLED).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every missing required variable', () => {
    try {
      loadConfig({});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      for (const key of ['DATABASE_URL', 'REDIS_URL', 'JWT_ACCESS_SECRET', 'MFA_ENCRYPTION_KEY', 'BROKER_CREDENTIALS_KEYS'])
        expect(msg).toContain(`${key} is required`);
    }
  });

  it('never echoes a sensitive value, but does echo others', () => {
    const err = (() => {
      try {
        loadConfig({ ...valid, JWT_ACCESS_SECRET: 'too-short-secret', PORT: 'eighty' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err!.message).toContain('JWT_ACCESS_SECRET is invalid');
    expect(err!.message).not.toContain('too-short-secret');
    expect(err!.message).toContain('"eighty"');
  });

  it('caps the access token lifetime at 15 minutes', () => {
    expect(() => loadConfig({ ...valid, JWT_ACCESS_TTL_SECONDS: '3600' })).toThrow(ConfigError);
  });

  it('a broker market feed names the account whose session it uses', () => {
    expect(loadConfig(valid).MARKET_FEED).toBe('simulated');
    expect(() => loadConfig({ ...valid, MARKET_FEED: 'kite' })).toThrow(/MARKET_FEED_ACCOUNT_ID is required with MARKET_FEED=kite/);
    const id = '0190a4c2-7b1e-7cc0-8a35-5f3f1d2e9b10';
    expect(loadConfig({ ...valid, MARKET_FEED: 'kite', MARKET_FEED_ACCOUNT_ID: id })).toMatchObject({
      MARKET_FEED: 'kite',
      MARKET_FEED_ACCOUNT_ID: id,
    });
    expect(() => loadConfig({ ...valid, MARKET_FEED: 'kite', MARKET_FEED_ACCOUNT_ID: 'acc-1' })).toThrow(
      /MARKET_FEED_ACCOUNT_ID is invalid/,
    );
    expect(() => loadConfig({ ...valid, MARKET_FEED: 'bloomberg' })).toThrow(/MARKET_FEED is invalid/);
  });

  it('parses booleans strictly', () => {
    expect(loadConfig({ ...valid, REGISTRATION_ENABLED: 'false' }).REGISTRATION_ENABLED).toBe(false);
    expect(() => loadConfig({ ...valid, REGISTRATION_ENABLED: 'nope' })).toThrow(ConfigError);
  });

  it('broker credentials key ring: id:base64 pairs of 32-byte keys, the active id in the ring, never echoed', () => {
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const two = `${valid.BROKER_CREDENTIALS_KEYS}, k2:${k2}`;
    expect(loadConfig({ ...valid, BROKER_CREDENTIALS_KEYS: two, BROKER_CREDENTIALS_KEY_ID: 'k2' }).BROKER_CREDENTIALS_KEY_ID).toBe('k2');
    expect([...parseKeyRing(two).keys()]).toEqual(['k1', 'k2']);
    const problem = (env: Record<string, string>) => {
      try {
        loadConfig({ ...valid, ...env });
      } catch (e) {
        return (e as Error).message;
      }
      return null;
    };
    expect(problem({ BROKER_CREDENTIALS_KEY_ID: 'k9' })).toContain('BROKER_CREDENTIALS_KEY_ID is invalid');
    const short = `k1:${Buffer.alloc(16, 3).toString('base64')}`;
    const msg = problem({ BROKER_CREDENTIALS_KEYS: short });
    expect(msg).toContain('BROKER_CREDENTIALS_KEYS is invalid');
    expect(msg).not.toContain(short);
    expect(problem({ BROKER_CREDENTIALS_KEYS: `nokeyid` })).toContain('BROKER_CREDENTIALS_KEYS is invalid');
    expect(problem({ BROKER_CREDENTIALS_KEYS: `${valid.BROKER_CREDENTIALS_KEYS},${valid.BROKER_CREDENTIALS_KEYS}` })).toContain('twice');
  });

  it('describes every variable for the README', () => {
    const rows = describeConfig();
    expect(rows.find((r) => r.name === 'DATABASE_URL')).toMatchObject({ required: true, sensitive: true });
    expect(rows.find((r) => r.name === 'PORT')).toMatchObject({ required: false, default: '3000' });
    expect(rows.every((r) => r.description.length > 5)).toBe(true);
  });
});
