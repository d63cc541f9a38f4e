import { BrokerError } from '../adapter/broker.errors';
import { kiteSessionChecksum } from './kite-auth';
import { exchangeKiteRequestToken, type KiteSessionFetch } from './kite-session';

const reply =
  (status: number, body: string): KiteSessionFetch =>
  async () => ({ status, text: async () => body, headers: { get: () => null } });

describe('exchangeKiteRequestToken (POST /session/token)', () => {
  it('sends the form with the checksum and the version header to the configured root', async () => {
    const seen: { url: string; body: string; headers: Record<string, string> }[] = [];
    const fetch: KiteSessionFetch = async (url, init) => {
      seen.push({ url, body: init.body, headers: init.headers });
      return {
        status: 200,
        text: async () => JSON.stringify({ status: 'success', data: { access_token: 'at-1', user_id: 'AB1234' } }),
        headers: { get: () => null },
      };
    };
    const session = await exchangeKiteRequestToken('key1', 'rt-1', 'sec1', { apiRoot: 'http://127.0.0.1:9/kite/', fetch });
    expect(session).toEqual({ accessToken: 'at-1', userId: 'AB1234' });
    expect(seen[0]!.url).toBe('http://127.0.0.1:9/kite/session/token');
    expect(seen[0]!.headers['X-Kite-Version']).toBe('3');
    const form = new URLSearchParams(seen[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      api_key: 'key1',
      request_token: 'rt-1',
      checksum: kiteSessionChecksum('key1', 'rt-1', 'sec1'),
    });
  });

  it("Kite's refusals are BrokerErrors with Kite's message (TokenException auth, InputException final)", async () => {
    const token = await exchangeKiteRequestToken('k', 'r', 's', {
      fetch: reply(403, JSON.stringify({ status: 'error', error_type: 'TokenException', message: 'Token is invalid or has expired.' })),
    }).catch((e: unknown) => e);
    expect(token).toBeInstanceOf(BrokerError);
    expect(token).toMatchObject({ kind: 'auth', code: 'TokenException', brokerMessage: 'Token is invalid or has expired.' });
    const input = await exchangeKiteRequestToken('k', 'r', 's', {
      fetch: reply(400, JSON.stringify({ status: 'error', error_type: 'InputException', message: 'Invalid `checksum`.' })),
    }).catch((e: unknown) => e);
    expect(input).toMatchObject({ kind: 'final', code: 'InputException' });
  });

  it('a 200 without an access token, or not JSON, is an invalid response', async () => {
    await expect(
      exchangeKiteRequestToken('k', 'r', 's', { fetch: reply(200, JSON.stringify({ status: 'success', data: {} })) }),
    ).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
    await expect(exchangeKiteRequestToken('k', 'r', 's', { fetch: reply(200, '<html>') })).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
  });

  it('times out (retryable, TIMEOUT) and reports network failures', async () => {
    const hang: KiteSessionFetch = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    await expect(exchangeKiteRequestToken('k', 'r', 's', { fetch: hang, timeoutMs: 20 })).rejects.toMatchObject({
      kind: 'retryable',
      code: 'TIMEOUT',
    });
    const down: KiteSessionFetch = async () => {
      throw new Error('ECONNREFUSED');
    };
    await expect(exchangeKiteRequestToken('k', 'r', 's', { fetch: down })).rejects.toMatchObject({ kind: 'retryable', code: 'NETWORK' });
  });
});
