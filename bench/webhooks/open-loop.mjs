// Open-loop HTTP load for the webhooks bench: requests leave at a fixed rate whatever the answers
// do, and each latency is measured from the request's SCHEDULED send time (not from when it was
// actually written), so a stalled server or a late client cannot hide its queueing (coordinated
// omission). node:http with a keep-alive agent: far cheaper per request than fetch on this 2-core
// machine, where the client shares the cores with the API, the worker, Postgres and Redis.
import http from 'node:http';
import { percentile } from '../market/stack.mjs';

export const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) };
};

export function agent(maxSockets = 256) {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/** One request; resolves { status, body, endMs } (performance.now at the last byte). */
export function request(base, agentInst, { method, path, headers, body }) {
  const u = new URL(path, base);
  return new Promise((resolve) => {
    const req = http.request({ agent: agentInst, host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), endMs: performance.now() }));
      res.on('error', (e) => resolve({ status: 0, body: String(e), endMs: performance.now() }));
    });
    req.on('error', (e) => resolve({ status: 0, body: String(e), endMs: performance.now() }));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/**
 * Sends `count` requests at `rate`/s; `make(k)` builds request k (do the expensive work before the
 * run). Returns per-request { k, scheduledMs (performance.now scheduled), status, body, latencyMs }
 * and the achieved send rate.
 */
export async function openLoop({ base, agent: agentInst, rate, count, make }) {
  const results = new Array(count);
  const pending = [];
  const start = performance.now() + 50;
  let k = 0;
  let lateMax = 0;
  while (k < count) {
    const now = performance.now();
    while (k < count && start + (k * 1000) / rate <= now) {
      const scheduled = start + (k * 1000) / rate;
      lateMax = Math.max(lateMax, now - scheduled);
      const i = k;
      pending.push(
        request(base, agentInst, make(i)).then((r) => {
          results[i] = { k: i, scheduledMs: scheduled, status: r.status, body: r.body, latencyMs: r.endMs - scheduled };
        }),
      );
      k += 1;
    }
    if (k < count) {
      const wait = start + (k * 1000) / rate - performance.now();
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    }
  }
  const sentSeconds = (performance.now() - start) / 1000;
  await Promise.all(pending);
  return { results, achievedRate: count / sentSeconds, senderLateMaxMs: lateMax };
}
