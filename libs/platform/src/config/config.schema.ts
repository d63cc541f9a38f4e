import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

interface VarSpec {
  schema: z.ZodType;
  description: string;
  /** Never logged, never echoed back in error messages. */
  sensitive?: boolean;
  /** Shown in the README table; the schema's own default applies at runtime. */
  defaultLabel?: string;
}

/** `id:<base64 of 32 bytes>` pairs, comma-separated: the broker credentials key ring. */
export function parseKeyRing(text: string): Map<string, Buffer> {
  const ring = new Map<string, Buffer>();
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error('each entry must be `id:<base64 key>` with an id of letters, digits, _ or -');
    if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes, base64-encoded`);
    if (ring.has(id)) throw new Error(`key id "${id}" appears twice`);
    ring.set(id, key);
  }
  if (ring.size === 0) throw new Error('must hold at least one key');
  return ring;
}

function brokerKeyRingProblem(text: string): string | null {
  try {
    parseKeyRing(text);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Every environment variable the platform reads, with its description. This table is the single
 * source: it validates at start-up, and it generates the README's configuration table.
 */
export const CONFIG_VARS = {
  NODE_ENV: { schema: z.enum(['development', 'production', 'test']).default('development'), description: 'Runtime mode.' },
  HOST: { schema: z.string().default('0.0.0.0'), description: 'Interface the API listens on.' },
  PORT: { schema: port.default(3000), description: 'API port; also serves the web app and Socket.IO.' },
  DATABASE_URL: { schema: z.url({ protocol: /^postgres(ql)?$/ }), description: 'Postgres connection URL.', sensitive: true },
  DATABASE_POOL_SIZE: { schema: int(1, 200).default(20), description: 'Max Postgres connections per process.' },
  REDIS_URL: { schema: z.url({ protocol: /^rediss?$/ }), description: 'Redis connection URL.', sensitive: true },
  REDIS_PREFIX: {
    schema: z
      .string()
      .regex(/^[a-z0-9:_-]{1,40}$/)
      .default('tl'),
    description: 'Prefix of every Redis key (queues, sockets, rate limits), so several deployments or test runs can share a Redis.',
  },
  JWT_ACCESS_SECRET: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    description: 'HMAC secret signing access tokens (HS256).',
    sensitive: true,
  },
  JWT_ACCESS_TTL_SECONDS: { schema: int(60, 900).default(900), description: 'Access token lifetime (max 15 min).' },
  REFRESH_TTL_DAYS: { schema: int(1, 90).default(14), description: 'Refresh token / session lifetime.' },
  MFA_ENCRYPTION_KEY: {
    schema: z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
    description: 'AES-256-GCM key encrypting TOTP secrets at rest (32 bytes, base64).',
    sensitive: true,
  },
  BROKER_CREDENTIALS_KEYS: {
    schema: z.string().superRefine((s, ctx) => {
      const problem = brokerKeyRingProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    description:
      "Key ring encrypting every secret at rest (AES-256-GCM): broker credentials and access tokens, webhook sources' secrets, notification channels' signing secrets and Telegram bot tokens. `id:<32 bytes base64>` pairs, comma-separated (`k1:…,k2:…`). Reads accept every key in the ring; keep an old key until the re-encrypt job (`npm run secrets:reencrypt` or `POST /api/v1/admin/jobs/reencrypt-broker-credentials`) has moved every value off it.",
    sensitive: true,
  },
  BROKER_CREDENTIALS_KEY_ID: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .optional(),
    description: 'Id of the ring key new values are encrypted under; must be in `BROKER_CREDENTIALS_KEYS`.',
    defaultLabel: '(the first key of the ring)',
    sensitive: true,
  },
  USER_BROKER_ACCOUNTS: {
    schema: bool.default(true),
    description: 'Users may add live broker accounts for themselves; `false`: only admins register (firm) accounts.',
  },
  KITE_API_ROOT: {
    schema: z.url({ protocol: /^https?$/ }).default('https://api.kite.trade'),
    description: 'Root of the Kite Connect REST API (a local fake in tests).',
  },
  KITE_LOGIN_URL: {
    schema: z.url({ protocol: /^https?$/ }).default('https://kite.zerodha.com/connect/login'),
    description: "Kite's login page the daily login sends the browser to.",
  },
  KITE_WS_ROOT: {
    schema: z.url({ protocol: /^wss?$/ }).default('wss://ws.kite.trade'),
    description: 'Root of the Kite ticker WebSocket (order updates of live Kite accounts; a local fake in tests).',
  },
  KITE_INSTRUMENTS_URL: {
    schema: z.url({ protocol: /^https?$/ }).default('https://api.kite.trade/instruments'),
    description: "Kite's daily instruments dump (gzipped CSV) the instrument-masters job imports (a local file server in tests).",
  },
  UPSTOX_INSTRUMENTS_URL: {
    schema: z.url({ protocol: /^https?$/ }).default('https://assets.upstox.com/market-quote/instruments/exchange/complete.json.gz'),
    description: "Upstox's daily (BOD) instruments file (gzipped JSON) the instrument-masters job imports (a local file server in tests).",
  },
  BROKER_FUNDS_CACHE_MS: {
    schema: int(0, 60_000).default(5_000),
    description: "How long a live account's funds at its broker are reused for the margin check at order intake.",
  },
  RECONCILIATION_CASH_TOLERANCE_PAISE: {
    schema: int(0, 1_000_000_000).default(10_000),
    description:
      "How far (paise, either way) a live account's cash at its broker may drift from its mirror plus our fills before the daily reconciliation opens a case: brokerage and charges the broker adds.",
  },
  PAPER_STARTING_BALANCE: {
    schema: z
      .string()
      .regex(/^(0|[1-9][0-9]{0,12})(\.[0-9]{1,2})?$/, 'a plain rupee amount such as "1000000.00"')
      .default('1000000.00'),
    description:
      "A paper account's virtual balance when its paper book is first used (rupees, as the API's money strings; 0 = none): one SET_BALANCE posting, replaced when the owner sets or resets it.",
  },
  KITE_AFTER_HOURS: {
    schema: z.enum(['amo', 'regular']).default('amo'),
    description:
      'How orders of live Kite accounts go out outside NSE hours (09:15–15:30 IST, weekdays): as after-market orders (`amo`), or `regular` (tests against the fake).',
  },
  KITE_REQUEST_TIMEOUT_MS: {
    schema: int(500, 60_000).default(7_000),
    description: 'Per Kite REST request; a placement that times out is looked up by its tag before anything is sent again.',
  },
  UPSTOX_API_ROOT: {
    schema: z.url({ protocol: /^https?$/ }).default('https://api.upstox.com'),
    description:
      'Root of the Upstox API: reads, the portfolio-stream authorisation and the daily login (dialog and token exchange); a local fake in tests.',
  },
  UPSTOX_ORDER_ROOT: {
    schema: z.url({ protocol: /^https?$/ }).default('https://api-hft.upstox.com'),
    description: "Upstox's order host: placing, modifying and cancelling orders of live Upstox accounts (a local fake in tests).",
  },
  UPSTOX_AFTER_HOURS: {
    schema: z.enum(['amo', 'regular']).default('amo'),
    description:
      'How orders of live Upstox accounts go out outside NSE hours (09:15–15:30 IST, weekdays): as after-market orders (`is_amo`), or `regular` (tests against the fake).',
  },
  UPSTOX_REQUEST_TIMEOUT_MS: {
    schema: int(500, 60_000).default(7_000),
    description: 'Per Upstox REST request; a placement that times out is looked up by its tag before anything is sent again.',
  },
  OPENALGO_REQUEST_TIMEOUT_MS: {
    schema: int(500, 60_000).default(7_000),
    description:
      'Per OpenAlgo REST request (also the check when an OpenAlgo account is added); a placement that times out is looked for by instrument, side, quantity and time before anything is sent again.',
  },
  OPENALGO_WS_PORT: {
    schema: port.default(8765),
    description:
      "Port of an OpenAlgo install's WebSocket proxy (order updates), on the account's host; 0 = the host's own address with path `/ws` (a reverse proxy serving both; the fake).",
  },
  OPENALGO_CHECK_INTERVAL_MS: {
    schema: int(200, 3_600_000).default(60_000),
    description:
      'How often the worker re-checks each enabled OpenAlgo account (funds, analyzer mode): a host that stopped answering or a refused key turns it `error`, one that answers again `connected`.',
  },
  OPENALGO_POLL_INTERVAL_MS: {
    schema: int(200, 60_000).default(2_000),
    description: "How often an OpenAlgo account's order book is polled when its install has no order stream (`subscribe_orders`).",
  },
  AUTH_CACHE_TTL_MS: {
    schema: int(0, 60_000).default(2000),
    description:
      'How long a resolved session may be reused without re-reading Postgres; 0 = verify the JWT and read the session on every request. Changes invalidate it at once.',
  },
  REGISTRATION_ENABLED: { schema: bool.default(true), description: 'Allow self-registration (`POST /auth/register`).' },
  ADMIN_EMAIL: { schema: z.email().default('admin@tradeloop.local'), description: 'Email of the admin seeded by `npm run up`.' },
  ADMIN_PASSWORD: {
    schema: z.string().min(10).default('admin-change-me'),
    description: 'Password of the seeded admin (only used when the admin does not exist yet).',
    sensitive: true,
  },
  LOGIN_MAX_FAILURES_PER_ACCOUNT: { schema: int(1, 1000).default(5), description: 'Failed logins per account before it is throttled.' },
  LOGIN_MAX_FAILURES_PER_IP: { schema: int(1, 100000).default(30), description: 'Failed logins per client IP before it is throttled.' },
  LOGIN_THROTTLE_WINDOW_SECONDS: { schema: int(1, 86400).default(900), description: 'Window and block time of login throttling.' },
  REGISTER_MAX_PER_IP: {
    schema: int(1, 100000).default(5),
    description: 'Registration attempts (`POST /auth/register` bodies that pass validation) per client IP per window; 429 above.',
  },
  REGISTER_MAX_GLOBAL: {
    schema: int(1, 10_000_000).default(500),
    description: 'Registration attempts from all clients together per window; 429 above (bounds mass sign-ups from many IPs).',
  },
  REGISTER_WINDOW_SECONDS: { schema: int(1, 86400).default(3600), description: 'Window of the registration limits.' },
  BODY_LIMIT_BYTES: { schema: int(1024, 64 * 1024 * 1024).default(1024 * 1024), description: 'Largest accepted request body (413 above).' },
  WEBHOOK_MAX_BODY_BYTES: {
    schema: int(256, 1024 * 1024).default(16 * 1024),
    description:
      'Largest alert body `POST /api/v1/hooks/{sourceId}` accepts (413 above, stored as a rejected delivery with the first 16 KiB of the body; above `BODY_LIMIT_BYTES` the HTTP layer refuses it before the source is read).',
  },
  WEBHOOK_TOLERANCE_SECONDS: {
    schema: int(1, 3_600).default(300),
    description: 'How far `X-Tradeloop-Timestamp` may be from our clock, either way, before a signed alert is refused as stale (401).',
  },
  WEBHOOK_DEDUP_SECONDS: {
    schema: int(1, 86_400).default(60),
    description:
      'Window of alert dedup: the same canonical payload on a source within this many seconds of the accepted one is a duplicate (200 naming the original). An `alert_id` is unique on its source forever.',
  },
  CORS_ORIGINS: {
    schema: z.string().default(''),
    description: 'Comma-separated origins allowed by CORS; empty = same origin only.',
  },
  TRUST_PROXY: { schema: bool.default(false), description: 'Trust X-Forwarded-* (set behind a reverse proxy).' },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'pino log level.',
  },
  METRICS_PORT: {
    schema: port.optional(),
    description: 'Serve `/metrics` on this port instead of the API port.',
    defaultLabel: '(API port)',
  },
  WEB_DIST_DIR: { schema: z.string().optional(), description: 'Built web app served at `/`.', defaultLabel: 'apps/web/dist' },
  SHUTDOWN_GRACE_MS: { schema: int(0, 600000).default(25000), description: 'Time allowed for in-flight requests/jobs on SIGTERM.' },
  WORKER_CONCURRENCY: { schema: int(1, 256).default(8), description: 'Jobs a worker runs in parallel per queue.' },
  WORKER_LEASE_TTL_MS: {
    schema: int(1000, 120_000).default(6000),
    description:
      'Lifetime of the scale-out leases a worker holds (the market: feed, paper exchange, signal engine, strategies; each order partition; candle compaction), renewed every third of it: a dead holder is replaced within it (docs/architecture.md "Scale-out").',
  },
  ORDER_PARTITIONS: {
    schema: int(1, 256).default(8),
    description:
      "Queues that live-account order jobs are spread over by account (each consumed by one worker at a time, shared fairly among the running workers); paper accounts' jobs have one queue of their own, consumed by the market lease's holder. Every process must use the same number.",
  },
  ORDER_JOB_LOCK_MS: {
    schema: int(2000, 600_000).default(30_000),
    description:
      "How long an order job a worker is running stays locked to it without renewal: a worker that died mid-job has its job retried by another after this (BullMQ's lock duration and stalled-job check of the order queues).",
  },
  BACKTEST_MAX_BARS: {
    schema: int(1, 1_000_000_000).default(50_000_000),
    description: 'Most bars (candles × symbols) one backtest may replay; a larger request is refused up front (422 naming the limit).',
  },
  BACKTEST_SCORING_THREADS: {
    schema: int(0, 256).default(0),
    description: 'Threads that score an ml-signal backtest’s features with the model (each its own onnxruntime session); 0: one per core.',
  },
  BACKTEST_MAX_SWEEP: {
    schema: int(1, 10_000).default(100),
    description:
      'Most parameter combinations (child runs) one backtest sweep may have; a larger grid is refused up front (422 naming the swept field and the limit).',
  },
  WORKER_HEALTH_PORT: {
    schema: port.default(3001),
    description: 'Worker health and metrics port (`/health`, `/health/ready`, `/metrics`).',
  },
  MARKET_FEED: {
    schema: z.enum(['simulated', 'kite', 'upstox', 'openalgo', 'off']).default('simulated'),
    description:
      "Market-data source run by the worker: the simulated market, a broker account's live feed (`kite`: the Kite ticker in full mode with depth, through `MARKET_FEED_ACCOUNT_ID`'s session; `openalgo`: the account's OpenAlgo WebSocket proxy in Depth mode (5 levels); `upstox`: the account's market feed v3 in full mode (5 levels)), or none (`off`).",
  },
  MARKET_FEED_ACCOUNT_ID: {
    schema: z.uuid().optional(),
    description:
      'The broker account whose session a broker feed uses (required with `MARKET_FEED=kite`, `upstox` or `openalgo`); while it needs a login (OpenAlgo: while it is in error) the feed waits.',
  },
  MARKET_FEED_SEED: { schema: int(0, 2_147_483_647).default(1), description: 'Seed of the simulated market: same seed, same price paths.' },
  MARKET_FEED_TICKS_PER_SECOND: {
    schema: int(1, 100_000).default(500),
    description: 'Ticks per second the simulated feed generates across all instruments.',
  },
  MARKET_FEED_HOURS: {
    schema: z.enum(['always', 'nse']).default('always'),
    description: '`nse`: the simulated market trades 09:15–15:30 IST on weekdays only; `always`: a demo market that never closes.',
  },
  MARKET_STEERING: {
    schema: bool.default(false),
    description:
      'Tests only: `POST /api/v1/admin/market/steer` moves an instrument of the simulated market to a given price (404 while off). Never set in production.',
  },
  FAULT_INJECTION: {
    schema: z
      .enum(['none', 'crash-after-broker-accept', 'crash-after-risk-exit-trigger', 'crash-after-alert-exit-trigger'])
      .default('none'),
    description:
      "Fault tests only: `crash-after-broker-accept` makes the worker SIGKILL itself after the broker accepted an order and before our database recorded it; `crash-after-risk-exit-trigger` right after a risk exit's trigger commits, before its orders; `crash-after-alert-exit-trigger` right after an alert position's exit trigger commits, before its order. Never set in production.",
  },
  MARKET_BACKFILL_DAYS: {
    schema: int(0, 365).default(90),
    description:
      'Days of simulated 1-minute history `npm run up` generates for equities, indices and futures when none is stored (0 = none).',
  },
  MODEL_REGISTRY_DIR: {
    schema: z.string().min(1).default('models/registry'),
    description:
      "Where uploaded .onnx models are stored (relative paths from the working directory; the database keeps each file's SHA-256).",
  },
  MODEL_UPLOAD_MAX_BYTES: {
    schema: int(1024, 512 * 1024 * 1024).default(64 * 1024 * 1024),
    description: 'Largest .onnx file `POST /api/v1/models` accepts.',
  },
  SMTP_URL: {
    schema: z
      .string()
      .default('smtp://127.0.0.1:25259')
      .refine((s) => {
        try {
          const u = new URL(s);
          return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
        } catch {
          return false;
        }
      }, 'must be an smtp:// or smtps:// URL (smtp://user:pass@host:port)'),
    description:
      'SMTP server email notifications are sent through (`smtps://` for TLS from the start; `smtp://` upgrades with STARTTLS when offered). `npm run up` and `npm test` start a local SMTP sink (infra/smtp) on 127.0.0.1:25259 that stores each message under `.local/smtp/mail`.',
    defaultLabel: 'smtp://127.0.0.1:25259',
    sensitive: true,
  },
  SMTP_FROM: {
    schema: z.string().min(3).max(200).default('Tradeloop <notifications@tradeloop.local>'),
    description: 'The From of notification emails.',
  },
  NOTIFY_RATE_MAX: {
    schema: int(1, 100_000).default(30),
    description:
      'Email and webhook notifications sent per user per `NOTIFY_RATE_WINDOW_MS`; more wait for the next window (never dropped). In-app is not limited.',
  },
  NOTIFY_RATE_WINDOW_MS: { schema: int(1_000, 86_400_000).default(60_000), description: 'Window of `NOTIFY_RATE_MAX`.' },
  NOTIFY_RETRY_BASE_MS: {
    schema: int(10, 3_600_000).default(5_000),
    description: 'A failed notification send is retried after this long, doubling each time up to `NOTIFY_RETRY_MAX_MS`.',
  },
  NOTIFY_RETRY_MAX_MS: {
    schema: int(10, 86_400_000).default(600_000),
    description: 'Longest wait between two tries of a notification send.',
  },
  NOTIFY_MAX_ATTEMPTS: {
    schema: int(1, 100).default(12),
    description: 'Tries of one notification send (the first included) before it is marked failed with its last error.',
  },
  NOTIFY_WEBHOOK_PRIVATE_TARGETS: {
    schema: bool.default(false),
    description:
      'Outgoing notification webhooks may target loopback, private and link-local addresses (by URL or as the name resolves). Off: such a channel is refused (400) and such a send fails. On for tests and closed networks only.',
  },
  NOTIFY_SEND_TIMEOUT_MS: { schema: int(100, 120_000).default(10_000), description: 'Per SMTP conversation or outgoing webhook request.' },
} satisfies Record<string, VarSpec>;

type Vars = typeof CONFIG_VARS;
export type AppConfig = { readonly [K in keyof Vars]: z.output<Vars[K]['schema']> };

const ConfigSchema = z.object(
  Object.fromEntries(Object.entries(CONFIG_VARS).map(([k, v]) => [k, v.schema])) as {
    [K in keyof Vars]: Vars[K]['schema'];
  },
);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into a typed config, or throws a ConfigError that names every missing
 * or malformed variable (values of sensitive ones are never echoed).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(CONFIG_VARS)) {
    const value = env[key];
    input[key] = value === '' && key !== 'CORS_ORIGINS' ? undefined : value;
  }
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        const spec = (CONFIG_VARS as Record<string, VarSpec>)[key];
        const missing = input[key] === undefined;
        return missing
          ? `${key} is required: ${spec?.description ?? ''}`
          : `${key} is invalid: ${issue.message}${spec?.sensitive ? '' : ` (got "${input[key]}")`}`;
      }),
    );
  }
  const ringIds = [...parseKeyRing(parsed.data.BROKER_CREDENTIALS_KEYS).keys()];
  const activeKey = parsed.data.BROKER_CREDENTIALS_KEY_ID;
  if (activeKey !== undefined && !ringIds.includes(activeKey)) {
    throw new ConfigError([`BROKER_CREDENTIALS_KEY_ID is invalid: names no key of BROKER_CREDENTIALS_KEYS (ids: ${ringIds.join(', ')})`]);
  }
  if (parsed.data.MARKET_FEED !== 'simulated' && parsed.data.MARKET_FEED !== 'off' && parsed.data.MARKET_FEED_ACCOUNT_ID === undefined) {
    throw new ConfigError([
      `MARKET_FEED_ACCOUNT_ID is required with MARKET_FEED=${parsed.data.MARKET_FEED}: the broker account whose session the feed uses`,
    ]);
  }
  return Object.freeze(parsed.data) as AppConfig;
}

/** Rows for the README's configuration table. */
export function describeConfig(): { name: string; required: boolean; default: string; sensitive: boolean; description: string }[] {
  return Object.entries(CONFIG_VARS as Record<string, VarSpec>).map(([name, spec]) => {
    const probe = spec.schema.safeParse(undefined);
    const required = !probe.success;
    const dflt = spec.defaultLabel ?? (probe.success && probe.data !== undefined ? String(probe.data) : '');
    return {
      name,
      required,
      default: spec.sensitive && !required ? '(demo value)' : dflt,
      sensitive: !!spec.sensitive,
      description: spec.description,
    };
  });
}
