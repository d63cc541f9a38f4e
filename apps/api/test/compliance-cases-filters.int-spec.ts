import { Db } from '@tradeloop/platform';
import { ReconciliationRepository, type NewCase } from '@tradeloop/trading';
import { signedIn, useTestApi } from './support/test-api';

/**
 * `GET /api/v1/compliance/cases` filters (docs/api.md "Compliance cases"): by kind and by IST
 * trading day (`from` / `to`, inclusive), alone and with status, account and paging. The cases are
 * recorded through the reconciliation's own repository (upsertCases, as a run records them) for two
 * Kite accounts over three days, so each filter has rows to leave out.
 */
const { api } = useTestApi({}, { logLevel: 'silent' });
let compliance: { token: string };
let accountA: string;
let accountB: string;
/** Every case recorded here, as listed without filters for the two accounts. */
let all: { id: string; kind: string; accountId: string; tradingDay: string; status: string; subject: string }[];

const list = async (query: string) => {
  const res = await api.http.get(`/api/v1/compliance/cases?limit=500&${query}`, compliance.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as typeof all).filter((c) => c.accountId === accountA || c.accountId === accountB);
};
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

beforeAll(async () => {
  const trader = await signedIn(api, ['trader']);
  compliance = await signedIn(api, ['compliance']);
  const create = async (name: string) => {
    const res = await api.http.post(
      '/api/v1/broker-accounts',
      { kind: 'kite', name, credentials: { apiKey: `key${name.length}abcd`, apiSecret: `secret${name.length}wxyz` } },
      trader.token,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  accountA = await create('Filters A');
  accountB = await create('Filters Bee');
  const c = (accountId: string, kind: NewCase['kind'], tradingDay: string, subject: string): NewCase => ({
    kind,
    severity: kind === 'EXTERNAL_ORDER' || kind === 'RECONCILIATION_SKIPPED' ? 'info' : 'discrepancy',
    accountId,
    userId: trader.user.id,
    tradingDay,
    subject,
    details: kind === 'POSITION_MISMATCH' ? { symbol: subject.split(':')[0], product: 'CNC', ours: 0, broker: 1 } : {},
  });
  const repo = api.app.get(ReconciliationRepository);
  await api.app
    .get(Db)
    .tx((sql) =>
      repo.upsertCases(sql, [
        c(accountA, 'POSITION_MISMATCH', '2026-11-30', 'INFY:CNC'),
        c(accountA, 'EXTERNAL_ORDER', '2026-11-30', '2511300001'),
        c(accountA, 'POSITION_MISMATCH', '2026-12-01', 'TCS:CNC'),
        c(accountB, 'POSITION_MISMATCH', '2026-12-01', 'INFY:CNC'),
        c(accountB, 'RECONCILIATION_SKIPPED', '2026-12-02', 'session'),
        c(accountA, 'CASH_MISMATCH', '2026-12-02', 'cash'),
      ]),
    );
  all = await list('');
  expect(all).toHaveLength(6);
  // One resolved, so status combines with the new filters.
  const tcs = all.find((r) => r.subject === 'TCS:CNC')!;
  const resolved = await api.http.post(`/api/v1/compliance/cases/${tcs.id}/resolve`, { note: 'explained' }, compliance.token);
  expect(resolved.status).toBe(200);
  all = await list('');
}, 120_000);

describe('compliance cases filters', () => {
  it('by kind: only that kind, newest first, with account and status', async () => {
    const positions = await list('kind=POSITION_MISMATCH');
    expect(positions.map((r) => r.subject).sort()).toEqual(['INFY:CNC', 'INFY:CNC', 'TCS:CNC']);
    expect(ids(positions)).toEqual(ids(all.filter((r) => r.kind === 'POSITION_MISMATCH')));
    expect((await list(`kind=POSITION_MISMATCH&accountId=${accountB}`)).map((r) => [r.accountId, r.subject])).toEqual([
      [accountB, 'INFY:CNC'],
    ]);
    expect((await list('kind=POSITION_MISMATCH&status=open')).map((r) => r.subject).sort()).toEqual(['INFY:CNC', 'INFY:CNC']);
    expect((await list('kind=POSITION_MISMATCH&status=resolved')).map((r) => r.subject)).toEqual(['TCS:CNC']);
    expect(await list('kind=FILLED_QUANTITY_MISMATCH')).toEqual([]);
  });

  it('by trading day: from and to inclusive, either alone, one day with both', async () => {
    const days = (rows: { tradingDay: string }[]) => [...new Set(rows.map((r) => r.tradingDay))].sort();
    expect(days(await list('from=2026-12-01'))).toEqual(['2026-12-01', '2026-12-02']);
    expect(days(await list('to=2026-12-01'))).toEqual(['2026-11-30', '2026-12-01']);
    const oneDay = await list('from=2026-12-01&to=2026-12-01');
    expect(oneDay.map((r) => r.subject).sort()).toEqual(['INFY:CNC', 'TCS:CNC']);
    expect(ids(oneDay)).toEqual(ids(all.filter((r) => r.tradingDay === '2026-12-01')));
    expect((await list(`from=2026-11-30&to=2026-11-30&accountId=${accountA}&kind=EXTERNAL_ORDER`)).map((r) => r.subject)).toEqual([
      '2511300001',
    ]);
    expect(await list('from=2026-12-03')).toEqual([]);
  });

  it('pages through a filtered list with the cursor, each row once', async () => {
    const expected = ids(all.filter((r) => r.accountId === accountA && r.tradingDay >= '2026-11-30' && r.tradingDay <= '2026-12-02'));
    expect(expected).toHaveLength(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await api.http.get(
        `/api/v1/compliance/cases?accountId=${accountA}&from=2026-11-30&to=2026-12-02&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        compliance.token,
      );
      expect(res.status).toBe(200);
      seen.push(...ids(res.body.items));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it('bad filters are 400 problems naming the field', async () => {
    for (const [query, field] of [
      ['kind=NOT_A_KIND', 'kind'],
      ['kind=position_mismatch', 'kind'],
      ['from=2026-13-01', 'from'],
      ['to=yesterday', 'to'],
      ['from=2026-12-02&to=2026-12-01', 'from'],
    ] as const) {
      const res = await api.http.get(`/api/v1/compliance/cases?${query}`, compliance.token);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type'), query).toContain('application/problem+json');
      expect(JSON.stringify(res.body), query).toContain(field);
    }
  });
});
