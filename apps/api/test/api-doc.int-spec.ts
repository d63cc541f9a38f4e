import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { useTestApi } from './support/test-api';

/**
 * docs/api.md is the project's API contract. Every route it lists as built ("- `METHOD /api/...`"
 * outside "Not built yet") must be an operation of the live OpenAPI document, and every operation
 * of the document must be listed there, so the written contract cannot drift from the code.
 */
const { api } = useTestApi();

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const DOC_PATH = resolve(__dirname, '../../../docs/api.md');

/**
 * `GET /api/v1/x/{id}` for every route line ("- `METHOD /api/...`") of docs/api.md, except under
 * the "Not built yet" heading and its subheadings. `/metrics` is not an /api route and not in the
 * OpenAPI document, so its line is not read.
 */
function documentedRoutes(markdown: string): string[] {
  const routes: string[] = [];
  let notBuiltLevel: number | null = null;
  for (const line of markdown.split('\n')) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      if (notBuiltLevel !== null && level <= notBuiltLevel) notBuiltLevel = null;
      if (/not built yet/i.test(heading[2]!)) notBuiltLevel = level;
      continue;
    }
    const route = /^- `(GET|PUT|POST|PATCH|DELETE) (\/api\/[^`\s]*)`/.exec(line);
    if (notBuiltLevel === null && route) routes.push(`${route[1]} ${route[2]}`);
  }
  return routes;
}

let served: string[];

beforeAll(async () => {
  const res = await api.http.get<{ paths: Record<string, Record<string, unknown>> }>('/api/docs-json');
  expect(res.status).toBe(200);
  served = Object.entries(res.body.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
});

describe('docs/api.md', () => {
  const listed = documentedRoutes(readFileSync(DOC_PATH, 'utf8'));

  it('lists each route once', () => {
    expect(listed.length).toBeGreaterThan(60);
    expect(listed.filter((r, i) => listed.indexOf(r) !== i)).toEqual([]);
  });

  it('lists every operation of the OpenAPI document', () => {
    expect(served.filter((r) => !listed.includes(r))).toEqual([]);
  });

  it('lists as built only routes the OpenAPI document has', () => {
    expect(listed.filter((r) => !served.includes(r))).toEqual([]);
  });
});
