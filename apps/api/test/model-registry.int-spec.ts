import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { signedIn, useTestApi } from './support/test-api';

/**
 * The model registry over HTTP: uploads that must be refused (and leave nothing behind), the
 * stage lifecycle with one-step roll back, one production per name under a race, roles, and
 * predictions that match the trainer's golden vectors.
 */
const MODEL_DIR = resolve(__dirname, '../../../models/demo-momentum/1');
const REGISTRY_DIR = mkdtempSync(join(tmpdir(), 'tl-registry-'));
const { api, ctx } = useTestApi({ MODEL_REGISTRY_DIR: REGISTRY_DIR, MODEL_UPLOAD_MAX_BYTES: '400000' });
const onnx = readFileSync(join(MODEL_DIR, 'model.onnx'));
const baseCard = JSON.parse(readFileSync(join(MODEL_DIR, 'card.json'), 'utf8')) as Record<string, unknown> & { features: string[] };
const golden = JSON.parse(readFileSync(join(MODEL_DIR, 'golden.json'), 'utf8')) as {
  input: { data: number[][] };
  expected: { score: number[] };
  tolerance: number;
};

let quant: { token: string };
let trader: { token: string };
beforeAll(async () => {
  quant = await signedIn(api, ['quant']);
  trader = await signedIn(api, ['trader']);
});

interface Upload {
  model?: Uint8Array | string;
  card?: unknown;
  cardAsField?: boolean;
  extra?: boolean;
  token?: string;
}

async function upload(u: Upload): Promise<{ status: number; body: any; contentType: string | null }> {
  const form = new FormData();
  if (u.model !== undefined) form.append('model', new Blob([u.model as unknown as BlobPart]), 'model.onnx');
  if (u.card !== undefined) {
    const text = typeof u.card === 'string' ? u.card : JSON.stringify(u.card);
    if (u.cardAsField) form.append('card', text);
    else form.append('card', new Blob([text], { type: 'application/json' }), 'card.json');
  }
  if (u.extra) form.append('notes', 'hello');
  const res = await fetch(`${api.url}/api/v1/models`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${u.token ?? quant.token}` },
  });
  return { status: res.status, body: await res.json(), contentType: res.headers.get('content-type') };
}

const card = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ ...baseCard, version: randomUUID().slice(0, 8), ...over });
const promote = (id: string, stage: string, token = quant.token) =>
  api.http.request('POST', `/api/v1/models/${id}/promote`, { body: { stage }, token });
const filesIn = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesIn(join(dir, f)) : [join(dir, f)]));
const count = async (): Promise<number> => {
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  try {
    return Number((await db.query(`SELECT count(*) FROM models`)).rows[0].count);
  } finally {
    await db.end();
  }
};

describe('model registry: uploads', () => {
  it('registers a valid model in staging, with its checksum; the file is stored under MODEL_REGISTRY_DIR', async () => {
    const res = await upload({ model: onnx, card: card({ version: 'a1' }) });
    expect(res.status).toBe(201);
    expect(res.body.model).toMatchObject({
      name: 'demo-momentum',
      version: 'a1',
      stage: 'staging',
      featureSetVersion: baseCard.featureSetVersion,
    });
    const detail = await api.http.get(`/api/v1/models/${res.body.model.id}`, quant.token);
    expect(detail.body.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.body.sizeBytes).toBe(onnx.byteLength);
    expect(detail.body.stages).toEqual([expect.objectContaining({ from: null, to: 'staging', reason: 'registered' })]);
    expect(filesIn(REGISTRY_DIR).some((f) => f.endsWith(`${detail.body.checksum}.onnx`))).toBe(true);
    // The card may also come as a plain field.
    expect((await upload({ model: onnx, card: card(), cardAsField: true })).status).toBe(201);
  });

  it('refuses every bad upload with a problem document naming the field, and stores nothing', async () => {
    const before = await count();
    const filesBefore = filesIn(REGISTRY_DIR).length;
    const { horizon: _h, ...noHorizon } = card();
    const cases: [string, Upload, number, string?][] = [
      ['corrupt .onnx (truncated)', { model: onnx.subarray(0, 5000), card: card() }, 422, 'model'],
      ['not ONNX at all', { model: 'this is a text file, not a model', card: card() }, 422, 'model'],
      ['empty file', { model: new Uint8Array(0), card: card() }, 400, 'model'],
      ['card is not JSON', { model: onnx, card: '{"name": ' }, 400, 'card'],
      ['card misses a field', { model: onnx, card: noHorizon }, 400, 'card.horizon'],
      ['card text with NUL (jsonb refuses it)', { model: onnx, card: card({ trainer: 'ml/train\u0000.py' }) }, 400, 'card.trainer'],
      ['card text with a lone surrogate', { model: onnx, card: card({ target: 'up\ud800' }) }, 400, 'card.target'],
      ['card thresholds inverted', { model: onnx, card: card({ threshold: { buy: 0.4, sell: 0.6 } }) }, 400, 'card.threshold'],
      ['other feature-set version', { model: onnx, card: card({ featureSetVersion: 'ffffffffffffffff' }) }, 422, 'card.featureSetVersion'],
      [
        'card lists a feature the server lacks',
        { model: onnx, card: card({ features: [...baseCard.features.slice(0, 12), 'moon_phase'] }) },
        422,
        'card.features',
      ],
      ['input shape differs from the card', { model: onnx, card: card({ features: baseCard.features.slice(0, 12) }) }, 422, 'model'],
      ['no model part', { card: card() }, 400, 'model'],
      ['no card part', { model: onnx }, 400, 'card'],
      ['an unknown part', { model: onnx, card: card(), extra: true }, 400, 'notes'],
      ['too large', { model: new Uint8Array(500_000), card: card() }, 413],
    ];
    for (const [what, u, status, field] of cases) {
      const res = await upload(u);
      expect(res.status, what).toBe(status);
      expect(res.contentType, what).toContain('application/problem+json');
      if (field)
        expect(
          res.body.errors?.map((e: { field: string }) => e.field),
          what,
        ).toContain(field);
    }
    const json = await api.http.request('POST', '/api/v1/models', { body: { model: 'x' }, token: quant.token });
    expect(json.status).toBe(415);
    expect(await count()).toBe(before);
    expect(filesIn(REGISTRY_DIR).length).toBe(filesBefore);
  });

  it('refuses a second upload of the same name and version (409) and keeps the first file', async () => {
    const c = card({ version: 'dup' });
    expect((await upload({ model: onnx, card: c })).status).toBe(201);
    const files = filesIn(REGISTRY_DIR).length;
    const again = await upload({ model: onnx, card: c });
    expect(again.status).toBe(409);
    expect(filesIn(REGISTRY_DIR).length).toBe(files);
  });

  it('only quants upload and promote; traders cannot even read the registry', async () => {
    expect((await upload({ model: onnx, card: card(), token: trader.token })).status).toBe(403);
    const [m] = (await api.http.get('/api/v1/models', quant.token)).body.items;
    expect((await promote(m.id, 'shadow', trader.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/models', trader.token)).status).toBe(403);
    const compliance = await signedIn(api, ['compliance']);
    expect((await api.http.get('/api/v1/models', compliance.token)).status).toBe(200);
    expect((await promote(m.id, 'shadow', compliance.token)).status).toBe(403);
  });
});

describe('model registry: stages', () => {
  const register = async (version: string, name = 'stage-test') =>
    (await upload({ model: onnx, card: card({ name, version }) })).body.model.id as string;
  const stageOf = async (id: string) => (await api.http.get(`/api/v1/models/${id}`, quant.token)).body.stage;

  it('staging → shadow → production; a newer version replaces it; rolling back is one step; each change is audited', async () => {
    const v1 = await register('1');
    const v2 = await register('2');
    expect((await promote(v1, 'shadow')).status).toBe(200);
    const p1 = await promote(v1, 'production');
    expect(p1.body).toMatchObject({ model: { stage: 'production' }, replaced: null });
    const p2 = await promote(v2, 'production');
    expect(p2.body).toMatchObject({ model: { id: v2, stage: 'production' }, replaced: { id: v1, stage: 'archived' } });
    // Roll back: the archived v1 straight back to production, v2 archived, in one call.
    const back = await promote(v1, 'production');
    expect(back.body).toMatchObject({ model: { id: v1, stage: 'production' }, replaced: { id: v2, stage: 'archived' } });
    expect([await stageOf(v1), await stageOf(v2)]).toEqual(['production', 'archived']);
    expect((await promote(v1, 'production')).status).toBe(409);
    expect((await promote(randomUUID(), 'production')).status).toBe(404);
    expect((await promote(v1, 'live')).status).toBe(400);
    const detail = (await api.http.get(`/api/v1/models/${v1}`, quant.token)).body;
    expect(detail.stages.map((s: { to: string }) => s.to)).toEqual(['staging', 'shadow', 'production', 'archived', 'production']);
    const audit = await api.http.get(
      `/api/v1/compliance/audit?action=model.stage_changed&limit=50`,
      (await signedIn(api, ['compliance'])).token,
    );
    const subjects = audit.body.items.map((e: { subject: string }) => e.subject);
    expect(subjects.filter((s: string) => s === `model:${v1}`)).toHaveLength(4);
  });

  it('two versions promoted to production at the same moment: exactly one ends in production', async () => {
    const ids = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((v) => register(v, 'race-test')));
    const results = await Promise.all(ids.map((id) => promote(id, 'production')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const stages = await Promise.all(ids.map(stageOf));
    expect(stages.filter((s) => s === 'production')).toHaveLength(1);
    expect(stages.filter((s) => s === 'archived')).toHaveLength(3);
  });
});

describe('model registry: predict', () => {
  it('scores raw features as the trainer did (golden vectors, ≤ 1e-5) and names the verdict', async () => {
    const id = (await upload({ model: onnx, card: card({ version: 'golden' }) })).body.model.id;
    for (let i = 0; i < golden.input.data.length; i += 1) {
      const features = Object.fromEntries(baseCard.features.map((n, j) => [n, golden.input.data[i]![j]!]));
      const res = await api.http.request('POST', `/api/v1/models/${id}/predict`, { body: { features }, token: quant.token });
      expect(res.status).toBe(200);
      expect(Math.abs(res.body.score - golden.expected.score[i]!)).toBeLessThanOrEqual(golden.tolerance);
      const t = baseCard.threshold as { buy: number; sell: number };
      expect(res.body.signal).toBe(res.body.score >= t.buy ? 'BUY' : res.body.score <= t.sell ? 'SELL' : 'HOLD');
      expect(res.body.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('refuses missing, unknown and non-finite features by name; an unknown symbol is 404; both or neither is 400', async () => {
    const id = (await upload({ model: onnx, card: card() })).body.model.id;
    const full = Object.fromEntries(baseCard.features.map((n) => [n, 0.1]));
    const { ret_1: _r, ...missing } = full;
    const bad = [
      [{ features: missing }, 'features.ret_1'],
      [{ features: { ...full, moon: 1 } }, 'features.moon'],
      [{ features: { ...full, vol_20: 1e39 } }, 'features.vol_20'],
    ] as const;
    for (const [body, field] of bad) {
      const res = await api.http.request('POST', `/api/v1/models/${id}/predict`, { body, token: quant.token });
      expect(res.status, field).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // NaN / Infinity cannot be written in JSON; 1e999 parses to Infinity and is refused too.
    const inf = await api.http.request('POST', `/api/v1/models/${id}/predict`, {
      raw: `{"features": {"ret_1": 1e999}}`,
      token: quant.token,
      headers: { 'content-type': 'application/json' },
    });
    expect(inf.status).toBe(400);
    expect(
      (await api.http.request('POST', `/api/v1/models/${id}/predict`, { body: { symbol: 'RELIANCE', features: full }, token: quant.token }))
        .status,
    ).toBe(400);
    expect((await api.http.request('POST', `/api/v1/models/${id}/predict`, { body: {}, token: quant.token })).status).toBe(400);
    expect(
      (await api.http.request('POST', `/api/v1/models/${id}/predict`, { body: { symbol: 'NOSUCH' }, token: quant.token })).status,
    ).toBe(404);
  });
});
