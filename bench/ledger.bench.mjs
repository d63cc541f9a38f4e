// `npm run bench -- ledger`
// 1. 32 concurrent clients post hold → settle pairs for 200 users for 30 s through the real
//    ledger path (PostTransactionUseCase: wallet row lock, entries, content hash, sealer queue, realtime),
//    with the sealer running as the worker runs it; verify must be ok at the end.
//    Beside it, a naive baseline: one balance row per user, SELECT … FOR UPDATE + UPDATE, no
//    entries, no hashes, no chain — so the cost of the guarantees is visible.
//    Targets: >= 2,000 transactions/s and p99 <= 25 ms.
// 2. verify over 1,000,000 entries. Target: <= 10 s.
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { accountCode, applyToWallet, depositTx, holdTx, settleTx, walletBook } from '@tradeloop/domain';
import { Db, RealtimePublisher, createDataSource, createLogger, createRedis, loadConfig } from '@tradeloop/platform';
import { LedgerBatchWriter, LedgerRepository, LedgerSealer, LedgerVerifier, PostTransactionUseCase, contentHash } from '@tradeloop/wallet';
import { createBenchDatabase, dropDatabase, fmt, machine } from './lib/bench-kit.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 30);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const USERS = Number(process.env.BENCH_USERS ?? 200);
const VERIFY_ENTRIES = Number(process.env.BENCH_VERIFY_ENTRIES ?? 1_000_000);
const dbName = `tl_bench_ledger_${Date.now().toString(36)}`;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
function summarize(label, latencies, seconds) {
  const sorted = Float64Array.from(latencies).sort();
  const r = {
    label,
    transactions: latencies.length,
    tps: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
  console.log(
    `${label.padEnd(44)} ${fmt(r.tps, 0).padStart(7)} tx/s   p50 ${fmt(r.p50, 2)} ms   p99 ${fmt(r.p99, 2)} ms   (${r.transactions} tx)`,
  );
  return r;
}

async function runClients(work) {
  const latencies = [];
  const deadline = Date.now() + DURATION * 1000;
  let errors = 0;
  const client = async () => {
    while (Date.now() < deadline) {
      try {
        await work((ms) => latencies.push(ms));
      } catch (err) {
        errors += 1;
        if (errors < 5) console.error('client error:', err.message);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { latencies, seconds: (performance.now() - started) / 1000, errors };
}

const timed = async (record, fn) => {
  const t = performance.now();
  const r = await fn();
  record(performance.now() - t);
  return r;
};

async function createUsers(db, n) {
  const ids = Array.from({ length: n }, () => uuidv7());
  await db.sql.rows(
    `WITH u AS (INSERT INTO users (id, email, display_name, password_hash)
       SELECT id, 'bench-' || id || '@example.test', 'Bench', 'x' FROM unnest($1::uuid[]) AS id RETURNING id)
     INSERT INTO wallet_balances (user_id) SELECT id FROM u`,
    [ids],
  );
  return ids;
}

const url = await createBenchDatabase(dbName);
const config = loadConfig({
  ...process.env,
  DATABASE_URL: url,
  REDIS_PREFIX: `benchl${randomBytes(3).toString('hex')}`,
  LOG_LEVEL: 'warn',
});
const ds = createDataSource({ url, poolSize: CLIENTS + 8, applicationName: 'bench-ledger' });
await ds.initialize();
const db = new Db(ds);
const redis = createRedis(config.REDIS_URL, 'commands', 'bench-ledger');
const logger = createLogger('warn', 'bench');
const ledger = new LedgerRepository(db);
const postTx = new PostTransactionUseCase(new LedgerBatchWriter(db, ledger), new RealtimePublisher(redis, config, logger));
const sealer = new LedgerSealer(db);
const verifier = new LedgerVerifier(db, sealer);

try {
  console.log(`bench ledger: ${CLIENTS} clients, ${USERS} users, ${DURATION} s, on ${JSON.stringify(machine())}`);
  const users = await createUsers(db, USERS);
  for (const u of users) await postTx.execute(depositTx(walletBook(u), 1_000_000_000n, `fund-${u}`));

  // The worker's sealer, running alongside as in production.
  let sealing = true;
  const sealerLoop = (async () => {
    while (sealing) {
      await sealer.sealAll();
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  let k = 0;
  const ledgerRun = await runClients(async (record) => {
    const u = users[Math.floor(Math.random() * users.length)];
    const ref = `order-${k++}`;
    const held = 100_000n + BigInt(Math.floor(Math.random() * 100_000));
    await timed(record, () => postTx.execute(holdTx(walletBook(u), held, ref)));
    const cost = held - 2_000n;
    await timed(record, () => postTx.execute(settleTx(walletBook(u), { heldAmount: held, cost, fees: 600n, taxes: 108n }, ref)));
  });
  sealing = false;
  await sealerLoop;
  const real = summarize('ledger: hold → settle (entries, hashes, chain)', ledgerRun.latencies, ledgerRun.seconds);
  const verifyAfter = await verifier.verify();
  console.log(
    `verify after the run: ok=${verifyAfter.ok}, ${verifyAfter.transactionsChecked} tx, ${verifyAfter.entriesChecked} entries, trial balance ${verifyAfter.trialBalance}, ${verifyAfter.durationMs} ms`,
  );

  // Naive baseline: a bare balance row.
  await db.sql.rows(`CREATE TABLE naive_balances (user_id uuid PRIMARY KEY, balance bigint NOT NULL)`);
  await db.sql.rows(`INSERT INTO naive_balances SELECT id, 1000000000 FROM unnest($1::uuid[]) AS id`, [users]);
  const naiveMove = (u, delta) =>
    db.tx(async (sql) => {
      const [row] = await sql.rows(`SELECT balance FROM naive_balances WHERE user_id = $1 FOR UPDATE`, [u]);
      if (BigInt(row.balance) + delta < 0n) throw new Error('insufficient');
      await sql.rows(`UPDATE naive_balances SET balance = balance + $2 WHERE user_id = $1`, [u, delta.toString()]);
    });
  const naiveRun = await runClients(async (record) => {
    const u = users[Math.floor(Math.random() * users.length)];
    const held = 100_000n;
    await timed(record, () => naiveMove(u, -held));
    await timed(record, () => naiveMove(u, 2_000n - 600n - 108n));
  });
  const naive = summarize('naive: one balance row, FOR UPDATE, no entries', naiveRun.latencies, naiveRun.seconds);
  console.log(`cost of the guarantees: ${fmt((real.tps / naive.tps) * 100, 0)}% of the naive throughput`);

  // Verify at scale: bulk-load honest history up to VERIFY_ENTRIES entries, seal it, time verify.
  const existing = Number((await db.sql.one(`SELECT count(*)::text n FROM ledger_entries`)).n);
  const loaded = await bulkLoad(db, users, Math.max(0, VERIFY_ENTRIES - existing));
  await sealer.sealAll({ wait: true });
  const big = await verifier.verify();
  console.log(
    `verify over ${big.entriesChecked} entries / ${big.transactionsChecked} transactions: ok=${big.ok} in ${big.durationMs} ms (bulk-loaded ${loaded} entries)`,
  );

  const targets = {
    tpsAtLeast2000: real.tps >= 2000,
    p99AtMost25ms: real.p99 <= 25,
    verifyOkAfterRun: verifyAfter.ok,
    verify1MUnder10s: big.ok && big.entriesChecked >= 1_000_000 && big.durationMs <= 10_000,
  };
  console.log(
    JSON.stringify({
      bench: 'ledger',
      machine: machine(),
      clients: CLIENTS,
      users: USERS,
      durationS: DURATION,
      ledger: { ...real, errors: ledgerRun.errors },
      naive: { ...naive, errors: naiveRun.errors },
      verifyAfterRun: { ok: verifyAfter.ok, durationMs: verifyAfter.durationMs, transactions: verifyAfter.transactionsChecked },
      verifyLarge: { ok: big.ok, entries: big.entriesChecked, transactions: big.transactionsChecked, durationMs: big.durationMs },
      targets,
      allTargetsMet: Object.values(targets).every(Boolean),
    }),
  );
} finally {
  await ds.destroy();
  redis.disconnect();
  await dropDatabase(dbName);
}

/**
 * Writes honest ledger history fast (multi-row inserts, same hashing code) for the verify
 * benchmark: per user a deposit then hold/settle pairs, balances kept by the domain rule.
 */
async function bulkLoad(db, users, targetEntries) {
  let written = 0;
  const balances = new Map(users.map((u) => [u, { cash: 0n, held: 0n }]));
  const t0 = Date.now();
  while (written < targetEntries) {
    const txs = [];
    for (let i = 0; i < 2000 && written < targetEntries; i += 1) {
      const u = users[(written + i) % users.length];
      const w = balances.get(u);
      const ref = `bulk-${written}-${i}`;
      const tx =
        w.cash < 200_000n
          ? depositTx(walletBook(u), 10_000_000n, ref)
          : w.held > 0n
            ? settleTx(walletBook(u), { heldAmount: w.held, cost: w.held - 500n, fees: 300n, taxes: 54n }, ref)
            : holdTx(walletBook(u), 150_000n, ref);
      balances.set(u, applyToWallet(w, tx));
      txs.push(tx);
      written += tx.postings.length;
    }
    const rows = { id: [], type: [], user: [], ref: [], at: [], hash: [] };
    const e = { tx: [], pos: [], account: [], user: [], type: [], amount: [], at: [] };
    for (const tx of txs) {
      const id = uuidv7();
      const at = new Date().toISOString();
      rows.id.push(id);
      rows.type.push(tx.type);
      rows.user.push(tx.userId);
      rows.ref.push(tx.reference);
      rows.at.push(at);
      rows.hash.push(contentHash(tx, { id, createdAt: at }));
      tx.postings.forEach((p, pos) => {
        e.tx.push(id);
        e.pos.push(pos);
        e.account.push(accountCode(p.account));
        e.user.push(p.account.kind === 'user' ? p.account.userId : null);
        e.type.push(p.type);
        e.amount.push(p.amount.toString());
        e.at.push(at);
      });
    }
    await db.tx(async (sql) => {
      await sql.rows(
        `WITH t AS (INSERT INTO ledger_transactions (id, type, user_id, reference, created_at, content_hash)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::bytea[]) RETURNING id, ingest_id)
         INSERT INTO ledger_unsealed (transaction_id, ingest_id) SELECT id, ingest_id FROM t`,
        [rows.id, rows.type, rows.user, rows.ref, rows.at, rows.hash],
      );
      await sql.rows(
        `INSERT INTO ledger_entries (transaction_id, position, account, user_id, type, amount_paise, created_at)
         SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::uuid[], $5::text[], $6::bigint[], $7::timestamptz[])`,
        [e.tx, e.pos, e.account, e.user, e.type, e.amount, e.at],
      );
    });
  }
  for (const [u, d] of balances) {
    await db.sql.rows(`UPDATE wallet_balances SET cash_paise = cash_paise + $2, held_paise = held_paise + $3 WHERE user_id = $1`, [
      u,
      d.cash.toString(),
      d.held.toString(),
    ]);
  }
  console.log(`bulk-loaded ${written} entries in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return written;
}
