import { describe, expect, it } from 'vitest';
import {
  maskTelegramTarget,
  maskTelegramToken,
  splitTelegramToken,
  withTelegramToken,
  backoffDelayMs,
  channelsFor,
  notificationTargetProblem,
  channelWants,
  clipText,
  isPrivateHost,
  NOTIFICATION_EVENTS,
  nextAttempt,
  rateDecision,
  rateWindow,
  renderNotification,
  notificationWebhookBody,
  notificationSignatureBase,
  type NotificationFacts,
} from './notifications';

const ONE_OF_EACH: NotificationFacts[] = [
  { kind: 'fill', symbol: 'NIFTY26D0825900CE', side: 'BUY', quantity: 75, price: '101.5', orderId: 'o1', complete: true },
  { kind: 'rejection', symbol: 'RELIANCE', side: 'SELL', quantity: 1500, reason: 'insufficient funds', orderId: 'o2' },
  { kind: 'risk_trip', rule: 'MAX_DAY_LOSS', reason: 'day loss over limit', dayPnl: '-5000.00', limit: '4000.00', squareOff: true },
  { kind: 'kill_switch', scope: 'user', engaged: true, reason: 'manual', automatic: false },
  { kind: 'exit', symbol: 'BANKNIFTY', trigger: 'SL', quantity: 30, price: '48000', reason: 'stop loss hit' },
  { kind: 'drift', model: 'momentum', version: '3', feature: 'ret_5', psi: 0.31234 },
  { kind: 'broker_login', account: 'My Kite', broker: 'kite', reason: 'session expired' },
  { kind: 'webhook_failure', source: 'TV alerts', reason: 'bad signature', deliveryId: 'd1' },
  { kind: 'price_alert', symbol: 'RELIANCE', condition: 'above', price: '2500.00', ltp: '2500.05', note: 'breakout\nwatch', alertId: 'a1' },
];

describe('renderNotification', () => {
  it('says which price alert fired, at what price, with its note on one line', () => {
    const m = renderNotification(ONE_OF_EACH[8]!);
    expect(m.title).toBe('Price alert: RELIANCE above ₹2500.00');
    expect(m.body).toBe("RELIANCE traded at ₹2500.05, at or above your alert's ₹2500.00.\nNote: breakout watch\nAlert a1.");
    expect(m.severity).toBe('info');
    const below = renderNotification({
      ...(ONE_OF_EACH[8] as Extract<NotificationFacts, { kind: 'price_alert' }>),
      condition: 'below',
      note: null,
    });
    expect(below.body).toBe("RELIANCE traded at ₹2500.05, at or below your alert's ₹2500.00.\nAlert a1.");
  });

  it('has a message for every event kind', () => {
    expect(ONE_OF_EACH.map((f) => f.kind).sort()).toEqual([...NOTIFICATION_EVENTS].sort());
    for (const f of ONE_OF_EACH) {
      const m = renderNotification(f);
      expect(m.title.length).toBeGreaterThan(0);
      expect(m.body.length).toBeGreaterThan(0);
      expect(m.title).not.toMatch(/undefined|null|NaN/);
      expect(m.body).not.toMatch(/undefined|NaN/);
    }
  });

  it('says what was filled, at what price, and whether fully', () => {
    const m = renderNotification(ONE_OF_EACH[0]!);
    expect(m.title).toBe('Filled: BUY 75 NIFTY26D0825900CE @ ₹101.5');
    expect(m.body).toContain('Order o1');
    expect(m.severity).toBe('info');
    const part = renderNotification({ ...(ONE_OF_EACH[0] as Extract<NotificationFacts, { kind: 'fill' }>), complete: false });
    expect(part.title.startsWith('Partly filled')).toBe(true);
  });

  it('groups quantities the Indian way and gives the rejection reason', () => {
    const m = renderNotification(ONE_OF_EACH[1]!);
    expect(m.title).toBe('Rejected: SELL 1,500 RELIANCE');
    expect(m.body).toContain('insufficient funds');
    expect(m.severity).toBe('warning');
  });

  it('marks trips and engaged switches critical, a release info', () => {
    expect(renderNotification(ONE_OF_EACH[2]!).severity).toBe('critical');
    expect(renderNotification(ONE_OF_EACH[2]!).body).toContain('squared off');
    expect(
      renderNotification({ ...(ONE_OF_EACH[2] as Extract<NotificationFacts, { kind: 'risk_trip' }>), squareOff: false }).body,
    ).not.toContain('squared off');
    expect(renderNotification(ONE_OF_EACH[3]!).severity).toBe('critical');
    const released = renderNotification({ kind: 'kill_switch', scope: 'global', engaged: false, reason: null, automatic: false });
    expect(released.severity).toBe('info');
    expect(released.title).toBe('Kill switch released (global)');
    expect(released.body).toBe('The global kill switch was released.');
  });

  it('rounds the drift PSI to three places', () => {
    expect(renderNotification(ONE_OF_EACH[5]!).body).toContain('PSI 0.312');
  });

  it('omits what it does not know (an exit without price or quantity, a failure without delivery)', () => {
    const exit = renderNotification({ ...(ONE_OF_EACH[4] as Extract<NotificationFacts, { kind: 'exit' }>), quantity: null });
    expect(exit.body).toBe('A SL exit fired on BANKNIFTY at ₹48000: stop loss hit.');
    expect(renderNotification({ ...(ONE_OF_EACH[4] as Extract<NotificationFacts, { kind: 'exit' }>), price: null }).body).not.toContain(
      '₹',
    );
    expect(renderNotification({ kind: 'webhook_failure', source: 's', reason: 'r', deliveryId: null }).body).not.toContain('Delivery');
  });

  it('keeps the title on one line and bounded whatever the user named things', () => {
    const m = renderNotification({
      kind: 'broker_login',
      account: 'a\r\nBcc: x@evil.test\n' + 'x'.repeat(500),
      broker: 'kite',
      reason: 'r',
    });
    expect(m.title).not.toMatch(/[\r\n]/);
    expect(Array.from(m.title).length).toBeLessThanOrEqual(140);
    expect(m.title.endsWith('…')).toBe(true);
    const long = renderNotification({ kind: 'webhook_failure', source: 's', reason: 'y'.repeat(5_000), deliveryId: null });
    expect(Array.from(long.body).length).toBeLessThanOrEqual(2_000);
  });
});

describe('clipText', () => {
  it('keeps short text and cuts long text on code points', () => {
    expect(clipText('abc', 3)).toBe('abc');
    expect(clipText('abcd', 3)).toBe('ab…');
    expect(clipText('😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('channel rules', () => {
  const email = { id: 'e', enabled: true, events: ['fill', 'rejection'] as const };
  const hook = { id: 'w', enabled: true, events: ['rejection', 'kill_switch'] as const };
  const off = { id: 'x', enabled: false, events: [...NOTIFICATION_EVENTS] };

  it('a channel gets only the events it lists, and nothing while disabled', () => {
    expect(channelWants(email, 'fill')).toBe(true);
    expect(channelWants(email, 'kill_switch')).toBe(false);
    expect(channelWants(off, 'fill')).toBe(false);
    expect(channelWants({ enabled: true, events: [] }, 'fill')).toBe(false);
  });

  it('picks the matching channels in order', () => {
    expect(channelsFor([email, hook, off], 'rejection').map((c) => c.id)).toEqual(['e', 'w']);
    expect(channelsFor([email, hook, off], 'fill').map((c) => c.id)).toEqual(['e']);
    expect(channelsFor([email, hook, off], 'drift')).toEqual([]);
    expect(channelsFor([], 'drift')).toEqual([]);
  });
});

describe('retries', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000, maxAttempts: 5 };

  it('doubles from the base and caps', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelayMs(a, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(backoffDelayMs(10_000, policy)).toBe(60_000);
  });

  it('refuses an attempt that is not a whole number ≥ 1', () => {
    for (const a of [0, -1, 1.5, Number.NaN]) expect(() => backoffDelayMs(a, policy)).toThrow(RangeError);
  });

  it('retries until the last attempt, then gives up', () => {
    expect(nextAttempt(1, policy)).toEqual({ retry: true, delayMs: 1_000 });
    expect(nextAttempt(4, policy)).toEqual({ retry: true, delayMs: 8_000 });
    expect(nextAttempt(5, policy)).toEqual({ retry: false });
    expect(nextAttempt(9, policy)).toEqual({ retry: false });
    expect(nextAttempt(1, { ...policy, maxAttempts: 1 })).toEqual({ retry: false });
  });
});

describe('per-user rate limit', () => {
  const limit = { max: 3, windowMs: 60_000 };

  it('fixed windows', () => {
    expect(rateWindow(0, 60_000)).toEqual({ start: 0, end: 60_000 });
    expect(rateWindow(59_999, 60_000)).toEqual({ start: 0, end: 60_000 });
    expect(rateWindow(60_000, 60_000)).toEqual({ start: 60_000, end: 120_000 });
    expect(() => rateWindow(1, 0)).toThrow(RangeError);
  });

  it('lets max sends through per window and makes the next wait for the next window', () => {
    const now = 125_000;
    expect([1, 2, 3].map((c) => rateDecision(c, now, limit))).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(rateDecision(4, now, limit)).toEqual({ allowed: false, retryAt: 180_000 });
    expect(rateDecision(100, 179_999, limit)).toEqual({ allowed: false, retryAt: 180_000 });
  });
});

describe('outgoing webhooks', () => {
  const n = { id: 'n1', kind: 'fill' as const, title: 'T', body: 'B', severity: 'info', createdAt: '2026-01-01T00:00:00.000Z' };

  it("Telegram's sendMessage body: chat_id and text", () => {
    expect(JSON.parse(notificationWebhookBody('telegram', n, '-100123'))).toEqual({ chat_id: '-100123', text: 'T\n\nB' });
  });

  it('the signed body names the event', () => {
    expect(JSON.parse(notificationWebhookBody('signed', n, null))).toEqual({
      id: 'n1',
      event: 'fill',
      title: 'T',
      body: 'B',
      severity: 'info',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('signs the timestamp, a dot and the raw body', () => {
    expect(notificationSignatureBase(1_700_000_000, '{"a":1}')).toBe('1700000000.{"a":1}');
  });
});

describe('channel targets', () => {
  it('email: an address', () => {
    expect(notificationTargetProblem('email', 'me@example.com')).toBeNull();
    expect(notificationTargetProblem('email', 'first.last+tag@mail.example.co.in')).toBeNull();
    for (const bad of ['', 'me', 'me@', '@x.com', 'me@x', 'a b@x.com', 'me@x.com\r\nBcc: y@z.com', 'me@-x.com', `${'a'.repeat(250)}@x.com`])
      expect(notificationTargetProblem('email', bad)).not.toBeNull();
  });

  it('webhook: an http(s) URL without credentials or fragment', () => {
    expect(notificationTargetProblem('webhook', 'https://hooks.example.com/x?y=1')).toBeNull();
    expect(notificationTargetProblem('webhook', 'http://127.0.0.1:8080/bot123:abc/sendMessage')).toBeNull();
    for (const bad of [
      '',
      'not a url',
      'ftp://x.com/',
      'https://u:p@x.com/',
      'https://x.com/#f',
      'javascript:alert(1)',
      `https://x.com/${'a'.repeat(2_000)}`,
    ])
      expect(notificationTargetProblem('webhook', bad)).not.toBeNull();
  });
});

describe('isPrivateHost', () => {
  it('loopback, private, link-local, CGNAT, multicast and unspecified addresses and localhost names', () => {
    for (const h of [
      'localhost',
      'api.localhost',
      'LOCALHOST.',
      '127.0.0.1',
      '127.255.1.2',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '[::1]',
      '::1',
      '::',
      'fd00::1',
      'fc12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '[::ffff:7f00:1]',
      '::ffff:a00:1',
    ])
      expect(isPrivateHost(h), h).toBe(true);
  });

  it('public names and addresses', () => {
    for (const h of [
      'example.com',
      'api.telegram.org',
      '8.8.8.8',
      '172.15.0.1',
      '172.32.0.1',
      '192.169.0.1',
      '100.128.0.1',
      '2001:db8::1',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
    ])
      expect(isPrivateHost(h), h).toBe(false);
  });
});

describe('Telegram bot tokens in targets', () => {
  const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
  const target = `https://api.telegram.org/bot${token}/sendMessage`;

  it('splits the token out and masks it; putting it back gives the original URL', () => {
    const split = splitTelegramToken(target)!;
    expect(split.token).toBe(token);
    expect(split.masked).toBe('https://api.telegram.org/bot••••Dsaw/sendMessage');
    expect(split.masked).not.toContain(token.slice(0, 12));
    expect(withTelegramToken(split.masked, token)).toBe(target);
  });

  it('a masked target is not split again and masks to itself; a target without a /bot segment is unchanged', () => {
    const { masked } = splitTelegramToken(target)!;
    expect(splitTelegramToken(masked)).toBeNull();
    expect(maskTelegramTarget(masked)).toBe(masked);
    expect(maskTelegramTarget(target)).toBe(masked);
    expect(splitTelegramToken('http://127.0.0.1:9/hook')).toBeNull();
    expect(maskTelegramTarget('http://127.0.0.1:9/hook')).toBe('http://127.0.0.1:9/hook');
  });

  it('short tokens are never shown whole; only the first /bot segment is the token; $ patterns are not special', () => {
    expect(maskTelegramToken('1234567')).toBe('••••567');
    expect(maskTelegramToken('abcd')).toBe('••••');
    const odd = 'https://x.test/botA1$&b2c3/bot/sendMessage';
    const split = splitTelegramToken(odd)!;
    expect(split.token).toBe('A1$&b2c3');
    expect(split.masked).toBe('https://x.test/bot••••b2c3/bot/sendMessage');
    expect(withTelegramToken(split.masked, split.token)).toBe(odd);
  });
});
