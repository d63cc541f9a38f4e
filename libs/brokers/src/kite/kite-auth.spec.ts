import { KITE_POSTBACK as postback, KITE_POSTBACK_DIGEST as POSTBACK_DIGEST } from './kite.fixture';
import {
  KITE_LOGIN_ROOT,
  kiteAuthHeader,
  kiteHeaders,
  kiteLoginUrl,
  kitePostbackChecksum,
  kiteSessionChecksum,
  kiteSessionForm,
  verifyKitePostback,
} from './kite-auth';

// Digests computed outside this code (python3 hashlib.sha256), not with the function under test.
const SESSION_DIGEST = '63e932da1ec8a1f054270c46dbb0ab4b07b0a2b424641f1c5c7b221b2d9ebdf7'; // 'xxxxxx' + 'yyyyyy' + 'zzzzzz'

describe('Kite login URL', () => {
  it('carries v=3 and the api key', () => {
    const url = new URL(kiteLoginUrl(KITE_LOGIN_ROOT, 'my_key'));
    expect(`${url.origin}${url.pathname}`).toBe('https://kite.zerodha.com/connect/login');
    expect(url.searchParams.get('v')).toBe('3');
    expect(url.searchParams.get('api_key')).toBe('my_key');
    expect(url.searchParams.has('redirect_params')).toBe(false);
  });

  it('passes redirect_params as one encoded query string that decodes back to the params', () => {
    const text = kiteLoginUrl('http://127.0.0.1:9000/connect/login', 'k', { state: 'a b&c=d', user: '42' });
    expect(text).toContain('redirect_params=state%3Da%2Bb%2526c%253Dd%26user%3D42');
    const inner = new URLSearchParams(new URL(text).searchParams.get('redirect_params') ?? '');
    expect(inner.get('state')).toBe('a b&c=d');
    expect(inner.get('user')).toBe('42');
  });

  it('refuses an empty api key', () => {
    expect(() => kiteLoginUrl(KITE_LOGIN_ROOT, '')).toThrow(RangeError);
  });
});

describe('Kite session checksum', () => {
  it('is the hex SHA-256 of api_key + request_token + api_secret', () => {
    expect(kiteSessionChecksum('xxxxxx', 'yyyyyy', 'zzzzzz')).toBe(SESSION_DIGEST);
  });

  it('depends on the order of its parts', () => {
    expect(kiteSessionChecksum('yyyyyy', 'xxxxxx', 'zzzzzz')).not.toBe(SESSION_DIGEST);
  });

  it('builds the token-exchange form', () => {
    const form = kiteSessionForm('xxxxxx', 'yyyyyy', 'zzzzzz');
    expect(Object.fromEntries(form)).toEqual({ api_key: 'xxxxxx', request_token: 'yyyyyy', checksum: SESSION_DIGEST });
  });

  it('refuses empty parts', () => {
    expect(() => kiteSessionChecksum('k', '', 's')).toThrow(RangeError);
    expect(() => kiteSessionChecksum('k', 't', '')).toThrow(RangeError);
  });
});

describe('Kite postback checksum', () => {
  it('is the hex SHA-256 of order_id + order_timestamp + api_secret', () => {
    expect(kitePostbackChecksum('220303000308932', '2022-03-03 09:24:25', 'test_secret')).toBe(POSTBACK_DIGEST);
  });

  it('accepts the postback signed with our secret, in either hex case', () => {
    expect(verifyKitePostback(postback, 'test_secret')).toBe(true);
    expect(verifyKitePostback({ ...postback, checksum: POSTBACK_DIGEST.toUpperCase() }, 'test_secret')).toBe(true);
  });

  it('refuses another secret, a changed order id or timestamp, and a wrong checksum', () => {
    expect(verifyKitePostback(postback, 'other_secret')).toBe(false);
    expect(verifyKitePostback({ ...postback, order_id: '220303000308933' }, 'test_secret')).toBe(false);
    expect(verifyKitePostback({ ...postback, order_timestamp: '2022-03-03 09:24:26' }, 'test_secret')).toBe(false);
    const flipped = (POSTBACK_DIGEST[0] === 'a' ? 'b' : 'a') + POSTBACK_DIGEST.slice(1);
    expect(verifyKitePostback({ ...postback, checksum: flipped }, 'test_secret')).toBe(false);
    // The mock's own checksum was made with a secret we do not know.
    expect(
      verifyKitePostback({ ...postback, checksum: 'aa389e3f151b51d34809d96299463207da0353105274d9495bad54a38ec227c1' }, 'test_secret'),
    ).toBe(false);
  });

  it('refuses malformed bodies without throwing', () => {
    for (const body of [
      null,
      'text',
      [postback],
      { ...postback, checksum: undefined },
      { ...postback, checksum: POSTBACK_DIGEST.slice(0, 62) },
      { ...postback, checksum: `${POSTBACK_DIGEST.slice(0, 63)}g` },
      { ...postback, order_id: 220303000308932 },
      { ...postback, order_timestamp: '' },
    ]) {
      expect(verifyKitePostback(body, 'test_secret')).toBe(false);
    }
  });
});

describe('Kite auth headers', () => {
  it('sends token api_key:access_token and X-Kite-Version 3', () => {
    expect(kiteAuthHeader('my_key', 'tok123')).toBe('token my_key:tok123');
    expect(kiteHeaders('my_key', 'tok123')).toEqual({ 'X-Kite-Version': '3', Authorization: 'token my_key:tok123' });
  });

  it('refuses a missing access token', () => {
    expect(() => kiteAuthHeader('my_key', '')).toThrow(RangeError);
  });
});
