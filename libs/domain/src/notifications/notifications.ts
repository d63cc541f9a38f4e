/*
 * Notifications (docs/alerts.md "Notifications"): which events exist, what each one says, which
 * channels get it, how often a delivery is retried and how many a user may be sent in a window.
 * Pure: the outbox, the queue and the transports live in libs/notifications.
 */

/** Every event a channel can subscribe to (the `events` of a channel). In-app gets them all. */
export const NOTIFICATION_EVENTS = [
  'fill',
  'rejection',
  'risk_trip',
  'kill_switch',
  'exit',
  'drift',
  'broker_login',
  'webhook_failure',
  'price_alert',
] as const;
export type NotificationEventKind = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_CHANNEL_KINDS = ['email', 'webhook'] as const;
export type NotificationChannelKind = (typeof NOTIFICATION_CHANNEL_KINDS)[number];

/** An outgoing webhook's body: a Telegram bot's `sendMessage` ({ chat_id, text }) or our signed JSON. */
export const NOTIFICATION_WEBHOOK_FORMATS = ['telegram', 'signed'] as const;
export type NotificationWebhookFormat = (typeof NOTIFICATION_WEBHOOK_FORMATS)[number];

export const NOTIFICATION_DELIVERY_STATUSES = ['queued', 'sent', 'failed'] as const;
export type NotificationDeliveryStatus = (typeof NOTIFICATION_DELIVERY_STATUSES)[number];

/** The facts of one event, by kind: what the emitter knows at the moment it happens. */
export type NotificationFacts =
  | { kind: 'fill'; symbol: string; side: 'BUY' | 'SELL'; quantity: number; price: string; orderId: string; complete: boolean }
  | { kind: 'rejection'; symbol: string; side: 'BUY' | 'SELL'; quantity: number; reason: string; orderId: string }
  | { kind: 'risk_trip'; rule: string; reason: string; dayPnl: string; limit: string; squareOff: boolean }
  | { kind: 'kill_switch'; scope: string; engaged: boolean; reason: string | null; automatic: boolean }
  | { kind: 'exit'; symbol: string; trigger: string; quantity: number | null; price: string | null; reason: string }
  | { kind: 'drift'; model: string; version: string; feature: string; psi: number }
  | { kind: 'broker_login'; account: string; broker: string; reason: string }
  | { kind: 'webhook_failure'; source: string; reason: string; deliveryId: string | null }
  | { kind: 'price_alert'; symbol: string; condition: 'above' | 'below'; price: string; ltp: string; note: string | null; alertId: string };

export interface NotificationMessage {
  /** One line: an email subject, the in-app heading. */
  title: string;
  /** A few plain-text lines. */
  body: string;
  /** Whether the event wants attention (a rejection, a trip) rather than telling good news. */
  severity: 'info' | 'warning' | 'critical';
}

const MAX_TITLE = 140;
const MAX_BODY = 2_000;

/** Cuts to at most `max` characters (code points, so no half surrogate pair), ending with an ellipsis when cut. */
export function clipText(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** One line of user-supplied text: control characters (newlines included) become spaces. */
function line(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

const qty = (n: number): string => n.toLocaleString('en-IN');

/** The message of an event: the same text for every channel (the subject and body of an email). */
export function renderNotification(f: NotificationFacts): NotificationMessage {
  const m = renderRaw(f);
  return { title: clipText(line(m.title), MAX_TITLE), body: clipText(m.body.trim(), MAX_BODY), severity: m.severity };
}

function renderRaw(f: NotificationFacts): NotificationMessage {
  switch (f.kind) {
    case 'fill':
      return {
        title: `${f.complete ? 'Filled' : 'Partly filled'}: ${f.side} ${qty(f.quantity)} ${line(f.symbol)} @ ₹${f.price}`,
        body: `Your ${f.side} order for ${line(f.symbol)} ${f.complete ? 'was filled' : 'was partly filled'}: ${qty(f.quantity)} at ₹${f.price}.\nOrder ${f.orderId}.`,
        severity: 'info',
      };
    case 'rejection':
      return {
        title: `Rejected: ${f.side} ${qty(f.quantity)} ${line(f.symbol)}`,
        body: `Your ${f.side} order for ${qty(f.quantity)} ${line(f.symbol)} was rejected: ${line(f.reason)}.\nOrder ${f.orderId}.`,
        severity: 'warning',
      };
    case 'risk_trip':
      return {
        title: `Risk limit tripped: ${line(f.rule)}`,
        body: `${line(f.reason)}\nDay P&L ₹${f.dayPnl}, limit ₹${f.limit}. Your kill switch is engaged${f.squareOff ? ' and open positions are being squared off' : ''}; new orders are refused until you release it.`,
        severity: 'critical',
      };
    case 'kill_switch':
      return {
        title: `Kill switch ${f.engaged ? 'engaged' : 'released'} (${line(f.scope)})`,
        body: `The ${line(f.scope)} kill switch was ${f.engaged ? 'engaged' : 'released'}${f.automatic ? ' automatically' : ''}${f.reason ? `: ${line(f.reason)}` : ''}.${f.engaged ? '\nNew orders that add exposure are refused.' : ''}`,
        severity: f.engaged ? 'critical' : 'info',
      };
    case 'exit':
      return {
        title: `Exit: ${line(f.trigger)} on ${line(f.symbol)}`,
        body: `A ${line(f.trigger)} exit fired on ${line(f.symbol)}${f.quantity === null ? '' : ` for ${qty(f.quantity)}`}${f.price ? ` at ₹${f.price}` : ''}: ${line(f.reason)}.`,
        severity: 'warning',
      };
    case 'drift':
      return {
        title: `Model drift: ${line(f.model)} v${f.version}`,
        body: `Live ${line(f.feature)} has drifted from the training distribution of ${line(f.model)} v${f.version} (PSI ${f.psi.toFixed(3)}).`,
        severity: 'warning',
      };
    case 'broker_login':
      return {
        title: `Broker login needed: ${line(f.account)}`,
        body: `Your ${line(f.broker)} account ${line(f.account)} needs a fresh login: ${line(f.reason)}.\nOrders for it are refused until you log in again.`,
        severity: 'warning',
      };
    case 'webhook_failure':
      return {
        title: `Webhook failed: ${line(f.source)}`,
        body: `An alert to ${line(f.source)} was not processed: ${line(f.reason)}.${f.deliveryId ? `\nDelivery ${f.deliveryId}.` : ''}`,
        severity: 'warning',
      };
    case 'price_alert':
      return {
        title: `Price alert: ${line(f.symbol)} ${f.condition} ₹${f.price}`,
        body: `${line(f.symbol)} traded at ₹${f.ltp}, ${f.condition === 'above' ? 'at or above' : 'at or below'} your alert's ₹${f.price}.${f.note ? `\nNote: ${line(f.note)}` : ''}\nAlert ${f.alertId}.`,
        severity: 'info',
      };
  }
}

/** What a channel subscribes to (its `events`) and whether it is on. */
export interface NotificationChannelRule {
  enabled: boolean;
  events: readonly NotificationEventKind[];
}

/** Whether a channel gets an event: it is on and lists the event's kind. */
export function channelWants(channel: NotificationChannelRule, kind: NotificationEventKind): boolean {
  return channel.enabled && channel.events.includes(kind);
}

/** The channels of a user that get an event, in the order given. */
export function channelsFor<C extends NotificationChannelRule>(channels: readonly C[], kind: NotificationEventKind): C[] {
  return channels.filter((c) => channelWants(c, kind));
}

export interface NotificationRetryPolicy {
  /** The first retry waits this long; each next one twice as long. */
  baseMs: number;
  /** No wait is longer than this. */
  maxMs: number;
  /** Sends tried in all (the first included); after the last the delivery is failed. */
  maxAttempts: number;
}

/**
 * How long to wait after failed attempt `attempt` (1 = the first send) before the next:
 * base·2^(attempt−1), capped at maxMs. Deterministic: retries of many deliveries spread by
 * their own start times, and a test can name the schedule.
 */
export function backoffDelayMs(attempt: number, policy: NotificationRetryPolicy): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number ≥ 1, got ${attempt}`);
  const exp = Math.min(attempt - 1, 52);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exp);
}

/** After failed attempt `attempt`: retry after a delay, or give up (failed). */
export function nextAttempt(attempt: number, policy: NotificationRetryPolicy): { retry: true; delayMs: number } | { retry: false } {
  if (attempt >= policy.maxAttempts) return { retry: false };
  return { retry: true, delayMs: backoffDelayMs(attempt, policy) };
}

export interface NotificationRateLimit {
  /** Sends allowed per user per window (over email and webhooks together). */
  max: number;
  windowMs: number;
}

/** The fixed window `now` falls in: [start, end). */
export function rateWindow(now: number, windowMs: number): { start: number; end: number } {
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

/**
 * Whether the `count`-th send of a user in the current window (this one included) may go now,
 * or when the next window opens (it waits till then; never dropped).
 */
export function rateDecision(
  count: number,
  now: number,
  limit: NotificationRateLimit,
): { allowed: true } | { allowed: false; retryAt: number } {
  if (count <= limit.max) return { allowed: true };
  return { allowed: false, retryAt: rateWindow(now, limit.windowMs).end };
}

/** What an outgoing signed webhook's HMAC-SHA256 covers: the timestamp (unix seconds), a dot and the raw body. */
export function notificationSignatureBase(timestampSeconds: number, body: string): string {
  return `${timestampSeconds}.${body}`;
}

/** The JSON of an outgoing webhook. Telegram's `sendMessage`: { chat_id, text }; ours: the event and its message. */
export function notificationWebhookBody(
  format: NotificationWebhookFormat,
  n: { id: string; kind: NotificationEventKind; title: string; body: string; severity: string; createdAt: string },
  chatId: string | null,
): string {
  if (format === 'telegram') return JSON.stringify({ chat_id: chatId ?? '', text: `${n.title}\n\n${n.body}` });
  return JSON.stringify({
    id: n.id,
    event: n.kind,
    title: n.title,
    body: n.body,
    severity: n.severity,
    createdAt: n.createdAt,
  });
}

const EMAIL =
  /^[^\s@<>()",;:\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Why a channel's target cannot be used, or null. Email: an address; webhook: an http(s) URL without credentials. */
export function notificationTargetProblem(kind: NotificationChannelKind, target: string): string | null {
  if (target.length === 0) return 'must not be empty';
  if (kind === 'email') {
    if (target.length > 254 || !EMAIL.test(target)) return 'must be an email address';
    return null;
  }
  if (target.length > 2_000) return 'must be at most 2000 characters';
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a #fragment';
  return null;
}

function ipv4Private(a: number, b: number): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

/**
 * Whether a host (a URL's hostname, or an address it resolved to) is this machine, a private or
 * link-local network, or otherwise not the public internet: outgoing webhooks are refused there
 * unless NOTIFY_WEBHOOK_PRIVATE_TARGETS is on (tests and closed networks), so a user cannot make
 * the server call its own neighbours.
 */
export function isPrivateHost(host: string): boolean {
  const h = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return ipv4Private(a, b);
  }
  if (!h.includes(':')) return false;
  // IPv6 (as URL and DNS give it: compressed, lower case).
  if (h === '::' || h === '::1') return true;
  const mapped = /^::ffff:(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  if (mapped) return ipv4Private(Number(mapped[1]), Number(mapped[2]));
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(h);
  if (hexMapped) {
    const v = parseInt(hexMapped[1]!, 16);
    return ipv4Private(v >> 8, v & 0xff);
  }
  const first = parseInt(h.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}

/** A Telegram bot URL's token segment: `/bot<token>/` (the first one). */
const TELEGRAM_TOKEN_SEGMENT = /\/bot([^/?#]+)\//;
const MASK = '••••';

/** "••••" + the token's last 4 characters (fewer when it is shorter than 8, so a short token is never shown whole). */
export function maskTelegramToken(token: string): string {
  const visible = token.length >= 8 ? 4 : Math.max(0, token.length - 4);
  return `${MASK}${visible > 0 ? token.slice(-visible) : ''}`;
}

/**
 * A Telegram target's bot token (`https://api.telegram.org/bot<token>/sendMessage`) and the target
 * with the token masked (what is stored and shown; the token itself is stored encrypted). Null
 * when the target has no `/bot<token>/` segment or its token is already masked.
 */
export function splitTelegramToken(target: string): { token: string; masked: string } | null {
  const m = TELEGRAM_TOKEN_SEGMENT.exec(target);
  if (!m || m[1]!.startsWith(MASK)) return null;
  const token = m[1]!;
  return { token, masked: target.replace(TELEGRAM_TOKEN_SEGMENT, `/bot${maskTelegramToken(token)}/`) };
}

/** The target shown to people: its bot token masked (a stored masked target stays as it is). */
export function maskTelegramTarget(target: string): string {
  return splitTelegramToken(target)?.masked ?? target;
}

/** The URL to post to: the stored (masked) target with the decrypted token put back. */
export function withTelegramToken(maskedTarget: string, token: string): string {
  return maskedTarget.replace(TELEGRAM_TOKEN_SEGMENT, () => `/bot${token}/`);
}
