import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { CredentialsCipher, EncryptedSecretStores, ReencryptSecretsUseCase, secretAad } from '@tradeloop/accounts';
import { webhookSecretAad } from '@tradeloop/alerts';
import { demoUniverse } from '@tradeloop/domain';
import { AuditRepository } from '@tradeloop/identity';
import { InstrumentsRepository } from '@tradeloop/market';
import { channelSecretAad, NotificationDispatcher, NotificationIntake } from '@tradeloop/notifications';
import { createLogger, Db, loadConfig } from '@tradeloop/platform';
import { postSignedAlert } from './support/webhook-alerts';
import { signedIn, startTestApi, useTestApi, type TestApi } from './support/test-api';

/**
 * Secrets under the credentials key ring (docs/architecture.md "Secrets"): a Telegram bot token is
 * taken out of the channel's URL, stored encrypted and shown masked, yet sent in the right path;
 * the one re-encrypt job moves every table's values (broker accounts, webhook sources,
 * notification channels, and legacy Telegram tokens still in clear) to the active key, after
 * which the old key can leave the ring: an API holding only the new key still verifies a signed
 * alert and still signs an outgoing notification. Sends run in-process (the dispatcher's own
 * deliver), no worker.
 */
const { api, ctx } = useTestApi({ NOTIFY_WEBHOOK_PRIVATE_TARGETS: 'true', NOTIFY_SEND_TIMEOUT_MS: '2000' });

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
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      // Telegram's sendMessage answer.
      res.end('{"ok":true,"result":{"message_id":1}}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  if (receiver) {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});

const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const newToken = () => `${100_000_000 + Math.floor(Math.random() * 800_000_000)}:AA${randomBytes(16).toString('base64url')}`;

async function addChannel(token: string, body: Record<string, unknown>, on: TestApi = api) {
  const res = await on.http.post('/api/v1/notifications/channels', body, token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string | null; target: string };
}

/** Raises a kill-switch notification for the user and sends its delivery to `channelId` with `on`'s dispatcher. */
async function sendTo(on: TestApi, userId: string, channelId: string): Promise<void> {
  await on.app.get(NotificationIntake).handle({ userId }, `test:${randomUUID()}`, {
    kind: 'kill_switch',
    scope: 'user',
    engaged: true,
    reason: 'rotation',
    automatic: false,
  });
  const rows = await sql<{ id: string }>(
    `SELECT id FROM notification_deliveries WHERE channel_id = $1 AND status = 'queued' AND attempts = 0`,
    [channelId],
  );
  expect(rows).toHaveLength(1);
  expect(await on.app.get(NotificationDispatcher).deliver(rows[0]!.id, 1)).toBe('sent');
}

describe('Telegram bot tokens', () => {
  it('stored encrypted (never in clear), shown masked in every response, sent in the right path; never logged', async () => {
    const t = await signedIn(api, ['trader']);
    const token = newToken();
    const target = `${receiverUrl}/bot${token}/sendMessage`;
    const masked = `${receiverUrl}/bot••••${token.slice(-4)}/sendMessage`;
    const created = await addChannel(t.token, { kind: 'webhook', format: 'telegram', chatId: '-1009876', target, events: ['kill_switch'] });
    expect(created.target).toBe(masked);
    expect(created.secret).toBeNull();
    expect(JSON.stringify(created)).not.toContain(token);

    const [row] = await sql<{ target: string; secret_ciphertext: string | null; all: string }>(
      `SELECT target, secret_ciphertext, row_to_json(c)::text AS all FROM notification_channels c WHERE id = $1`,
      [created.id],
    );
    expect(row!.target).toBe(masked);
    expect(row!.all).not.toContain(token);
    expect(row!.all).not.toContain(token.split(':')[1]);
    expect(CredentialsCipher.keyIdOf(row!.secret_ciphertext!)).toBe('t1');
    expect(api.app.get(CredentialsCipher).decrypt(row!.secret_ciphertext!, channelSecretAad(created.id))).toBe(token);

    const list = await api.http.get('/api/v1/notifications/channels', t.token);
    expect(list.status).toBe(200);
    expect(list.body.items.find((c: { id: string }) => c.id === created.id).target).toBe(masked);
    expect(JSON.stringify(list.body)).not.toContain(token);
    const one = await api.http.get(`/api/v1/notifications/channels/${created.id}`, t.token);
    expect(one.body.target).toBe(masked);

    await sendTo(api, t.user.id, created.id);
    const req = received.find((r) => r.path === `/bot${token}/sendMessage`);
    expect(req, 'the Telegram-like receiver got sendMessage under the real token').toBeDefined();
    expect(JSON.parse(req!.body)).toEqual({
      chat_id: '-1009876',
      text: 'Kill switch engaged (user)\n\nThe user kill switch was engaged: rotation.\nNew orders that add exposure are refused.',
    });
    expect(received.some((r) => r.path.includes('••••') || r.path.includes('%E2%80%A2'))).toBe(false);

    // Never logged: the API's own lines, and a line that logs the token under a secret's name by mistake.
    const lines: string[] = [];
    const probe = createLogger('trace', 'probe', { write: (l: string) => lines.push(l) } as never);
    probe.info({ botToken: token, channel: { botToken: token, secret: token } }, 'oops');
    expect(lines.join('\n')).toContain('oops');
    expect([...api.logs, ...lines].join('\n')).not.toContain(token);
  });

  it('a channel whose token is still in clear (from before) is shown masked and still sent', async () => {
    const t = await signedIn(api, ['trader']);
    const token = newToken();
    const id = randomUUID();
    await sql(
      `INSERT INTO notification_channels (id, user_id, kind, name, target, format, chat_id, events)
       VALUES ($1, $2, 'webhook', 'legacy', $3, 'telegram', '-42', ARRAY['kill_switch'])`,
      [id, t.user.id, `${receiverUrl}/bot${token}/sendMessage`],
    );
    const list = await api.http.get('/api/v1/notifications/channels', t.token);
    expect(list.body.items.find((c: { id: string }) => c.id === id).target).toBe(`${receiverUrl}/bot••••${token.slice(-4)}/sendMessage`);
    expect(JSON.stringify(list.body)).not.toContain(token);
    await sendTo(api, t.user.id, id);
    expect(received.some((r) => r.path === `/bot${token}/sendMessage`)).toBe(true);
  });
});

describe('key rotation across every table under the ring', () => {
  it('t1 → k2 (the job, two runs at once) → k3 (the CLI); with only k3 left the API still verifies alerts and signs notifications', async () => {
    const t = await signedIn(api, ['trader']);
    const accounts = await api.http.get('/api/v1/broker-accounts', t.token);
    const paper = accounts.body.items.find((a: { kind: string }) => a.kind === 'paper').id as string;
    const creds = { apiKey: 'rotkey123456', apiSecret: `rot-secret-${randomBytes(6).toString('hex')}` };
    const kite = await api.http.post('/api/v1/broker-accounts', { kind: 'kite', name: 'Rotated', credentials: creds }, t.token);
    expect(kite.status, JSON.stringify(kite.body)).toBe(201);
    const src = await api.http.post('/api/v1/webhooks', { name: 'rotated', engine: { split: 50 }, accountIds: [paper] }, t.token);
    expect(src.status, JSON.stringify(src.body)).toBe(201);
    const source = src.body as { id: string; url: string; secret: string };
    const signedCh = await addChannel(t.token, { kind: 'webhook', target: `${receiverUrl}/signed-${t.user.id}`, events: ['kill_switch'] });
    const token = newToken();
    const tgCh = await addChannel(t.token, {
      kind: 'webhook',
      format: 'telegram',
      chatId: '-7',
      target: `${receiverUrl}/bot${token}/sendMessage`,
      events: ['kill_switch'],
    });
    // A Telegram channel from before tokens were encrypted: the job encrypts its token and masks its target.
    const legacyToken = newToken();
    const legacyId = randomUUID();
    await sql(
      `INSERT INTO notification_channels (id, user_id, kind, name, target, format, chat_id, events)
       VALUES ($1, $2, 'webhook', 'legacy', $3, 'telegram', '-8', ARRAY['fill'])`,
      [legacyId, t.user.id, `${receiverUrl}/bot${legacyToken}/sendMessage`],
    );

    const keyIds = async () => ({
      broker: (
        await sql<{ k: string }>(
          `SELECT DISTINCT k FROM (SELECT key_id AS k FROM broker_accounts WHERE credentials_ciphertext IS NOT NULL
             UNION ALL SELECT split_part(credentials_ciphertext, '.', 2) FROM broker_accounts WHERE credentials_ciphertext IS NOT NULL) x`,
        )
      ).map((r) => r.k),
      sources: (await sql<{ k: string }>(`SELECT DISTINCT split_part(secret_ciphertext, '.', 2) AS k FROM webhook_sources`)).map(
        (r) => r.k,
      ),
      sourceIds: (await sql<{ k: string }>(`SELECT DISTINCT secret_key_id AS k FROM webhook_sources`)).map((r) => r.k),
      channels: (
        await sql<{ k: string }>(
          `SELECT DISTINCT split_part(secret_ciphertext, '.', 2) AS k FROM notification_channels WHERE secret_ciphertext IS NOT NULL`,
        )
      ).map((r) => r.k),
      clearTokens: (
        await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM notification_channels WHERE format = 'telegram' AND (secret_ciphertext IS NULL OR target !~ '/bot••••')`,
        )
      )[0]!.n,
    });
    const before = await keyIds();
    expect(before).toMatchObject({ broker: ['t1'], sources: ['t1'], sourceIds: ['t1'], channels: ['t1'] });
    expect(before.clearTokens).toBeGreaterThanOrEqual(1);

    // Rotate to k2 with the app's own registry of stores (all three contexts registered themselves).
    const t1 = ctx.env['BROKER_CREDENTIALS_KEYS']!;
    const k2 = `k2:${randomBytes(32).toString('base64')}`;
    const db = api.app.get(Db);
    const stores = api.app.get(EncryptedSecretStores);
    expect(
      stores
        .list()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['broker_accounts', 'notification_channels', 'webhook_sources']);
    const rotated = CredentialsCipher.fromConfig({ BROKER_CREDENTIALS_KEYS: `${t1},${k2}`, BROKER_CREDENTIALS_KEY_ID: 'k2' });
    const job = new ReencryptSecretsUseCase(db, stores, rotated, api.app.get(AuditRepository));
    const [a, b] = await Promise.all([job.execute({ batchSize: 2 }), job.execute({ batchSize: 2 })]);
    expect(a.failed + b.failed).toBe(0);
    expect(a.reencrypted + b.reencrypted).toBeGreaterThanOrEqual(5);
    expect(await keyIds()).toEqual({ broker: ['k2'], sources: ['k2'], sourceIds: ['k2'], channels: ['k2'], clearTokens: 0 });
    // Idempotent: nothing left, a second run moves nothing.
    expect(await job.execute()).toEqual({ reencrypted: 0, failed: 0, remaining: 0, activeKeyId: 'k2' });
    const audit = await sql<{ details: { stores: Record<string, { reencrypted: number }> } }>(
      `SELECT details FROM audit_events WHERE action = 'broker_account.credentials_reencrypted' AND details->>'activeKeyId' = 'k2'`,
    );
    expect(audit.length).toBeGreaterThanOrEqual(1);
    const moved = audit.reduce((n, r) => n + (r.details.stores['notification_channels']?.reencrypted ?? 0), 0);
    expect(moved).toBeGreaterThanOrEqual(3);
    const [legacy] = await sql<{ target: string; secret_ciphertext: string }>(
      `SELECT target, secret_ciphertext FROM notification_channels WHERE id = $1`,
      [legacyId],
    );
    expect(legacy!.target).toBe(`${receiverUrl}/bot••••${legacyToken.slice(-4)}/sendMessage`);
    expect(rotated.decrypt(legacy!.secret_ciphertext, channelSecretAad(legacyId))).toBe(legacyToken);

    // k2 → k3 with the CLI (`npm run secrets:reencrypt`), the ring t1 dropped already.
    const k3 = `k3:${randomBytes(32).toString('base64')}`;
    const cli = await promisify(execFile)(process.execPath, ['apps/api/dist/cli/reencrypt-secrets.js', '--batch', '3'], {
      env: { ...process.env, ...ctx.env, BROKER_CREDENTIALS_KEYS: `${k2},${k3}`, BROKER_CREDENTIALS_KEY_ID: 'k3', LOG_LEVEL: 'warn' },
    });
    expect(cli.stdout).toMatch(/^re-encrypted \d+ row\(s\) under key k3; failed 0; remaining 0\n$/);
    expect(await keyIds()).toEqual({ broker: ['k3'], sources: ['k3'], sourceIds: ['k3'], channels: ['k3'], clearTokens: 0 });

    // Only k3 in the ring now: every value still decrypts, and an API on that ring still works end to end.
    const onlyK3 = CredentialsCipher.fromConfig({ BROKER_CREDENTIALS_KEYS: k3, BROKER_CREDENTIALS_KEY_ID: undefined });
    const [acc] = await sql<{ c: string }>(`SELECT credentials_ciphertext AS c FROM broker_accounts WHERE id = $1`, [kite.body.id]);
    expect(JSON.parse(onlyK3.decrypt(acc!.c, secretAad(kite.body.id, 'credentials')))).toEqual(creds);
    const [s] = await sql<{ c: string }>(`SELECT secret_ciphertext AS c FROM webhook_sources WHERE id = $1`, [source.id]);
    expect(onlyK3.decrypt(s!.c, webhookSecretAad(source.id))).toBe(source.secret);

    const api3 = await startTestApi(loadConfig({ ...ctx.env, BROKER_CREDENTIALS_KEYS: k3 }), {
      logLevel: 'warn',
    });
    try {
      const raw = JSON.stringify({ symbol: 'RELIANCE', action: 'buy', quantity: 1, price: '2500.5', alert_id: `rot-${randomUUID()}` });
      const send = (secret: string) => postSignedAlert(api3, { url: source.url, secret }, raw);
      expect((await send('not-the-secret')).status).toBe(401);
      const ok = await send(source.secret);
      expect(ok.status, JSON.stringify(ok.body)).toBe(202);

      await sendTo(api3, t.user.id, signedCh.id);
      const signed = received.find((r) => r.path === `/signed-${t.user.id}`);
      expect(signed).toBeDefined();
      const ts = signed!.headers['x-tradeloop-timestamp'] as string;
      expect(signed!.headers['x-tradeloop-signature']).toBe(
        `sha256=${createHmac('sha256', signedCh.secret!).update(`${ts}.${signed!.body}`).digest('hex')}`,
      );
      // The Telegram channel's token, encrypted under t1 at creation, moved twice: still sent in the right path.
      const tgPath = `/bot${token}/sendMessage`;
      expect(received.some((r) => r.path === tgPath)).toBe(false);
      const tgDelivery = await sql<{ id: string }>(`SELECT id FROM notification_deliveries WHERE channel_id = $1`, [tgCh.id]);
      expect(tgDelivery).toHaveLength(1);
      expect(await api3.app.get(NotificationDispatcher).deliver(tgDelivery[0]!.id, 1)).toBe('sent');
      expect(received.some((r) => r.path === tgPath)).toBe(true);
    } finally {
      await api3.close();
    }
  });
});
