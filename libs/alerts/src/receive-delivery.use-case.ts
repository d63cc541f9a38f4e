import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CredentialsCipher } from '@tradeloop/accounts';
import { JOBS } from '@tradeloop/contracts';
import {
  alertDedupKey,
  DomainError,
  parseAlertPayload,
  verifyPassphrase,
  verifyWebhookSignature,
  type AlertPayload,
  type ErrorCode,
  type FieldError,
} from '@tradeloop/domain';
import { InstrumentsRepository } from '@tradeloop/market';
import { APP_CONFIG, JobProducer, LOGGER, NotificationEvents, type AppConfig } from '@tradeloop/platform';
import { SourceCache, type CachedSource } from './source-cache';
import { SourceRateLimit } from './source-rate-limit';
import { WebhookDeliveriesRepository, type DeliveryStepRecord, type NewDelivery } from './webhook-deliveries.repository';
import { WebhookSourcesRepository } from './webhook-sources.repository';
import { webhookSecretAad } from './webhook-sources.use-cases';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The most of a body a delivery keeps (characters): enough to explain it, bounded for storage. */
export const STORED_BODY_MAX = 16_384;
// A job whose delivery is still `deduplicated` after this long was probably never enqueued (Redis
// failed right after the row committed): a duplicate of it enqueues it again (same job id).
const REENQUEUE_AFTER_MS = 10_000;

/** What the sender sent: the exact bytes (the HMAC covers them) and the two headers. */
export interface HookRequest {
  sourceId: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type HookAnswer = { status: 202; body: { deliveryId: string } } | { status: 200; body: { deliveryId: string; duplicateOf: string } };

/** A refusal at intake: its HTTP status code, and the problem the caller sees. */
class Refusal {
  constructor(
    readonly code: ErrorCode,
    readonly httpStatus: number,
    readonly reason: string,
    readonly fieldErrors?: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {}
}

const PASSPHRASE_JSON = /("passphrase"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** The body as stored: UTF-8 text (bad bytes replaced, NUL removed), the passphrase redacted, bounded. */
export function storedBody(raw: Buffer, parsed: unknown): { text: string; truncated: boolean } {
  let text = raw
    .subarray(0, STORED_BODY_MAX * 4)
    .toString('utf8')
    // eslint-disable-next-line no-control-regex -- Postgres text takes no NUL
    .replace(/\u0000/g, '\uFFFD');
  text = text.replace(PASSPHRASE_JSON, '$1"[redacted]"');
  // A passphrase key written with escapes ("pass\u0070hrase") escapes the pattern: store the parsed object instead.
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'passphrase' in parsed) {
    let again: unknown;
    try {
      again = JSON.parse(text);
    } catch {
      again = undefined;
    }
    if (!again || typeof again !== 'object' || (again as Record<string, unknown>)['passphrase'] !== '[redacted]')
      text = JSON.stringify({ ...(parsed as Record<string, unknown>), passphrase: '[redacted]' });
  }
  const truncated = text.length > STORED_BODY_MAX || raw.length > STORED_BODY_MAX * 4;
  return { text: truncated ? text.slice(0, STORED_BODY_MAX) : text, truncated };
}

const clean = (s: string, max: number) =>
  s
    // eslint-disable-next-line no-control-regex -- they are what is removed
    .replace(/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD')
    .slice(0, max)
    // A cut through a surrogate pair leaves half of it.
    .replace(/[\ud800-\udbff]$/, '');

/**
 * The webhook intake (docs/alerts.md "Intake"), in the documented order: unknown source 404
 * (nothing stored); oversized 413, disabled 403, over perMinute 429; signature / timestamp /
 * passphrase 401; not JSON, not a payload, unknown or not-allowed symbol, over maxQuantity 400;
 * a duplicate 200 naming the original; else the delivery is written (received → authenticated →
 * deduplicated) and `alerts.process` enqueued (job id = delivery id) → 202. Every refusal after
 * the source is known is stored as an intake_rejected delivery with its reason.
 */
@Injectable()
export class ReceiveDeliveryUseCase {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(WebhookSourcesRepository) private readonly sources: WebhookSourcesRepository,
    @Inject(WebhookDeliveriesRepository) private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(SourceCache) private readonly cache: SourceCache,
    @Inject(SourceRateLimit) private readonly rate: SourceRateLimit,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
  ) {}

  private load(id: string): Promise<CachedSource | undefined> {
    return this.cache.get(id, async () => {
      const source = await this.sources.byId(id);
      return source && { source, secret: this.cipher.decrypt(source.secretCiphertext, webhookSecretAad(source.id)) };
    });
  }

  async execute(req: HookRequest): Promise<HookAnswer> {
    const t0 = performance.now();
    const receivedAt = new Date();
    const cached = UUID.test(req.sourceId) ? await this.load(req.sourceId.toLowerCase()) : undefined;
    if (!cached) throw new DomainError('NOT_FOUND', 'No such webhook source');
    const { source, secret } = cached;
    const id = randomUUID();
    const steps: DeliveryStepRecord[] = [];
    const step = (name: DeliveryStepRecord['step'], outcome: DeliveryStepRecord['outcome'] = 'ok', detail: string | null = null) => {
      const elapsed = performance.now() - t0;
      steps.push({
        step: name,
        at: new Date(receivedAt.getTime() + Math.floor(elapsed)).toISOString(),
        outcome,
        detail,
        elapsedMs: Math.round(elapsed * 1000) / 1000,
      });
    };
    step('received');
    let parsed: unknown;
    let payload: AlertPayload | null = null;
    const base = (): Omit<NewDelivery, 'status' | 'httpStatus' | 'rejectReason' | 'duplicateOf'> => {
      const body = storedBody(req.rawBody, parsed);
      return {
        id,
        sourceId: source.id,
        receivedAt,
        bodySha256: payload ? alertDedupKey(payload) : null,
        alertId: payload?.alertId ?? null,
        rawBody: body.text,
        rawBodyTruncated: body.truncated,
        payload: payload ? (JSON.parse(JSON.stringify(payload)) as Record<string, unknown>) : null,
        steps,
      };
    };

    try {
      // 2. size, enabled, rate.
      if (req.rawBody.length > this.config.WEBHOOK_MAX_BODY_BYTES)
        throw new Refusal(
          'PAYLOAD_TOO_LARGE',
          413,
          `body of ${req.rawBody.length} bytes is over the ${this.config.WEBHOOK_MAX_BODY_BYTES}-byte limit`,
        );
      if (!source.enabled) throw new Refusal('FORBIDDEN', 403, 'this webhook source is disabled');
      const rate = await this.rate.take(source.id, source.limits.perMinute, id);
      if (!rate.ok)
        throw new Refusal(
          'RATE_LIMITED',
          429,
          `over this source's limit of ${source.limits.perMinute} deliveries a minute`,
          undefined,
          rate.retryAfterSeconds,
        );

      // 3. authentication: a signature, or (passphrase mode, unsigned) the passphrase in the body.
      const text = this.utf8(req.rawBody);
      parsed = text === null ? undefined : this.json(text);
      if (req.signature !== undefined || !source.passphraseMode) {
        const v = verifyWebhookSignature({
          secret,
          timestamp: req.timestamp,
          signature: req.signature,
          rawBody: req.rawBody,
          nowSeconds: receivedAt.getTime() / 1000,
          toleranceSeconds: this.config.WEBHOOK_TOLERANCE_SECONDS,
        });
        if (!v.ok) throw new Refusal('UNAUTHENTICATED', 401, SIGNATURE_REASONS[v.problem]);
      } else {
        const given =
          parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)['passphrase'] : undefined;
        if (typeof given !== 'string' || !verifyPassphrase(given, source.passphraseHash ?? ''))
          throw new Refusal('UNAUTHENTICATED', 401, given === undefined ? 'passphrase missing' : 'passphrase wrong');
      }
      step('authenticated');

      // 4. the payload.
      if (text === null)
        throw new Refusal('VALIDATION_FAILED', 400, 'body is not UTF-8 text', [{ field: 'body', message: 'is not UTF-8 text' }]);
      if (parsed === undefined)
        throw new Refusal('VALIDATION_FAILED', 400, 'body is not JSON', [{ field: 'body', message: 'is not JSON' }]);
      const r = parseAlertPayload(parsed);
      if (!r.ok)
        throw new Refusal('VALIDATION_FAILED', 400, `${clean(r.field, 60)} ${r.reason}`, [
          { field: clean(r.field, 60), message: r.reason },
        ]);
      const field = parsedHas(parsed, 'ticker') ? 'ticker' : 'symbol';
      const instrument = await this.instruments.cachedBySymbol(r.payload.symbol);
      if (!instrument || instrument.active === false)
        throw new Refusal('VALIDATION_FAILED', 400, `unknown symbol ${r.payload.symbol}`, [
          { field, message: `no active instrument ${r.payload.symbol}` },
        ]);
      if (source.symbols !== null && !source.symbols.includes(r.payload.symbol))
        throw new Refusal('VALIDATION_FAILED', 400, `symbol ${r.payload.symbol} is not allowed by this source`, [
          { field, message: 'not one of the symbols this source allows' },
        ]);
      const units =
        r.payload.size.kind === 'units'
          ? r.payload.size.quantity
          : r.payload.size.kind === 'lots'
            ? r.payload.size.lots * instrument.lotSize
            : null;
      if (units !== null && source.limits.maxQuantity !== null && units > source.limits.maxQuantity)
        throw new Refusal('VALIDATION_FAILED', 400, `quantity ${units} is over this source's maxQuantity ${source.limits.maxQuantity}`, [
          {
            field: r.payload.size.kind === 'lots' ? 'lots' : parsedHas(parsed, 'contracts') ? 'contracts' : 'quantity',
            message: `over the source's maxQuantity (${source.limits.maxQuantity})`,
          },
        ]);
      payload = r.payload;
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      const reason = clean(e.reason, 500);
      step('intake_rejected', 'rejected', reason);
      await this.deliveries.insertNotAccepted({
        ...base(),
        status: 'intake_rejected',
        httpStatus: e.httpStatus,
        rejectReason: reason,
        duplicateOf: null,
      });
      // The owner hears of it (docs/alerts.md "Notifications"); over the rate limit once a minute, not once a request.
      void this.notifications.emit({
        userId: source.ownerUserId,
        key:
          e.httpStatus === 429 ? `webhook_failure:${source.id}:rate:${Math.floor(receivedAt.getTime() / 60_000)}` : `webhook_failure:${id}`,
        facts: { kind: 'webhook_failure', source: source.name, reason, deliveryId: id },
      });
      throw new DomainError(e.code, reason, {
        fieldErrors: e.fieldErrors,
        retryAfterSeconds: e.retryAfterSeconds,
        context: { deliveryId: id },
      });
    }

    // 5. dedup: the unique indexes decide.
    const accepted = { ...base(), httpStatus: 202 };
    step('deduplicated');
    const won = await this.deliveries.insertAccepted(
      { ...accepted, bodySha256: accepted.bodySha256!, steps, status: 'deduplicated', rejectReason: null, duplicateOf: null },
      this.config.WEBHOOK_DEDUP_SECONDS,
    );
    if (!won.inserted) {
      steps.pop();
      step('duplicate', 'duplicate', `of ${won.original.id}`);
      await this.deliveries.insertNotAccepted({
        ...base(),
        status: 'duplicate',
        httpStatus: 200,
        rejectReason: null,
        duplicateOf: won.original.id,
      });
      if (won.original.status === 'deduplicated' && Date.now() - won.original.receivedAt.getTime() > REENQUEUE_AFTER_MS)
        await this.enqueue(won.original.id);
      return { status: 200, body: { deliveryId: id, duplicateOf: won.original.id } };
    }
    // 6. the job, after the row committed. Should Redis fail here, the sender's retry (a duplicate) enqueues it later.
    await this.enqueue(id);
    return { status: 202, body: { deliveryId: id } };
  }

  private async enqueue(deliveryId: string): Promise<void> {
    try {
      await this.jobs.enqueue(JOBS.processAlert, { deliveryId }, { jobId: deliveryId });
    } catch (err) {
      this.logger.error({ err, deliveryId }, 'alert delivery stored but not enqueued');
      throw err;
    }
  }

  private utf8(raw: Buffer): string | null {
    try {
      return this.decoder.decode(raw);
    } catch {
      return null;
    }
  }

  private json(text: string): unknown {
    try {
      return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      return undefined;
    }
  }
}

const parsedHas = (parsed: unknown, key: string) => typeof parsed === 'object' && parsed !== null && key in parsed;

const SIGNATURE_REASONS = {
  SIGNATURE_MISSING: 'X-Tradeloop-Signature missing',
  SIGNATURE_MALFORMED: 'X-Tradeloop-Signature is not sha256=<64 hex digits>',
  SIGNATURE_INVALID: 'signature does not match',
  TIMESTAMP_MISSING: 'X-Tradeloop-Timestamp missing',
  TIMESTAMP_STALE: 'X-Tradeloop-Timestamp outside the tolerance window (stale or replayed)',
} as const;
