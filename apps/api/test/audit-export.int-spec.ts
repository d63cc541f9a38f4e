import { createUser, signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi();

/** The CSV's rows as records keyed by the header (the export quotes only where it must). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, k) => [h, r[k] ?? ''])));
}

describe('GET /api/v1/compliance/audit/export.csv', () => {
  it('streams the filtered events oldest first with the actor’s email, and audits the export', async () => {
    const admin = await signedIn(api, ['admin']);
    const compliance = await signedIn(api, ['compliance']);
    const a = await createUser(api);
    const b = await createUser(api);
    for (const user of [a, b]) {
      expect((await api.http.patch(`/api/v1/admin/users/${user.id}`, { roles: ['trader', 'compliance'] }, admin.token)).status).toBe(200);
    }

    const res = await api.http.get(
      `/api/v1/compliance/audit/export.csv?actorId=${admin.user.id}&action=user.roles_changed`,
      compliance.token,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.csv"/);
    expect(res.text.split('\n')[0]).toBe('event_id,at,actor_id,actor_email,action,subject,details,request_id,ip');
    const rows = parseCsv(res.text);
    expect(rows.map((r) => r.subject)).toEqual([`user:${a.id}`, `user:${b.id}`]);
    expect(rows.every((r) => r.actor_email === admin.user.email && r.action === 'user.roles_changed')).toBe(true);
    expect(JSON.parse(rows[0]!.details!)).toEqual({ before: ['trader'], after: ['trader', 'compliance'] });
    expect(Number(rows[0]!.event_id)).toBeLessThan(Number(rows[1]!.event_id));
    expect(rows[0]!.request_id).not.toBe('');

    // Nothing after a moment still to come; the export itself is on the record, with its filters.
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(parseCsv((await api.http.get(`/api/v1/compliance/audit/export.csv?from=${future}`, compliance.token)).text)).toEqual([]);
    const exports = await api.http.get(`/api/v1/compliance/audit?action=audit.exported&actorId=${compliance.user.id}`, compliance.token);
    expect(exports.body.items).toHaveLength(2);
    expect(exports.body.items[1].details).toEqual({ filters: { actorId: admin.user.id, action: 'user.roles_changed' } });
  });

  it('is for compliance and admins, and refuses bad filters with a 400 problem', async () => {
    const trader = await signedIn(api, ['trader']);
    const compliance = await signedIn(api, ['compliance']);
    expect((await api.http.get('/api/v1/compliance/audit/export.csv', trader.token)).status).toBe(403);
    for (const qs of ['actorId=nope', 'action=made.up', 'from=yesterday', 'limit=5']) {
      const res = await api.http.get(`/api/v1/compliance/audit/export.csv?${qs}`, compliance.token);
      expect(res.status, qs).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });
});
