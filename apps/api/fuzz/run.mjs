// The schema fuzzer, a stage of `npm test` (docs/adr/0013-hostile-input.md): Schemathesis generates
// requests from the API's own OpenAPI document (/api/docs-json) and checks every answer against
// it — never a server error, only documented statuses and content types, bodies that match
// their schemas. It runs against the real built API on its own database and Redis prefix,
// authenticated in turn as a trader, a quant, compliance and an admin, with a fixed seed and a
// bounded number of examples per operation. It fails when anything fails, and when it exercised
// fewer operations than the document lists (less the exclusions below): it cannot pass vacuously.
//
//   node apps/api/fuzz/run.mjs [--report-dir DIR] [--max-examples N] [--roles trader,admin]
// Needs DATABASE_URL and REDIS_URL (npm test sets them) and apps/api/fuzz/.venv (setup.sh).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { EXCLUDED } from './exclusions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const { values: args } = parseArgs({
  options: {
    'report-dir': { type: 'string', default: join(root, '.local/test-reports') },
    'max-examples': { type: 'string', default: process.env.FUZZ_MAX_EXAMPLES ?? '50' },
    seed: { type: 'string', default: process.env.FUZZ_SEED ?? '20261206' },
    roles: { type: 'string', default: 'trader,quant,compliance,admin' },
    port: { type: 'string', default: process.env.FUZZ_PORT ?? '3491' },
  },
});
const reportDir = resolve(args['report-dir']);
const work = join(reportDir, 'fuzz');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const base = process.env.DATABASE_URL;
if (!base || !process.env.REDIS_URL) throw new Error('DATABASE_URL and REDIS_URL must be set (npm test does this)');
const run = randomBytes(3).toString('hex');
const dbName = `tl_fuzz_${run}`;
const withDb = (name) => Object.assign(new URL(base), { pathname: `/${name}` }).toString();
const port = Number(args.port);
const url = `http://127.0.0.1:${port}`;
const ADMIN = { email: 'admin@fuzz.test', password: 'fuzz-admin-password' };
const DEMO_PASSWORD = 'demo-password-1';
const ROLE_USERS = {
  trader: { email: 'trader@tradeloop.local', password: DEMO_PASSWORD },
  quant: { email: 'quant@tradeloop.local', password: DEMO_PASSWORD },
  compliance: { email: 'compliance@tradeloop.local', password: DEMO_PASSWORD },
  admin: ADMIN,
};

async function admin(sql) {
  const c = new pg.Client({ connectionString: withDb('postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const env = {
  ...process.env,
  DATABASE_URL: withDb(dbName),
  REDIS_PREFIX: `fuzz${run}`,
  PORT: String(port),
  HOST: '127.0.0.1',
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  LOG_LEVEL: 'error',
  NODE_ENV: 'test',
  // A few days of history (a weekend in between), so candle reads have rows to return.
  MARKET_BACKFILL_DAYS: '3',
  MODEL_REGISTRY_DIR: join(tmpdir(), `tl-fuzz-registry-${run}`),
  // The fuzzer logs in with the right passwords once per role; its own wrong ones must not lock
  // those logins out before they happen (the throttle itself answers 429, which is documented).
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
};

const children = [];
let stopping = false;
const finished = (child) => new Promise((r) => child.once('exit', (code) => r(code)));
const node = (script, stdio = 'inherit') => {
  const child = spawn(process.execPath, [join(root, script)], { env, stdio });
  children.push(child);
  return child;
};

async function waitReady(deadlineMs = 60_000) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/api/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API did not become ready on ${url}`);
}

async function login(user) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (res.status !== 200) throw new Error(`login of ${user.email} failed: ${res.status} ${await res.text()}`);
  return (await res.json()).accessToken;
}

/** Operations of the document: `METHOD /path`, and how many. */
function operationsOf(doc) {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'])
      if (item[method]) ops.push(`${method.toUpperCase()} ${path}`);
  }
  return ops;
}

/** Testcases of a Schemathesis JUnit report: one per operation, with its failures. */
function junitCases(xml) {
  const cases = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const name = /\bname="([^"]*)"/.exec(m[1])?.[1] ?? '';
    const inner = m[3] ?? '';
    cases.push({
      name: name
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"'),
      failed: /<(failure|error)\b/.test(inner),
      skipped: /<skipped\b/.test(inner),
      text: inner,
    });
  }
  return cases;
}

const py = join(here, '.venv/bin/schemathesis');
/**
 * One Schemathesis run. Two per role: the generated phases with the hostile hooks, then the
 * stateful phase (API links carrying one response's values into the next request) without them —
 * Schemathesis re-validates linked cases with a validator that cannot hold a lone surrogate.
 */
function schemathesis(role, token, docPath, { phases, hostile }) {
  const name = `${role}-${hostile ? 'generated' : 'stateful'}`;
  const junit = join(work, `${name}.xml`);
  const argv = [
    'run',
    docPath,
    '--url',
    url,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
    '--max-examples',
    args['max-examples'],
    '--seed',
    args.seed,
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--no-color',
    '--phases',
    phases,
    '--report',
    'junit',
    '--report-junit-path',
    junit,
    ...EXCLUDED.flatMap(({ operation }) => ['--exclude-name', operation]),
  ];
  return new Promise((resolveRun) => {
    const started = Date.now();
    const child = spawn(py, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: hostile ? 'hostile_hooks' : '', PYTHONPATH: here },
      cwd: work,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      writeFileSync(join(work, `${name}.log`), out);
      let xml = '';
      try {
        xml = readFileSync(junit, 'utf8');
      } catch {
        // no report: counted as a failure below
      }
      resolveRun({ role, code, out, cases: junitCases(xml), seconds: (Date.now() - started) / 1000 });
    });
  });
}

let exitCode = 1;
try {
  await admin(`CREATE DATABASE ${dbName}`);
  for (const script of ['apps/api/dist/cli/migrate.js', 'apps/api/dist/cli/seed.js']) {
    const code = await finished(node(script, ['ignore', 'ignore', 'inherit']));
    if (code !== 0) throw new Error(`${script} failed`);
  }
  const api = node('apps/api/dist/main.js');
  api.once('exit', (code) => {
    if (!stopping) console.error(`fuzz: the API exited (${code}) during the run`);
  });
  await waitReady();

  const doc = await (await fetch(`${url}/api/docs-json`)).json();
  const docPath = join(work, 'openapi.json');
  writeFileSync(docPath, JSON.stringify(doc));
  const all = operationsOf(doc);
  const excluded = new Set(EXCLUDED.map((e) => e.operation));
  for (const e of excluded)
    if (!all.includes(e)) throw new Error(`exclusion "${e}" names no operation of the document: update exclusions.mjs`);
  const expected = all.filter((o) => !excluded.has(o));

  const results = [];
  const t0 = Date.now();
  const roles = args.roles.split(',');
  // Every role logs in before any fuzzing: the fuzzer's own wrong logins spend the client IP's
  // failed-login budget, and once it is spent the throttle (rightly) refuses the right password too.
  // Access tokens live 15 minutes, far longer than the run.
  const tokens = {};
  for (const role of roles) tokens[role] = await login(ROLE_USERS[role]);
  for (const role of roles) {
    const generated = await schemathesis(role, tokens[role], docPath, { phases: 'examples,coverage,fuzzing', hostile: true });
    const stateful = await schemathesis(role, tokens[role], docPath, { phases: 'stateful', hostile: false });
    const r = {
      role,
      code: Math.max(generated.code ?? 1, stateful.code ?? 1),
      out: `${generated.out}\n${stateful.out}`,
      cases: generated.cases,
      statefulOk: stateful.code === 0 && !stateful.cases.some((c) => c.failed),
      seconds: generated.seconds + stateful.seconds,
    };
    results.push(r);
    const failed = [...generated.cases, ...stateful.cases.map((c) => ({ ...c, name: `stateful: ${c.name}` }))].filter((c) => c.failed);
    const exercised = new Set(generated.cases.filter((c) => !c.skipped && expected.includes(c.name)).map((c) => c.name));
    const missing = expected.filter((o) => !exercised.has(o));
    const summary = `${[...r.out.matchAll(/(\d+) generated/g)].reduce((a, m) => a + Number(m[1]), 0)} generated`;
    console.log(
      `fuzz ${role}: ${exercised.size}/${expected.length} operations, ${failed.length} failing, ${summary || 'cases n/a'}, ${r.seconds.toFixed(0)} s (exit ${r.code})`,
    );
    for (const c of failed)
      console.log(
        `  FAILED ${c.name}\n${c.text
          .replace(/<[^>]+>/g, '')
          .split('\n')
          .slice(0, 40)
          .map((l) => `    ${l}`)
          .join('\n')}`,
      );
    if (missing.length) console.log(`  not exercised: ${missing.join(', ')}`);
    r.ok = r.code === 0 && failed.length === 0 && missing.length === 0;
    r.exercised = exercised.size;
    r.failedCount = failed.length;
    r.missing = missing;
  }
  const cases = results
    .map((r) => [...r.out.matchAll(/(\d+) generated/g)].reduce((a, m) => a + Number(m[1]), 0))
    .reduce((a, b) => a + b, 0);
  const ok = results.every((r) => r.ok);
  const report = {
    operationsInDocument: all.length,
    excluded: [...excluded],
    roles: results.map((r) => ({
      role: r.role,
      operations: r.exercised,
      failures: r.failedCount,
      missing: r.missing,
      seconds: Math.round(r.seconds),
      exit: r.code,
    })),
    cases,
    seconds: Math.round((Date.now() - t0) / 1000),
    ok,
  };
  writeFileSync(join(reportDir, 'fuzz-summary.json'), JSON.stringify(report, null, 2));
  // One testcase per role and operation, for the closing "tests: N passed" line of npm test.
  const junitAll = results.flatMap((r) => [
    ...expected.map((o) => {
      const c = r.cases.find((x) => x.name === o);
      const bad = !c || c.failed || c.skipped;
      return `<testcase classname="fuzz.${r.role}" name="${o.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">${bad ? `<failure message="${!c || c.skipped ? 'not exercised' : 'failed'}"/>` : ''}</testcase>`;
    }),
    `<testcase classname="fuzz.${r.role}" name="stateful (API links)">${r.statefulOk ? '' : '<failure message="failed"/>'}</testcase>`,
  ]);
  const failures = junitAll.filter((t) => t.includes('<failure')).length;
  writeFileSync(
    join(reportDir, 'fuzz.xml'),
    `<?xml version="1.0"?>\n<testsuite name="fuzz" tests="${junitAll.length}" failures="${failures}" errors="0" skipped="0">\n${junitAll.join('\n')}\n</testsuite>\n`,
  );
  console.log(
    `fuzz: ${all.length} operations in the document, ${excluded.size} excluded; ${cases} cases generated over ${results.length} roles in ${report.seconds} s; ${ok ? 'no failures' : 'FAILED'}`,
  );
  exitCode = ok ? 0 : 1;
} catch (err) {
  console.error(`fuzz: ${err instanceof Error ? err.stack : String(err)}`);
  exitCode = 1;
} finally {
  await stop();
}

async function stop() {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.filter((c) => c.exitCode === null).map(finished));
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  rmSync(env.MODEL_REGISTRY_DIR, { recursive: true, force: true });
  process.exit(exitCode);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
