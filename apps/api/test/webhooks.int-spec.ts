import { randomUUID } from 'node:crypto';
import { CredentialsCipher } from '@tradeloop/accounts';
import { DEFAULT_ENGINE_CONFIG, EngineConfigsRepository, ProcessDeliveryUseCase, webhookSecretAad } from '@tradeloop/alerts';
import { alertDedupKey, demoUniverse, parseAlertPayload, routeEngine, signWebhook } from '@tradeloop/domain';
import { InstrumentsRepository } from '@tradeloop/market';
import { Db } from '@tradeloop/platform';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';
import { signedIn, useTestApi } from './support/test-api';
import { postSignedAlert } from './support/webhook-alerts';

/**
 * Webhook intake end to end (docs/alerts.md "Webhook sources", "Intake", "Processing"): sources
 * over HTTP with the secret shown once and stored encrypted, signed deliveries accepted (202) and
 * routed by the real worker, every refusal a 4xx stored as a rejected delivery, dedup by unique
 * index under a burst of 1,000 identical alerts. Real Postgres, Redis, API and worker.
 */
const { api, ctx } = useTestApi();

let worker: RunningProcess;
let trader: { id: string; token: string };
let paper: string;

const sql = () => api.app.get(Db).sql;
const nowSeconds = () => String(Math.floor(Date.now() / 1000));

interface Source {
  id: string;
  url: string;
  secret: string;
  passphraseValue?: string | null;
}

async function createSource(body: Record<string, unknown> = {}, token = trader.token): Promise<Source> {
  const res = await api.http.post(
    '/api/v1/webhooks',
    { name: `src-${Math.random().toString(36).slice(2, 8)}`, engine: { split: 50 }, accountIds: [paper], ...body },
    token,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Source;
}

/** POSTs `raw` to the source's URL, signed with `secret` unless told otherwise. */
const send = (source: { url: string; secret: string }, raw: string, opts: Parameters<typeof postSignedAlert>[3] = {}) =>
  postSignedAlert(api, source, raw, opts);

/** POSTs raw bytes (that need not be UTF-8), signed over those bytes. */
async function sendBytes(source: { url: string; secret: string }, bytes: Buffer) {
  const timestamp = nowSeconds();
  const res = await fetch(api.url + source.url, {
    method: 'POST',
    body: new Uint8Array(bytes),
    headers: {
      'content-type': 'application/octet-stream',
      'x-tradeloop-timestamp': timestamp,
      'x-tradeloop-signature': signWebhook(source.secret, timestamp, bytes),
    },
  });
  return { status: res.status, body: (await res.json()) as any };
}

let alertNo = 0;
/** A distinct valid alert body each call (its alert_id differs). */
const alert = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ symbol: 'RELIANCE', action: 'buy', quantity: 1, price: '2500.5', alert_id: `a-${++alertNo}-${Date.now()}`, ...extra });

async function deliveries(sourceId: string, token = trader.token) {
  const res = await api.http.get(`/api/v1/webhooks/${sourceId}/deliveries?limit=500`, token);
  expect(res.status).toBe(200);
  return res.body.items as any[];
}

const deliveryById = async (sourceId: string, id: string) => (await deliveries(sourceId)).find((d) => d.id === id);

/** Past intake and routing: where processing leaves a delivery (the steps after routing are webhooks-processing.int-spec.ts's). */
const PROCESSED = ['decided', 'ordered', 'filled', 'rejected'];

/** The delivery, once the worker has routed it and processing has moved it on. */
const untilRouted = (sourceId: string, id: string) =>
  eventually(
    async () => {
      const d = await deliveryById(sourceId, id);
      return d && PROCESSED.includes(d.status) && d.steps.some((s: { step: string }) => s.step === 'routed') ? d : null;
    },
    30_000,
    `delivery ${id} routed`,
  );

const ordersOf = async (userId: string) =>
  (
    await sql().one<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders o JOIN broker_accounts a ON a.id = o.account_id WHERE a.owner_user_id = $1`,
      [userId],
    )
  ).n;

beforeAll(async () => {
  const healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const t = await signedIn(api, ['trader']);
  trader = { id: t.user.id, token: t.token };
  const accounts = await api.http.get('/api/v1/broker-accounts', trader.token);
  paper = accounts.body.items.find((a: { kind: string }) => a.kind === 'paper').id;
  // This file is about intake and routing: both engines always SKIP here (an exposure limit of 1
  // paisa: A's MAX_EXPOSURE fails, B's risk agent vetoes), so nothing is ever ordered whatever the market does.
  const c = DEFAULT_ENGINE_CONFIG;
  await api.app.get(EngineConfigsRepository).put(trader.id, {
    ...c,
    a: { ...c.a, limits: { ...c.a.limits, maxExposure: 1n } },
    b: { ...c.b, limits: { ...c.b.limits, maxExposure: 1n } },
  });
  worker = await startWorker(ctx, healthPort);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

describe('webhook sources', () => {
  it('create shows the secret once, stores it encrypted; list, patch, rotate and delete', async () => {
    const created = await createSource({ symbols: ['reliance', 'INFY'], limits: { perMinute: 30 } });
    expect(created.url).toBe(`/api/v1/hooks/${created.id}`);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      symbols: ['RELIANCE', 'INFY'],
      limits: { perMinute: 30, maxQuantity: null },
      passphrase: false,
      enabled: true,
    });

    // Stored encrypted: the row never holds the plaintext, and the key ring decrypts it.
    const row = await sql().one<{ secret_ciphertext: string; secret_key_id: string }>(
      `SELECT secret_ciphertext, secret_key_id FROM webhook_sources WHERE id = $1`,
      [created.id],
    );
    expect(row.secret_ciphertext).not.toContain(created.secret);
    expect(row.secret_ciphertext).not.toContain(created.secret.slice(6));
    expect(api.app.get(CredentialsCipher).decrypt(row.secret_ciphertext, webhookSecretAad(created.id))).toBe(created.secret);

    // Never returned later.
    const list = await api.http.get('/api/v1/webhooks', trader.token);
    expect(list.status).toBe(200);
    const listed = list.body.items.find((s: { id: string }) => s.id === created.id);
    expect(listed).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
    expect(listed.secret).toBeUndefined();

    const patched = await api.http.patch(
      `/api/v1/webhooks/${created.id}`,
      { name: 'renamed', engine: { split: 25 }, symbols: null, limits: { maxQuantity: 100 } },
      trader.token,
    );
    expect(patched.status).toBe(200);
    // Only the limits given change.
    expect(patched.body).toMatchObject({
      name: 'renamed',
      engine: { split: 25 },
      symbols: null,
      limits: { perMinute: 30, maxQuantity: 100 },
    });
    const cleared = await api.http.patch(`/api/v1/webhooks/${created.id}`, { limits: { maxQuantity: null } }, trader.token);
    expect(cleared.body.limits).toEqual({ perMinute: 30, maxQuantity: null, maxOpenPositions: null });
    expect((await api.http.patch(`/api/v1/webhooks/${created.id}`, {}, trader.token)).status).toBe(400);
    expect(JSON.stringify(patched.body)).not.toContain(created.secret);

    // Rotate: the new secret works, the old one no longer does.
    const rotated = await api.http.post(`/api/v1/webhooks/${created.id}/rotate-secret`, undefined, trader.token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.secret);
    const old = await send(created, alert());
    expect(old.status).toBe(401);
    expect((await send({ url: created.url, secret: rotated.body.secret }, alert())).status).toBe(202);

    const del = await api.http.request('DELETE', `/api/v1/webhooks/${created.id}`, { token: trader.token });
    expect(del.status).toBe(204);
    expect((await send({ url: created.url, secret: rotated.body.secret }, alert())).status).toBe(404);
    expect((await sql().one<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE source_id = $1`, [created.id])).n).toBe(
      0,
    );
  });

  it('refuses accounts the user may not trade and unknown symbols (400 naming the field)', async () => {
    const other = await signedIn(api, ['trader']);
    const theirs = (await api.http.get('/api/v1/broker-accounts', other.token)).body.items[0].id;
    const res = await api.http.post('/api/v1/webhooks', { name: 'x', engine: { split: 50 }, accountIds: [paper, theirs] }, trader.token);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'accountIds.1', message: 'not one of your broker accounts' }]);
    const sym = await api.http.post(
      '/api/v1/webhooks',
      { name: 'x', engine: { split: 50 }, accountIds: [paper], symbols: ['NOPE'] },
      trader.token,
    );
    expect(sym.status).toBe(400);
    expect(sym.body.errors[0].field).toBe('symbols.0');
    const split = await api.http.post('/api/v1/webhooks', { name: 'x', engine: { split: 101 }, accountIds: [paper] }, trader.token);
    expect(split.status).toBe(400);
  });

  it("another user's source is a 404 everywhere", async () => {
    const mine = await createSource();
    const other = await signedIn(api, ['trader']);
    expect((await api.http.get(`/api/v1/webhooks/${mine.id}/deliveries`, other.token)).status).toBe(404);
    expect((await api.http.patch(`/api/v1/webhooks/${mine.id}`, { name: 'x' }, other.token)).status).toBe(404);
    expect((await api.http.post(`/api/v1/webhooks/${mine.id}/rotate-secret`, undefined, other.token)).status).toBe(404);
    expect((await api.http.request('DELETE', `/api/v1/webhooks/${mine.id}`, { token: other.token })).status).toBe(404);
    expect((await api.http.get(`/api/v1/webhooks/not-a-uuid/deliveries`, trader.token)).status).toBe(404);
    expect((await api.http.get('/api/v1/webhooks', other.token)).body.items).toEqual([]);
    // Still there for its owner.
    expect((await api.http.get(`/api/v1/webhooks/${mine.id}/deliveries`, trader.token)).status).toBe(200);
  });
});

describe('intake', () => {
  it('a signed delivery is 202, then routed by the worker to the engine the split picks, with every step timed', async () => {
    for (const split of [100, 0]) {
      const source = await createSource({ engine: { split } });
      const res = await send(source, alert(), { contentType: 'text/plain; charset=utf-8' });
      expect(res.status, res.text).toBe(202);
      const id = res.body.deliveryId as string;
      const d = await untilRouted(source.id, id);
      expect(d.engine).toBe(split === 100 ? 'A' : 'B');
      expect(d.engine).toBe(routeEngine(id, split));
      expect(d.steps.slice(0, 4).map((s: { step: string }) => s.step)).toEqual(['received', 'authenticated', 'deduplicated', 'routed']);
      expect(d.steps.slice(0, 4).every((s: { outcome: string }) => s.outcome === 'ok')).toBe(true);
      const elapsed = d.steps.map((s: { elapsedMs: number }) => s.elapsedMs);
      expect([...elapsed].sort((a, b) => a - b)).toEqual(elapsed);
      expect(d).toMatchObject({ httpStatus: 202, duplicateOf: null });
      expect(d.payload).toMatchObject({ symbol: 'RELIANCE', action: 'BUY', price: 25_005_000, size: { kind: 'units', quantity: 1 } });
      expect(d.bodySha256).toMatch(/^[0-9a-f]{64}$/);
      // A redelivered job (a retry, a crash, a second worker) finds the step done and changes nothing.
      await api.app.get(ProcessDeliveryUseCase).execute(id);
      const again = await deliveryById(source.id, id);
      if (again.status !== 'ordered') expect(again.steps).toEqual(d.steps);
      expect(again.steps.filter((s: { step: string }) => s.step === 'routed')).toHaveLength(1);
      expect(again.steps.filter((s: { step: string }) => s.step === 'decided').length).toBeLessThanOrEqual(1);
    }
  });

  it('TradingView placeholder style after substitution is accepted; one left un-substituted is a 400 naming the field', async () => {
    const source = await createSource();
    const ok = await send(
      source,
      JSON.stringify({ ticker: 'NSE:RELIANCE', action: 'buy', contracts: '1', price: '2500.5', timenow: nowSeconds() }),
    );
    expect(ok.status, ok.text).toBe(202);
    const bad = await send(source, JSON.stringify({ ticker: 'NSE:RELIANCE', action: '{{strategy.order.action}}', contracts: '1' }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'action', message: expect.stringContaining('{{strategy.order.action}}') }]);
  });

  it('every refusal is a 4xx with its reason, stored as an intake_rejected delivery; nothing is traded', async () => {
    const source = await createSource({ symbols: ['RELIANCE'] });
    const body = alert();
    const cases: { name: string; res: () => Promise<{ status: number; body: any }>; status: number; reason: RegExp }[] = [
      { name: 'missing signature', res: () => send(source, alert(), { signature: null }), status: 401, reason: /signature missing/i },
      {
        name: 'bad signature',
        res: () => send(source, alert(), { signature: `sha256=${'0'.repeat(64)}` }),
        status: 401,
        reason: /does not match/,
      },
      {
        name: 'signed with another secret',
        res: () => send({ ...source, secret: 'whsec_other' }, alert()),
        status: 401,
        reason: /does not match/,
      },
      { name: 'malformed signature', res: () => send(source, alert(), { signature: 'md5=abc' }), status: 401, reason: /sha256=/ },
      {
        name: 'stale timestamp (a captured request replayed later)',
        res: () => {
          const old = String(Math.floor(Date.now() / 1000) - 301);
          return send(source, body, { timestamp: old });
        },
        status: 401,
        reason: /tolerance window/,
      },
      {
        name: 'timestamp from the future',
        res: () => send(source, alert(), { timestamp: String(Math.floor(Date.now() / 1000) + 400) }),
        status: 401,
        reason: /tolerance window/,
      },
      {
        name: 'oversized',
        res: () => send(source, JSON.stringify({ symbol: 'RELIANCE', action: 'buy', comment: 'x'.repeat(20_000) })),
        status: 413,
        reason: /over the 16384-byte limit/,
      },
      { name: 'non-JSON', res: () => send(source, 'buy RELIANCE now', { contentType: 'text/plain' }), status: 400, reason: /not JSON/ },
      { name: 'not UTF-8', res: () => sendBytes(source, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), status: 400, reason: /not UTF-8/ },
      {
        name: 'not an alert',
        res: () => send(source, JSON.stringify({ symbol: 'RELIANCE', action: 'hodl' })),
        status: 400,
        reason: /^action must be one of/,
      },
      {
        name: 'unknown field',
        res: () => send(source, JSON.stringify({ symbol: 'RELIANCE', action: 'buy', qty: 1 })),
        status: 400,
        reason: /^qty is not a field/,
      },
      { name: 'unknown symbol', res: () => send(source, alert({ symbol: 'NOSUCHSYM' })), status: 400, reason: /unknown symbol NOSUCHSYM/ },
      { name: 'symbol not allowed', res: () => send(source, alert({ symbol: 'INFY' })), status: 400, reason: /INFY is not allowed/ },
    ];
    for (const c of cases) {
      const res = await c.res();
      expect(res.status, `${c.name}: ${JSON.stringify(res.body)}`).toBe(c.status);
      expect(res.body.detail, c.name).toMatch(c.reason);
    }
    const stored = await deliveries(source.id);
    expect(stored).toHaveLength(cases.length);
    for (const d of stored) {
      expect(d.status).toBe('intake_rejected');
      expect(d.rejectReason).toBeTruthy();
      expect(d.steps.at(-1)).toMatchObject({ step: 'intake_rejected', outcome: 'rejected', detail: d.rejectReason });
      expect(d.engine).toBeNull();
    }
    expect(stored.map((d) => d.httpStatus).sort()).toEqual(cases.map((c) => c.status).sort());
    const big = stored.find((d) => d.httpStatus === 413);
    expect(big.rawBodyTruncated).toBe(true);
    expect(big.rawBody.length).toBeLessThanOrEqual(16_384);
    // No job was queued for any of them, and nothing traded.
    expect(await ordersOf(trader.id)).toBe(0);
    expect((await api.http.get('/api/v1/webhooks/00000000-0000-4000-8000-000000000000/deliveries', trader.token)).status).toBe(404);
  });

  it('an unknown source is a 404 and stores nothing', async () => {
    const before = (await sql().one<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries`)).n;
    const res = await send({ url: '/api/v1/hooks/00000000-0000-4000-8000-000000000000', secret: 'x' }, alert());
    expect(res.status).toBe(404);
    expect((await send({ url: '/api/v1/hooks/not-a-uuid', secret: 'x' }, alert())).status).toBe(404);
    expect((await sql().one<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries`)).n).toBe(before);
  });

  it('a disabled source is 403, stored as rejected; enabled again it accepts', async () => {
    const source = await createSource();
    expect((await api.http.patch(`/api/v1/webhooks/${source.id}`, { enabled: false }, trader.token)).status).toBe(200);
    const res = await send(source, alert());
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/disabled/);
    const [d] = await deliveries(source.id);
    expect(d).toMatchObject({ status: 'intake_rejected', httpStatus: 403, rejectReason: 'this webhook source is disabled' });
    expect((await api.http.patch(`/api/v1/webhooks/${source.id}`, { enabled: true }, trader.token)).status).toBe(200);
    expect((await send(source, alert())).status).toBe(202);
  });

  it('over its perMinute limit a source answers 429 with Retry-After, stored as rejected', async () => {
    const source = await createSource({ limits: { perMinute: 3 } });
    for (let i = 0; i < 3; i++) expect((await send(source, alert())).status).toBe(202);
    const res = await send(source, alert());
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const stored = await deliveries(source.id);
    expect(stored.filter((d) => d.status === 'intake_rejected').map((d) => d.httpStatus)).toEqual([429]);
  });

  it('passphrase mode: the right passphrase without a signature is accepted and never stored; a wrong or missing one is 401', async () => {
    const source = await createSource({ passphrase: true });
    const pass = source.passphraseValue!;
    expect(pass).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const unsigned = (raw: string) => send(source, raw, { signature: null });
    const ok = await unsigned(alert({ passphrase: pass }));
    expect(ok.status, ok.text).toBe(202);
    const wrong = await unsigned(alert({ passphrase: `${pass}x` }));
    expect(wrong.status).toBe(401);
    expect(wrong.body.detail).toBe('passphrase wrong');
    const missing = await unsigned(alert());
    expect(missing.status).toBe(401);
    expect(missing.body.detail).toBe('passphrase missing');
    // A signed alert still works on a passphrase source.
    expect((await send(source, alert())).status).toBe(202);
    const stored = await deliveries(source.id);
    expect(stored).toHaveLength(4);
    for (const d of stored) expect(d.rawBody).not.toContain(pass);
    expect(stored.find((d) => d.id === ok.body.deliveryId).rawBody).toContain('"passphrase":"[redacted]"');
    const row = await sql().one<{ passphrase_hash: string }>(`SELECT passphrase_hash FROM webhook_sources WHERE id = $1`, [source.id]);
    expect(row.passphrase_hash).not.toContain(pass);
    // Turning it off forgets it: the passphrase no longer authenticates.
    const off = await api.http.patch(`/api/v1/webhooks/${source.id}`, { passphrase: false }, trader.token);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ passphrase: false });
    expect(off.body.passphraseValue).toBeUndefined();
    expect((await unsigned(alert({ passphrase: pass }))).status).toBe(401);
    // Turning it on again issues a new passphrase, shown in that answer only.
    const on = await api.http.patch(`/api/v1/webhooks/${source.id}`, { passphrase: true }, trader.token);
    expect(on.status).toBe(200);
    expect(on.body.passphraseValue).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(on.body.passphraseValue).not.toBe(pass);
    expect((await unsigned(alert({ passphrase: pass }))).status).toBe(401);
    expect((await unsigned(alert({ passphrase: on.body.passphraseValue }))).status).toBe(202);
    const listed = (await api.http.get('/api/v1/webhooks', trader.token)).body.items.find((s: { id: string }) => s.id === source.id);
    expect(listed.passphraseValue).toBeUndefined();
  });
});

describe('dedup', () => {
  it('1,000 identical alerts sent at once: exactly one 202, the rest 200 naming it; one delivery processed', async () => {
    const source = await createSource({ limits: { perMinute: 6_000 } });
    const raw = JSON.stringify({ symbol: 'RELIANCE', action: 'sell', quantity: 2 });
    const timestamp = nowSeconds();
    const signature = signWebhook(source.secret, timestamp, raw);
    const answers = await Promise.all(Array.from({ length: 1_000 }, () => send(source, raw, { timestamp, signature })));
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    const original = accepted[0]!.body.deliveryId as string;
    const dups = answers.filter((a) => a.status === 200);
    expect(dups).toHaveLength(999);
    expect(dups.every((a) => a.body.duplicateOf === original)).toBe(true);
    expect(new Set(dups.map((a) => a.body.deliveryId)).size).toBe(999);

    // (The original is the oldest of 1,000: past the first page of the list, so read from the table.)
    await eventually(
      async () =>
        (await sql().maybeOne(`SELECT 1 FROM webhook_deliveries WHERE id = $1 AND status = ANY ($2::text[])`, [original, PROCESSED])) !==
        undefined,
      30_000,
      'the original routed',
    );
    const rows = await sql().rows<{ accepted: boolean; n: number; routed: number; decided: number }>(
      `SELECT accepted, count(*)::int AS n,
              count(*) FILTER (WHERE steps @> '[{"step":"routed"}]')::int AS routed,
              count(*) FILTER (WHERE steps @> '[{"step":"decided"}]')::int AS decided
         FROM webhook_deliveries WHERE source_id = $1 GROUP BY accepted ORDER BY accepted`,
      [source.id],
    );
    const decided = rows.find((r) => r.accepted)?.decided ?? -1;
    expect(rows).toEqual([
      { accepted: false, n: 999, routed: 0, decided: 0 },
      { accepted: true, n: 1, routed: 1, decided },
    ]);
    // One decision at most (none when there was no price to decide on); the engines here never enter.
    expect(decided).toBeLessThanOrEqual(1);
    expect(await ordersOf(trader.id)).toBe(0);
  }, 60_000);

  it('the same alert after its window has ended is a new delivery; another alert is never a duplicate', async () => {
    const source = await createSource();
    const raw = JSON.stringify({ symbol: 'TCS', action: 'buy', quantity: 1 });
    const first = await send(source, raw);
    expect(first.status).toBe(202);
    expect((await send(source, raw)).body.duplicateOf).toBe(first.body.deliveryId);
    expect((await send(source, JSON.stringify({ symbol: 'TCS', action: 'buy', quantity: 2 }))).status).toBe(202);
    // The window ends (moved into the past rather than waited for): the claim is taken over.
    await sql().rows(`UPDATE webhook_dedup SET expires_at = now() - interval '1 second' WHERE delivery_id = $1`, [first.body.deliveryId]);
    const later = await send(source, raw);
    expect(later.status).toBe(202);
    expect(later.body.deliveryId).not.toBe(first.body.deliveryId);
    expect((await send(source, raw)).body.duplicateOf).toBe(later.body.deliveryId);
  });

  it('an accepted delivery whose job was never queued (Redis failed after the commit) is queued by a later duplicate', async () => {
    const source = await createSource();
    const raw = JSON.stringify({ symbol: 'RELIANCE', action: 'buy', quantity: 3 });
    const parsed = parseAlertPayload(JSON.parse(raw));
    if (!parsed.ok) throw new Error(parsed.reason);
    const hash = alertDedupKey(parsed.payload);
    // What the intake leaves when the enqueue fails: the delivery and its window claim, 20 s ago, and no job.
    const id = randomUUID();
    await sql().rows(
      `INSERT INTO webhook_deliveries (id, source_id, received_at, status, accepted, http_status, body_sha256, raw_body, payload, steps)
       VALUES ($1, $2, now() - interval '20 seconds', 'deduplicated', true, 202, $3, $4, $5::jsonb, '[]')`,
      [id, source.id, hash, raw, JSON.stringify(parsed.payload)],
    );
    await sql().rows(
      `INSERT INTO webhook_dedup (source_id, body_sha256, delivery_id, expires_at) VALUES ($1, $2, $3, now() + interval '40 seconds')`,
      [source.id, hash, id],
    );
    const again = await send(source, raw);
    expect(again.status).toBe(200);
    expect(again.body.duplicateOf).toBe(id);
    expect((await untilRouted(source.id, id)).engine).toBe(routeEngine(id, 50));
  });

  it('the same alert_id with another body is a duplicate; the same body re-signed later in the window too', async () => {
    const source = await createSource();
    const first = await send(source, JSON.stringify({ symbol: 'RELIANCE', action: 'buy', alert_id: 'tv-1' }));
    expect(first.status).toBe(202);
    const other = await send(source, JSON.stringify({ symbol: 'INFY', action: 'sell', quantity: 5, alert_id: 'tv-1' }));
    expect(other.status).toBe(200);
    expect(other.body.duplicateOf).toBe(first.body.deliveryId);
    // Re-sent by the sender (a fresh timestamp and signature, the same alert written differently).
    const again = await send(source, JSON.stringify({ alert_id: 'tv-1', action: 'BUY', symbol: ' reliance ' }));
    expect(again.status).toBe(200);
    expect(again.body.duplicateOf).toBe(first.body.deliveryId);
    const dup = await deliveryById(source.id, other.body.deliveryId);
    expect(dup).toMatchObject({ status: 'duplicate', duplicateOf: first.body.deliveryId, httpStatus: 200 });
    expect(dup.steps.map((s: { step: string }) => s.step)).toEqual(['received', 'authenticated', 'duplicate']);
    // A new alert_id is a new alert.
    expect((await send(source, JSON.stringify({ symbol: 'RELIANCE', action: 'buy', alert_id: 'tv-2' }))).status).toBe(202);
  });
});
