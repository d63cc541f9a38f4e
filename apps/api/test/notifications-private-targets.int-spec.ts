import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { v7 as uuidv7 } from 'uuid';
import { Db, NotificationEvents } from '@tradeloop/platform';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';

/**
 * Outgoing webhooks only reach the public internet unless NOTIFY_WEBHOOK_PRIVATE_TARGETS is on
 * (docs/alerts.md "Notifications"): a channel aimed at this machine or a private network is a
 * 400, and a send to one (a channel stored while the flag was on) fails at once without a retry.
 */
const { api, ctx } = useTestApi({}, { logLevel: 'warn' });
let worker: RunningProcess | undefined;
let hits = 0;
let receiver: Server;
let receiverUrl = '';

beforeAll(async () => {
  worker = await startWorker(ctx, await freePort(), { MARKET_FEED: 'off' });
  receiver = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200).end('{}');
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

it('refuses webhook channels aimed at loopback, private or link-local hosts; accepts a public one', async () => {
  const t = await signedIn(api, ['trader']);
  for (const target of [
    `${receiverUrl}/x`,
    'http://localhost:8080/x',
    'http://[::1]/x',
    'http://10.0.0.5/x',
    'http://169.254.169.254/latest/meta-data',
    'http://192.168.1.10/hook',
  ]) {
    const res = await api.http.post('/api/v1/notifications/channels', { kind: 'webhook', target, events: ['fill'] }, t.token);
    expect(res.status, target).toBe(400);
    expect(JSON.stringify(res.body.errors), target).toContain('target');
  }
  const ok = await api.http.post(
    '/api/v1/notifications/channels',
    { kind: 'webhook', target: 'https://hooks.example.com/x', events: ['fill'] },
    t.token,
  );
  expect(ok.status).toBe(201);
});

it('a send to a private target fails at once with the reason, and nothing is sent', async () => {
  const t = await signedIn(api, ['trader']);
  // A channel stored while private targets were allowed.
  const channelId = uuidv7();
  await api.app.get(Db).sql.rows(
    `INSERT INTO notification_channels (id, user_id, kind, name, target, format, chat_id, events)
     VALUES ($1, $2, 'webhook', 'inside', $3, 'telegram', '-100', ARRAY['kill_switch'])`,
    [channelId, t.user.id, `${receiverUrl}/inside`],
  );
  await api.app.get(NotificationEvents).emit({
    userId: t.user.id,
    key: `private:${channelId}`,
    facts: { kind: 'kill_switch', scope: 'user', engaged: true, reason: 'inside', automatic: false },
  });
  const [d] = await eventually(
    async () => {
      const items = (await api.http.get(`/api/v1/notifications/channels/${channelId}/deliveries`, t.token)).body.items;
      return items[0]?.status === 'failed' ? items : null;
    },
    20_000,
    'the failed delivery',
  );
  expect(d).toMatchObject({
    status: 'failed',
    attempts: 1,
    lastError: expect.stringMatching(/^refused: 127\.0\.0\.1 is not a public address/),
  });
  expect(hits).toBe(0);
});
