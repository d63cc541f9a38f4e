// Socket.IO clients of the API's ticks channel, as the feed benches (market --part feed, brokers
// --part feed) measure the fan-out: each client subscribes to its own symbols; while `measuring`,
// every live tick (not the subscription snapshot) counts as an event, a seq that is not the
// previous + 1 as a gap, and receive time − the tick's time as its latency.
import { io } from 'socket.io-client';
import { percentile } from './stack.mjs';

/** `n` distinct symbols of `universe`, picked by a small LCG from `seed` (the same every run). */
export function pickSymbols(universe, seed, n) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const out = new Set();
  while (out.size < n) out.add(universe[Math.floor(rand() * universe.length)].symbol);
  return [...out];
}

/**
 * One client per bearer token in `tokens`, client `c` subscribed to `symbolsFor(c)`; `onLive(c, tick, now)`
 * sees each measured tick too. Returns the sockets and the counters (`measuring` starts false).
 */
export async function openTickClients(base, tokens, symbolsFor, onLive = () => undefined) {
  const stats = { measuring: false, latencies: [], events: 0, gaps: 0 };
  const sockets = await Promise.all(
    tokens.map(async (token, c) => {
      const socket = io(`${base}/realtime`, { path: '/socket.io', auth: { token }, transports: ['websocket'] });
      await new Promise((res, rej) => {
        socket.once('ready', res);
        socket.once('connect_error', rej);
      });
      const lastSeq = new Map();
      socket.on('tick', (t) => {
        const now = Date.now();
        const prev = lastSeq.get(t.symbol);
        lastSeq.set(t.symbol, t.seq);
        if (!stats.measuring || prev === undefined) return; // the subscription snapshot is not a live tick
        stats.events += 1;
        if (t.seq !== prev + 1) stats.gaps += 1;
        stats.latencies.push(now - Date.parse(t.ts));
        onLive(c, t, now);
      });
      const symbols = symbolsFor(c);
      const ack = await socket.timeout(5000).emitWithAck('subscribe', { channel: 'ticks', symbols });
      if (!ack.ok || ack.symbols.length !== symbols.length) throw new Error(`subscribe failed: ${JSON.stringify(ack)}`);
      return socket;
    }),
  );
  return { sockets, stats };
}

/** p50/p95/p99/max of the latencies (ms); sorts them in place. */
export function latencySummary(latencies) {
  const sorted = latencies.sort((x, y) => x - y);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) };
}
