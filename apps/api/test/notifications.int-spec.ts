import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { REALTIME_EVENTS, type NotificationEvent as NotificationPush } from '@tradeloop/contracts';
import { demoUniverse, formatPrice } from '@tradeloop/domain';
import { Db, NotificationEvents, type NotificationEvent } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { ExecutionService } from '@tradeloop/trading';
import { NotificationDispatcher, NotificationIntake } from '@tradeloop/notifications';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';
import { SmtpSink } from './support/smtp-sink';

/**
 * Notifications end to end (docs/alerts.md "Notifications"): events become in-app notifications
 * (REST and realtime) and deliveries through a real SMTP server process (infra/smtp, this file's
 * own, stopped and started here) and outgoing webhooks to a loopback receiver, sent by the real
 * worker process. Retries are fast here (NOTIFY_RETRY_BASE_MS 100, at most 400 between tries).
 */
const sink = new SmtpSink();
const env: Record<string, string> = {};
beforeAll(async () => {
  await sink.start();
  Object.assign(env, {
    SMTP_URL: sink.url,
    SMTP_FROM: 'Tradeloop Test <notify@tradeloop.test>',
    NOTIFY_RETRY_BASE_MS: '100',
    NOTIFY_RETRY_MAX_MS: '400',
    NOTIFY_MAX_ATTEMPTS: '100',
    NOTIFY_SEND_TIMEOUT_MS: '2000',
    // The webhook receiver is on loopback.
    NOTIFY_WEBHOOK_PRIVATE_TARGETS: 'true',
  });
});
const { api, ctx } = useTestApi(env, { logLevel: 'warn' });
let worker: RunningProcess | undefined;

/** A loopback HTTP receiver for outgoing webhooks: records each request; answers `status`. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
let receiver: Server;
let receiverUrl = '';

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  worker = await startWorker(ctx, await freePort(), { MARKET_FEED: 'off' });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url?.includes('telegram') ? '{"ok":true,"result":{}}' : '{}');
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
  await sink.close();
});

const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const port = () => api.app.get(NotificationEvents);

async function addChannel(token: string, body: Record<string, unknown>) {
  const res = await api.http.post('/api/v1/notifications/channels', body, token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string | null; events: string[] };
}

const deliveriesOf = async (token: string, channelId: string) =>
  (await api.http.get(`/api/v1/notifications/channels/${channelId}/deliveries`, token)).body.items as {
    status: string;
    attempts: number;
    lastError: string | null;
    title: string;
  }[];

function killSwitchEvent(userId: string, reason: string): NotificationEvent {
  return { userId, key: `test:${randomUUID()}`, facts: { kind: 'kill_switch', scope: 'user', engaged: true, reason, automatic: false } };
}

describe('email through the real SMTP server', () => {
  it('an order rejection reaches the email channel (subject and body read back from the server), the notification list and the socket', async () => {
    const t = await signedIn(api, ['trader']);
    const address = `rej-${randomUUID().slice(0, 8)}@example.test`;
    const channel = await addChannel(t.token, { kind: 'email', target: address, events: ['rejection', 'fill'] });
    expect(channel.secret).toBeNull();

    const socket: Socket = io(`${api.url}/realtime`, {
      path: '/socket.io',
      auth: { token: t.token },
      transports: ['websocket'],
      reconnection: false,
    });
    const pushed: NotificationPush[] = [];
    socket.on(REALTIME_EVENTS.notification, (e: NotificationPush) => pushed.push(e));
    await new Promise<void>((ok) => socket.once('ready', () => ok()));

    try {
      // A real order of the user, refused by the execution engine (as a broker refusal is applied).
      const placed = await api.http.request('POST', '/api/v1/orders', {
        body: { symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', product: 'CNC', price: formatPrice(1_000_000), quantity: 7 },
        token: t.token,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(placed.status, JSON.stringify(placed.body)).toBe(202);
      const orderId = placed.body.order.id as string;
      await api.app.get(ExecutionService).rejected(orderId, 'Margin exceeds the available cash at the broker');

      const mail = await eventually(() => sink.to(address)[0], 30_000, 'the rejection email');
      expect(mail.subject).toBe('Rejected: BUY 7 RELIANCE');
      expect(mail.text).toContain('Margin exceeds the available cash at the broker');
      expect(mail.text).toContain(orderId);
      expect(mail.from).toBe('notify@tradeloop.test');

      const list = (await api.http.get('/api/v1/notifications', t.token)).body;
      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({ kind: 'rejection', title: 'Rejected: BUY 7 RELIANCE', severity: 'warning', readAt: null });
      expect(list.unread).toBe(1);

      const pushedOne = await eventually(() => pushed[0], 10_000, 'the realtime notification');
      expect(pushedOne.notification).toEqual(list.items[0]);
      expect(pushedOne.seq).toBeGreaterThan(0);

      const ds = await eventually(
        async () => ((await deliveriesOf(t.token, channel.id))[0]?.status === 'sent' ? deliveriesOf(t.token, channel.id) : null),
        10_000,
      );
      expect(ds).toEqual([expect.objectContaining({ status: 'sent', attempts: 1, lastError: null, title: 'Rejected: BUY 7 RELIANCE' })]);
      const [view] = (await api.http.get('/api/v1/notifications/channels', t.token)).body.items;
      expect(view.deliveries).toMatchObject({ queued: 0, sent: 1, failed: 0 });

      const read = await api.http.post('/api/v1/notifications/read', { ids: [list.items[0].id] }, t.token);
      expect(read.body).toEqual({ marked: 1, unread: 0 });
    } finally {
      socket.close();
    }
  });

  it('with the SMTP server down the email waits and retries while in-app goes on; once it is back the email is delivered', async () => {
    const t = await signedIn(api, ['trader']);
    const address = `down-${randomUUID().slice(0, 8)}@example.test`;
    const email = await addChannel(t.token, { kind: 'email', target: address, events: ['kill_switch'] });
    const hook = await addChannel(t.token, { kind: 'webhook', target: `${receiverUrl}/down-${t.user.id}`, events: ['kill_switch'] });

    await sink.stop();
    try {
      await port().emit(killSwitchEvent(t.user.id, 'SMTP is down'));
      // In-app and the webhook go on.
      await eventually(
        async () => (await api.http.get('/api/v1/notifications', t.token)).body.items.length === 1,
        20_000,
        'the in-app notification',
      );
      await eventually(() => received.some((r) => r.path === `/down-${t.user.id}`), 20_000, 'the webhook');
      // The email is queued, retried, with the connection error as its last error.
      const waiting = await eventually(
        async () => {
          const [d] = await deliveriesOf(t.token, email.id);
          return d && d.attempts >= 3 ? d : null;
        },
        30_000,
        'three failed tries',
      );
      expect(waiting.status).toBe('queued');
      expect(waiting.lastError).toMatch(/ECONNREFUSED|connect/i);
      expect(sink.to(address)).toEqual([]);
    } finally {
      await sink.start();
    }
    const mail = await eventually(() => sink.to(address)[0], 30_000, 'the email after the server is back');
    expect(mail.subject).toBe('Kill switch engaged (user)');
    expect(mail.text).toContain('SMTP is down');
    const [done] = await eventually(
      async () => ((await deliveriesOf(t.token, email.id))[0]?.status === 'sent' ? deliveriesOf(t.token, email.id) : null),
      10_000,
    );
    expect(done!.attempts).toBeGreaterThanOrEqual(4);
    expect((await deliveriesOf(t.token, hook.id)).map((d) => [d.status, d.attempts])).toEqual([['sent', 1]]);
  });
});

describe('outgoing webhooks', () => {
  it('a signed webhook carries X-Tradeloop-Signature = HMAC-SHA256(secret, timestamp + "." + body) that verifies with the secret shown once', async () => {
    const t = await signedIn(api, ['trader']);
    const path = `/signed-${t.user.id}`;
    const ch = await addChannel(t.token, { kind: 'webhook', target: `${receiverUrl}${path}`, events: ['kill_switch', 'fill'] });
    expect(ch.secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await api.http.get('/api/v1/notifications/channels', t.token)).body)).not.toContain(ch.secret!);

    await port().emit(killSwitchEvent(t.user.id, 'signed test'));
    const req = await eventually(() => received.find((r) => r.path === path), 20_000, 'the signed webhook');
    const ts = req.headers['x-tradeloop-timestamp'] as string;
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(120);
    const expected = `sha256=${createHmac('sha256', ch.secret!).update(`${ts}.${req.body}`).digest('hex')}`;
    expect(req.headers['x-tradeloop-signature']).toBe(expected);
    const wrong = `sha256=${createHmac('sha256', 'not-the-secret').update(`${ts}.${req.body}`).digest('hex')}`;
    expect(req.headers['x-tradeloop-signature']).not.toBe(wrong);
    expect(JSON.parse(req.body)).toMatchObject({ event: 'kill_switch', title: 'Kill switch engaged (user)', severity: 'critical' });
  });

  it('a Telegram webhook posts sendMessage { chat_id, text }', async () => {
    const t = await signedIn(api, ['trader']);
    const path = `/telegram/bot123:abc-${t.user.id}/sendMessage`;
    const ch = await addChannel(t.token, {
      kind: 'webhook',
      format: 'telegram',
      chatId: '-1001234567',
      target: `${receiverUrl}${path}`,
      events: ['kill_switch'],
    });
    expect(ch.secret).toBeNull();
    await port().emit(killSwitchEvent(t.user.id, 'telegram test'));
    const req = await eventually(() => received.find((r) => r.path === path), 20_000, 'the Telegram webhook');
    expect(req.headers['x-tradeloop-signature']).toBeUndefined();
    expect(JSON.parse(req.body)).toEqual({
      chat_id: '-1001234567',
      text: 'Kill switch engaged (user)\n\nThe user kill switch was engaged: telegram test.\nNew orders that add exposure are refused.',
    });
  });

  it('a channel gets only the events it picked; a disabled channel gets none', async () => {
    const t = await signedIn(api, ['trader']);
    const picky = await addChannel(t.token, { kind: 'webhook', target: `${receiverUrl}/picky-${t.user.id}`, events: ['fill'] });
    const off = await addChannel(t.token, { kind: 'webhook', target: `${receiverUrl}/off-${t.user.id}`, events: ['kill_switch'] });
    const patched = await api.http.request('PATCH', `/api/v1/notifications/channels/${off.id}`, {
      body: { enabled: false },
      token: t.token,
    });
    expect(patched.status).toBe(200);
    const on = await addChannel(t.token, { kind: 'webhook', target: `${receiverUrl}/on-${t.user.id}`, events: ['kill_switch'] });
    await port().emit(killSwitchEvent(t.user.id, 'only some'));
    await eventually(() => received.some((r) => r.path === `/on-${t.user.id}`), 20_000, 'the subscribed channel');
    expect(received.filter((r) => r.path === `/picky-${t.user.id}` || r.path === `/off-${t.user.id}`)).toEqual([]);
    expect(await deliveriesOf(t.token, picky.id)).toEqual([]);
    expect(await deliveriesOf(t.token, off.id)).toEqual([]);
    expect((await deliveriesOf(t.token, on.id)).map((d) => d.status)).toEqual(['sent']);
  });
});

describe('the sweep', () => {
  it('re-queues an outbox row whose job never ran (an intake that died after its commit), and it is sent once', async () => {
    const t = await signedIn(api, ['trader']);
    const path = `/swept-${t.user.id}`;
    const ch = await addChannel(t.token, { kind: 'webhook', target: `${receiverUrl}${path}`, events: ['kill_switch'] });
    // What the intake commits, ten minutes ago, without its job.
    const [n] = await sql<{ id: string }>(
      `INSERT INTO notifications (id, user_id, event_key, kind, title, body, severity, facts, created_at)
       VALUES ($1, $2, $3, 'kill_switch', 'Kill switch engaged (user)', 'swept', 'critical', '{}'::jsonb, now() - interval '10 minutes') RETURNING id`,
      [randomUUID(), t.user.id, `swept:${randomUUID()}`],
    );
    await sql(
      `INSERT INTO notification_deliveries (id, notification_id, channel_id, user_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, now() - interval '10 minutes', now() - interval '10 minutes')`,
      [randomUUID(), n!.id, ch.id, t.user.id],
    );
    expect(await api.app.get(NotificationDispatcher).sweep()).toBeGreaterThanOrEqual(1);
    await eventually(() => received.some((r) => r.path === path), 20_000, 'the swept send');
    await eventually(async () => (await deliveriesOf(t.token, ch.id))[0]?.status === 'sent', 10_000, 'sent');
    // Swept again (a second worker, a later minute): nothing more is sent.
    await api.app.get(NotificationDispatcher).sweep(Date.now() + 60_000);
    const more = killSwitchEvent(t.user.id, 'after the sweep');
    await port().emit(more);
    await eventually(() => received.filter((r) => r.path === path).length >= 2, 20_000, 'the next send');
    expect(received.filter((r) => r.path === path).map((r) => JSON.parse(r.body).body)).toEqual([
      'swept',
      'The user kill switch was engaged: after the sweep.\nNew orders that add exposure are refused.',
    ]);
    expect((await deliveriesOf(t.token, ch.id)).map((d) => [d.status, d.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
  });
});

describe('deduplication', () => {
  it('the same event twice is one notification and one delivery per channel', async () => {
    const t = await signedIn(api, ['trader']);
    const address = `dedup-${randomUUID().slice(0, 8)}@example.test`;
    const email = await addChannel(t.token, { kind: 'email', target: address, events: ['kill_switch'] });
    const hook = await addChannel(t.token, { kind: 'webhook', target: `${receiverUrl}/dedup-${t.user.id}`, events: ['kill_switch'] });
    const e = killSwitchEvent(t.user.id, 'twice');
    // Through the port twice (one job), and straight into the intake twice (the database's unique keys).
    await Promise.all([port().emit(e), port().emit(e)]);
    const intake = api.app.get(NotificationIntake);
    const direct = await Promise.all([
      intake.handle({ userId: t.user.id }, e.key, e.facts),
      intake.handle({ userId: t.user.id }, e.key, e.facts),
    ]);
    expect(direct.map((d) => d.created).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    await eventually(() => sink.to(address).length > 0 && received.some((r) => r.path === `/dedup-${t.user.id}`), 20_000, 'both sends');
    await port().emit(e);
    // Let any duplicate job run: the next event's sends come after it in the same queue.
    const after = killSwitchEvent(t.user.id, 'the next one');
    await port().emit(after);
    await eventually(() => sink.to(address).length >= 2, 20_000, 'the next event');
    await eventually(() => received.filter((r) => r.path === `/dedup-${t.user.id}`).length >= 2, 20_000, 'the next webhook');

    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND event_key = $2`, [
      t.user.id,
      e.key,
    ]);
    expect(rows[0]!.n).toBe(1);
    const perChannel = await sql<{ channel_id: string; n: number }>(
      `SELECT d.channel_id, count(*)::int AS n FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE n.user_id = $1 AND n.event_key = $2 GROUP BY d.channel_id ORDER BY d.channel_id`,
      [t.user.id, e.key],
    );
    expect(perChannel).toEqual([email.id, hook.id].sort().map((id) => ({ channel_id: id, n: 1 })));
    expect(sink.to(address).map((m) => m.text.includes('twice'))).toEqual([true, false]);
    expect(received.filter((r) => r.path === `/dedup-${t.user.id}`).map((r) => JSON.parse(r.body).body.includes('twice'))).toEqual([
      true,
      false,
    ]);
    expect((await api.http.get('/api/v1/notifications', t.token)).body.items).toHaveLength(2);
  });
});

describe('a burst of events handled together (group commit)', () => {
  it('events of several users at once: each stored once with its channel’s delivery; one for a deleted user is refused alone', async () => {
    const people = await Promise.all(Array.from({ length: 5 }, () => signedIn(api, ['trader'])));
    const address = `burst-${randomUUID().slice(0, 8)}@example.test`;
    const email = await addChannel(people[0]!.token, { kind: 'email', target: address, events: ['kill_switch'] });
    const ghost = randomUUID();
    const intake = api.app.get(NotificationIntake);
    const events = people.map((p, i) => killSwitchEvent(p.user.id, `burst ${i}`));
    const answers = await Promise.allSettled([
      ...events.map((e) => intake.handle({ userId: e.userId as string }, e.key, e.facts)),
      intake.handle({ userId: ghost }, `ghost-${ghost}`, events[0]!.facts),
      // The same events again, in the same burst: nothing stored twice.
      ...events.map((e) => intake.handle({ userId: e.userId as string }, e.key, e.facts)),
    ]);
    const created = answers.map((a) => (a.status === 'fulfilled' ? a.value.created : a.reason.code));
    expect(created[5]).toBe('NOT_FOUND');
    // Each event created once, whichever of its two handlings did it.
    for (let i = 0; i < 5; i += 1) expect((created[i] as number) + (created[6 + i] as number)).toBe(1);
    const stored = await sql<{ user_id: string; n: number }>(
      `SELECT user_id, count(*)::int AS n FROM notifications WHERE user_id = ANY($1::uuid[]) GROUP BY user_id`,
      [people.map((p) => p.user.id)],
    );
    expect(stored.map((r) => r.n)).toEqual([1, 1, 1, 1, 1]);
    const deliveries = await sql<{ channel_id: string }>(
      `SELECT d.channel_id FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.user_id = $1`,
      [people[0]!.user.id],
    );
    expect(deliveries).toEqual([{ channel_id: email.id }]);
    await eventually(() => sink.to(address).length > 0, 20_000, 'the burst email');
    expect(sink.to(address)).toHaveLength(1);
  });
});

describe('the API refuses bad input and other users', () => {
  it('4xx for bad channels, another user’s channel and malformed ids; nothing stored', async () => {
    const t = await signedIn(api, ['trader']);
    const bad: Record<string, unknown>[] = [
      { kind: 'email', target: 'not-an-address', events: ['fill'] },
      { kind: 'email', target: 'a@b.test\r\nBcc: x@y.test', events: ['fill'] },
      { kind: 'webhook', target: 'javascript:alert(1)', events: ['fill'] },
      { kind: 'webhook', target: 'ftp://example.test/x', events: ['fill'] },
      { kind: 'webhook', target: 'https://user:pw@example.test/x', events: ['fill'] },
      { kind: 'webhook', format: 'telegram', target: 'https://example.test/bot1/sendMessage', events: ['fill'] },
      { kind: 'email', target: 'a@b.test', events: [] },
      { kind: 'email', target: 'a@b.test', events: ['fill', 'fill'] },
      { kind: 'email', target: 'a@b.test', events: ['everything'] },
      { kind: 'email', target: 'a@b.test', events: ['fill'], format: 'signed' },
      { kind: 'sms', target: '+911234567890', events: ['fill'] },
      { kind: 'email', target: 'a@b.test', events: ['fill'], extra: 1 },
      { kind: 'email', target: 'x'.repeat(3_000), events: ['fill'] },
    ];
    for (const body of bad) {
      const res = await api.http.post('/api/v1/notifications/channels', body, t.token);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api.http.get('/api/v1/notifications/channels', t.token)).body.items).toEqual([]);

    const other = await signedIn(api, ['viewer']);
    const mine = await addChannel(t.token, { kind: 'email', target: 'mine@example.test', events: ['fill'] });
    expect((await api.http.get(`/api/v1/notifications/channels/${mine.id}`, other.token)).status).toBe(404);
    expect(
      (await api.http.request('PATCH', `/api/v1/notifications/channels/${mine.id}`, { body: { enabled: false }, token: other.token }))
        .status,
    ).toBe(404);
    expect((await api.http.request('DELETE', `/api/v1/notifications/channels/${mine.id}`, { token: other.token })).status).toBe(404);
    expect((await api.http.get(`/api/v1/notifications/channels/not-a-uuid`, t.token)).status).toBe(400);
    expect((await api.http.request('PATCH', `/api/v1/notifications/channels/${mine.id}`, { body: {}, token: t.token })).status).toBe(400);
    expect((await api.http.post('/api/v1/notifications/read', { ids: ['nope'] }, t.token)).status).toBe(400);
    expect((await api.http.post('/api/v1/notifications/read', { ids: [randomUUID()], all: true }, t.token)).status).toBe(400);
    expect((await api.http.get('/api/v1/notifications?cursor=garbage', t.token)).status).toBe(400);
    expect((await api.http.get('/api/v1/notifications?limit=0', t.token)).status).toBe(400);
    expect((await api.http.get('/api/v1/notifications')).status).toBe(401);
    // Any role has notifications: a viewer too.
    expect((await api.http.get('/api/v1/notifications', other.token)).status).toBe(200);
    expect((await api.http.request('DELETE', `/api/v1/notifications/channels/${mine.id}`, { token: t.token })).status).toBe(204);
    expect((await api.http.get(`/api/v1/notifications/channels/${mine.id}`, t.token)).status).toBe(404);
  });

  it('pages newest first with a cursor, and marks all read', async () => {
    const t = await signedIn(api, ['trader']);
    const intake = api.app.get(NotificationIntake);
    for (let i = 0; i < 5; i++)
      await intake.handle({ userId: t.user.id }, `page:${i}`, {
        kind: 'kill_switch',
        scope: 'user',
        engaged: true,
        reason: `n${i}`,
        automatic: false,
      });
    const first = (await api.http.get('/api/v1/notifications?limit=2', t.token)).body;
    const second = (await api.http.get(`/api/v1/notifications?limit=2&cursor=${first.nextCursor}`, t.token)).body;
    const third = (await api.http.get(`/api/v1/notifications?limit=2&cursor=${second.nextCursor}`, t.token)).body;
    const bodies = [...first.items, ...second.items, ...third.items].map((n: { body: string }) => /: (n\d)\./.exec(n.body)![1]);
    expect(bodies).toEqual(['n4', 'n3', 'n2', 'n1', 'n0']);
    expect(third.nextCursor).toBeNull();
    expect(first.unread).toBe(5);
    expect((await api.http.post('/api/v1/notifications/read', { all: true }, t.token)).body).toEqual({ marked: 5, unread: 0 });
    expect((await api.http.get('/api/v1/notifications?unread=true', t.token)).body.items).toEqual([]);
  });
});
