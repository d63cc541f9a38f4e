// `npm run bench -- brokers --part feed` — issue 15's live-feed figure: the fake Kite (in its own
// process, as Kite is elsewhere) streams full-mode ticks with depth at 10,000 ticks/s over 500
// instruments to the real worker running MARKET_FEED=kite (KiteFeedSource → MarketFeed); the real
// API fans out to 20 Socket.IO clients subscribed to 25 symbols each. Measured at the clients:
// latency = receive time − the tick's time, which for a broker feed is when its frame reached the
// worker's socket (so the worker's queue, decode, pipeline, Redis and the API's fan-out are all
// inside it; the loopback hop from the fake to the worker is not). Measured in the worker: ticks
// received, shed, frames rejected, unknown tokens, event-loop lag.
// Target: client-observed p99 ≤ 50 ms, nothing shed or rejected.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from './lib/bench-kit.mjs';
import { loadKiteFake } from './lib/load-kite-fake.mjs';
import { createMarketStack, makeTokens } from './market/stack.mjs';
import { latencySummary, openTickClients, pickSymbols } from './market/tick-clients.mjs';

const RATE = Number(process.env.BENCH_FEED_RATE ?? 10_000);
const SECONDS = Number(process.env.BENCH_FEED_SECONDS ?? 30);
const CLIENTS = 20;
const PER_CLIENT = 25;
const WARMUP_MS = 3_000;
const CALLBACK = '/api/v1/brokers/kite/callback';

const CHILD = `
const { FakeKite } = await import(process.argv[2]);
const fake = new FakeKite({ redirectUrl: 'http://bench.invalid${CALLBACK}', heartbeatMs: 1000 });
const endpoints = await fake.start();
let feed = null;
process.send({ endpoints, apiKey: fake.apiKey, apiSecret: fake.apiSecret });
process.on('message', async (m) => {
  if (m.op === 'subscribed') process.send({ tokens: fake.tickerSubscriptions().map((s) => s.size) });
  if (m.op === 'feed') { feed = fake.feedTicks({ ticksPerSecond: m.rate, intervalMs: 10 }); process.send({ ok: true }); }
  if (m.op === 'stop-feed') process.send({ sent: feed ? feed.stop() : 0 });
  if (m.op === 'stop') { await fake.stop(); process.exit(0); }
});
`;

async function startFakeKite() {
  await loadKiteFake();
  const bundle = join(import.meta.dirname, '../node_modules/.cache/tradeloop-bench/kite-fake.mjs');
  const dir = join(import.meta.dirname, '../node_modules/.cache/tradeloop-bench');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'kite-feed-child.mjs');
  writeFileSync(script, CHILD);
  const child = fork(script, [bundle], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (message) =>
    new Promise((resolve) => {
      child.once('message', resolve);
      if (message !== null) child.send(message);
    });
  const hello = await ask(null);
  return {
    ...hello,
    ask,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ op: 'stop' });
      }),
  };
}

/** The daily login as a browser plays it: our login URL → the fake's login page → its redirect → our callback. */
async function logIn(base, token, accountId) {
  const login = await (
    await fetch(`${base}/api/v1/broker-accounts/${accountId}/login`, { headers: { authorization: `Bearer ${token}` } })
  ).json();
  const atKite = await fetch(login.url, { redirect: 'manual' });
  const back = new URL(atKite.headers.get('location'));
  const cb = await fetch(`${base}${back.pathname}${back.search}`, { redirect: 'manual' });
  const outcome = new URL(cb.headers.get('location'), base).searchParams.get('login');
  if (outcome !== 'ok') throw new Error(`kite login failed: ${cb.headers.get('location')}`);
}

export async function benchKiteFeed() {
  const stack = await createMarketStack(500);
  const fake = await startFakeKite();
  try {
    // Every instrument gets a Kite token on NSE (segment 1: prices in paise), as the master import stores them.
    const symbols = stack.universe.map((i) => i.symbol);
    const tokens = symbols.map((_, i) => (10_000 + i) * 256 + 1);
    await stack.db.query(
      `INSERT INTO instrument_broker_keys (broker, key, symbol, exchange_token, broker_symbol, broker_exchange)
       SELECT 'kite', k, s, e, s, 'NSE' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(k, s, e)`,
      [tokens.map(String), symbols, tokens.map((t) => String(t >> 8))],
    );
    const kiteEnv = { KITE_API_ROOT: fake.endpoints.apiRoot, KITE_LOGIN_URL: fake.endpoints.loginUrl, KITE_WS_ROOT: fake.endpoints.wsUrl };
    const api = await stack.startApi(kiteEnv);
    const userTokens = await makeTokens(api.base, CLIENTS);
    const created = await fetch(`${api.base}/api/v1/broker-accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${userTokens[0]}` },
      body: JSON.stringify({ kind: 'kite', name: 'Bench feed', credentials: { apiKey: fake.apiKey, apiSecret: fake.apiSecret } }),
    });
    if (created.status !== 201) throw new Error(`account: ${created.status} ${await created.text()}`);
    const accountId = (await created.json()).id;
    await logIn(api.base, userTokens[0], accountId);
    const worker = await stack.startWorker({ ...kiteEnv, MARKET_FEED: 'kite', MARKET_FEED_ACCOUNT_ID: accountId });
    for (let i = 0; ; i += 1) {
      const { tokens: subs } = await fake.ask({ op: 'subscribed' });
      if (subs.some((n) => n === symbols.length)) break;
      if (i > 300) throw new Error(`the worker did not subscribe: ${JSON.stringify(subs)}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const { sockets, stats } = await openTickClients(api.base, userTokens, (c) => pickSymbols(stack.universe, 2000 + c, PER_CLIENT));
    await fake.ask({ op: 'feed', rate: RATE });
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const w0 = await worker.metrics();
    stats.measuring = true;
    const t0 = Date.now();
    const lagW = [];
    const lagA = [];
    while (Date.now() - t0 < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      const [w, a] = await Promise.all([worker.metrics(), api.metrics()]);
      lagW.push(w.nodejs_eventloop_lag_p99_seconds * 1000);
      lagA.push(a.nodejs_eventloop_lag_p99_seconds * 1000);
    }
    stats.measuring = false;
    const elapsed = (Date.now() - t0) / 1000;
    const w1 = await worker.metrics();
    const { sent } = await fake.ask({ op: 'stop-feed' });
    sockets.forEach((s) => s.close());
    const m = (k) => (w1[`${k}{source="kite"}`] ?? 0) - (w0[`${k}{source="kite"}`] ?? 0);
    const received = (w1.market_feed_ticks_total - w0.market_feed_ticks_total) / elapsed;
    const lat = latencySummary(stats.latencies);
    const { events, gaps } = stats;
    const result = {
      rate: RATE,
      seconds: SECONDS,
      instruments: symbols.length,
      clients: CLIENTS,
      perClient: PER_CLIENT,
      sentByFake: sent,
      receivedPerSecond: received,
      shed: m('market_feed_shed_ticks_total'),
      framesRejected: m('market_feed_frames_rejected_total'),
      unknownTokens: m('market_feed_unknown_tokens_total'),
      maxLag: { worker: Math.max(...lagW), api: Math.max(...lagA) },
      latency: lat,
      events,
      gaps,
    };
    console.log(
      `kite feed: the fake Kite at ${RATE.toLocaleString()} ticks/s (full mode, 5-level depth) over ${symbols.length} instruments for ${SECONDS} s → worker (MARKET_FEED=kite) → API → ${CLIENTS} clients × ${PER_CLIENT} symbols`,
    );
    console.log(
      `  worker   received ${fmt(received, 0)} ticks/s, shed ${result.shed}, frames rejected ${result.framesRejected}, unknown tokens ${result.unknownTokens}, event-loop lag p99 max ${fmt(result.maxLag.worker)} ms (API ${fmt(result.maxLag.api)} ms)`,
    );
    console.log(
      `  clients  ${events.toLocaleString()} live ticks; tick → browser latency p50 ${lat.p50} ms, p95 ${lat.p95} ms, p99 ${lat.p99} ms, max ${lat.max} ms; seq gaps ${gaps}`,
    );
    const targets = {
      kiteFeedKeepsUp: received >= RATE * 0.95 && result.shed === 0 && result.framesRejected === 0 && result.unknownTokens === 0,
      kiteFeedTickToBrowserP99AtMost50ms: lat.p99 <= 50,
    };
    return { result, targets };
  } finally {
    await fake.stop();
    await stack.close();
  }
}
