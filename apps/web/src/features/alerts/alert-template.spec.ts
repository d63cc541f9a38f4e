import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAlertPayload } from '@tradeloop/domain';
import { absoluteHookUrl, parseSymbols, sampleAlert, signedCurlExample, splitLabel, tradingViewTemplate } from './alert-template';

describe('splitLabel', () => {
  it.each([
    [50, 'A 50 % / B 50 %'],
    [100, 'A 100 % / B 0 %'],
    [0, 'A 0 % / B 100 %'],
    [33.33, 'A 33.33 % / B 66.67 %'],
    [150, 'A 100 % / B 0 %'],
  ])('%s → %s', (split, label) => expect(splitLabel(split)).toBe(label));
});

describe('absoluteHookUrl', () => {
  it('puts the API path on the page origin, keeps absolute URLs', () => {
    expect(absoluteHookUrl('/api/v1/hooks/abc', 'http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000/api/v1/hooks/abc');
    expect(absoluteHookUrl('https://x.example/api/v1/hooks/abc', 'http://127.0.0.1:3000')).toBe('https://x.example/api/v1/hooks/abc');
  });
});

describe('tradingViewTemplate', () => {
  it('is JSON with TradingView placeholders, and once TradingView substitutes them the intake parses it', () => {
    const text = tradingViewTemplate({ strategy: 'Breakout', passphrase: 'pp-1' });
    const body = JSON.parse(text) as Record<string, string>;
    expect(body).toMatchObject({
      ticker: '{{ticker}}',
      action: '{{strategy.order.action}}',
      contracts: '{{strategy.order.contracts}}',
      price: '{{close}}',
      strategy: 'Breakout',
      passphrase: 'pp-1',
    });
    expect(body).not.toHaveProperty('alert_id');
    expect(body).not.toHaveProperty('market_position');
    // Un-substituted placeholders are refused by the intake (the sender set it up wrong).
    expect(parseAlertPayload(body).ok).toBe(false);
    const substituted = text
      .replace('{{ticker}}', 'NSE:RELIANCE')
      .replace('{{strategy.order.action}}', 'sell')
      .replace('{{strategy.order.contracts}}', '3')
      .replace('{{close}}', '2500.5')
      .replace('{{interval}}', '5')
      .replace('{{time}}', '2026-12-07T04:00:00Z')
      .replace('{{timenow}}', '2026-12-07T04:00:01Z');
    const parsed = parseAlertPayload(JSON.parse(substituted));
    expect(parsed.ok && parsed.payload).toMatchObject({
      symbol: 'RELIANCE',
      exchange: 'NSE',
      action: 'SELL',
      size: { kind: 'units', quantity: 3 },
    });
    expect(parsed.ok && parsed.passphrase).toBe('pp-1');
  });

  it('names the passphrase to fill in when it is not known', () => {
    expect(JSON.parse(tradingViewTemplate({ strategy: 's', passphrase: null })).passphrase).toBe('<your passphrase>');
  });
});

describe('sampleAlert', () => {
  it('is an alert in our schema the intake parses', () => {
    const body = sampleAlert({ symbol: 'RELIANCE', action: 'buy', quantity: 2, strategy: 'test', alertId: 'a-1' });
    const parsed = parseAlertPayload(JSON.parse(body));
    expect(parsed.ok && parsed.payload).toMatchObject({
      symbol: 'RELIANCE',
      action: 'BUY',
      size: { kind: 'units', quantity: 2 },
      alertId: 'a-1',
    });
  });
});

describe('signedCurlExample', () => {
  it('signs timestamp + "." + body with HMAC-SHA256 like the intake checks (run through a real shell and openssl)', () => {
    const body = sampleAlert({ symbol: "O'NEIL", action: 'buy', quantity: 1 });
    const script = signedCurlExample('http://127.0.0.1:1/api/v1/hooks/x', body);
    expect(script).not.toContain('s3cret');
    // Replace curl with printing what it would send.
    const lines = script.split('\n');
    const prelude = lines.slice(0, 3).join('\n');
    const out = execFileSync('sh', ['-c', `${prelude}\nprintf '%s\\n%s\\n%s' "$TS" "$SIG" "$BODY"`], {
      env: { ...process.env, TRADELOOP_SECRET: 's3cret' },
      encoding: 'utf8',
    });
    const [ts, sig, sent] = out.split('\n');
    expect(sent).toBe(body);
    expect(sig).toBe(createHmac('sha256', 's3cret').update(`${ts}.${body}`).digest('hex'));
    expect(script).toContain('X-Tradeloop-Signature: sha256=$SIG');
    expect(script).toContain('X-Tradeloop-Timestamp: $TS');
  });
});

describe('parseSymbols', () => {
  it('splits on commas and spaces, upper-cases, drops repeats; blank is any', () => {
    expect(parseSymbols(' reliance, NIFTY26D0825900CE  reliance,,')).toEqual(['RELIANCE', 'NIFTY26D0825900CE']);
    expect(parseSymbols('  ,  ')).toBeNull();
  });
});
