import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotificationEvents } from '@tradeloop/platform';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';

/**
 * The per-user send limit (docs/alerts.md "Notifications"): NOTIFY_RATE_MAX sends per user per
 * NOTIFY_RATE_WINDOW_MS over email and webhooks; more wait for the next window (never dropped,
 * no attempt spent). The window here is a whole day (the largest allowed), so the test cannot
 * straddle two windows unless it runs across 00:00 UTC.
 */
const DAY = 86_400_000;
const { api, ctx } = useTestApi(
  // The webhook receiver is on loopback.
  { NOTIFY_RATE_MAX: '2', NOTIFY_RATE_WINDOW_MS: String(DAY), NOTIFY_WEBHOOK_PRIVATE_TARGETS: 'true' },
  { logLevel: 'warn' },
);
let worker: RunningProcess | undefined;
const received: string[] = [];
let receiver: Server;
let receiverUrl = '';

beforeAll(async () => {
  worker = await startWorker(ctx, await freePort(), { MARKET_FEED: 'off' });
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.url ?? '');
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  if (receiver) {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});

type Delivery = { status: string; attempts: number; nextAttemptAt: string | null };

it('a user gets NOTIFY_RATE_MAX sends per window; the rest wait for the next window with no attempt spent; another user is not held up', async () => {
  const a = await signedIn(api, ['trader']);
  const b = await signedIn(api, ['trader']);
  const chA = (
    await api.http.post('/api/v1/notifications/channels', { kind: 'webhook', target: `${receiverUrl}/a`, events: ['kill_switch'] }, a.token)
  ).body;
  const chB = (
    await api.http.post('/api/v1/notifications/channels', { kind: 'webhook', target: `${receiverUrl}/b`, events: ['kill_switch'] }, b.token)
  ).body;
  const events = api.app.get(NotificationEvents);
  const event = (userId: string, i: number) => ({
    userId,
    key: `rate:${randomUUID()}`,
    facts: { kind: 'kill_switch' as const, scope: 'user', engaged: true, reason: `n${i}`, automatic: false },
  });
  for (let i = 0; i < 4; i++) await events.emit(event(a.user.id, i));
  await events.emit(event(b.user.id, 0));

  const deliveriesOf = async (token: string, id: string) =>
    (await api.http.get(`/api/v1/notifications/channels/${id}/deliveries`, token)).body.items as Delivery[];
  const settled = await eventually(
    async () => {
      const ds = await deliveriesOf(a.token, chA.id);
      const sent = ds.filter((d) => d.status === 'sent').length;
      const waiting = ds.filter((d) => d.status === 'queued' && d.nextAttemptAt !== null).length;
      return ds.length === 4 && sent === 2 && waiting === 2 ? ds : null;
    },
    30_000,
    'two sent and two waiting',
  );
  const windowEnd = new Date(Math.floor(Date.now() / DAY) * DAY + DAY).toISOString();
  for (const d of settled.filter((x) => x.status === 'queued')) {
    expect(d.attempts).toBe(0);
    expect(d.nextAttemptAt).toBe(windowEnd);
  }
  await eventually(() => received.includes('/b'), 20_000, "the other user's send");
  expect((await deliveriesOf(b.token, chB.id)).map((d) => d.status)).toEqual(['sent']);
  expect(received.filter((p) => p === '/a')).toHaveLength(2);
  // In-app is not limited: all four are there.
  expect((await api.http.get('/api/v1/notifications', a.token)).body.items).toHaveLength(4);
});
