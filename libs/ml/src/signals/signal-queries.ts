import { Inject, Injectable } from '@nestjs/common';
import { DomainError, formatPrice } from '@tradeloop/domain';
import type { Page, SignalCompareDto, SignalDetailDto, SignalDto, SignalListQuery } from '@tradeloop/contracts';
import { cursorCodec, CursorKeys } from '@tradeloop/platform';
import { SignalsRepository } from './signals.repository';

// Reads of stored signals, one query per operation.

/** Newest first on (bar time in ms, id). */
const SIGNALS_CURSOR = cursorCodec('signals', [CursorKeys.epochMs, CursorKeys.uuid]);

/** A page of signals, newest first, by symbol and model. */
@Injectable()
export class ListSignalsQuery {
  constructor(@Inject(SignalsRepository) private readonly signals: SignalsRepository) {}

  async execute(q: SignalListQuery): Promise<Page<SignalDto>> {
    let before: { ts: number; id: string } | undefined;
    if (q.cursor) {
      const [ts, id] = SIGNALS_CURSOR.decode(q.cursor);
      before = { ts, id };
    }
    const items = await this.signals.list({ symbol: q.symbol, modelId: q.modelId, limit: q.limit, before });
    const last = items.at(-1);
    return { items, nextCursor: items.length === q.limit && last ? SIGNALS_CURSOR.encode([Date.parse(last.ts), last.id]) : null };
  }
}

/** One signal with its features by name. */
@Injectable()
export class GetSignalQuery {
  constructor(@Inject(SignalsRepository) private readonly signals: SignalsRepository) {}

  async execute(id: string): Promise<SignalDetailDto> {
    const d = await this.signals.detail(id);
    if (!d) throw new DomainError('NOT_FOUND', 'No such signal');
    const names = d.featureNames ?? d.features.map((_, j) => `f${j}`);
    return {
      id: d.id,
      modelId: d.modelId,
      modelVersion: d.modelVersion,
      stage: d.stage,
      symbol: d.symbol,
      ts: d.ts,
      score: d.score,
      signal: d.signal,
      featuresHash: d.featuresHash,
      modelName: d.modelName,
      timeframe: d.timeframe,
      close: formatPrice(d.closeTicks),
      features: Object.fromEntries(names.map((n, j) => [n, d.features[j]!])),
      createdAt: d.createdAt,
    };
  }
}

/** Two models side by side on the same bars, with how often they agree. */
@Injectable()
export class CompareModelSignalsQuery {
  constructor(@Inject(SignalsRepository) private readonly signals: SignalsRepository) {}

  async execute(q: { modelId: string; otherModelId: string; symbol?: string; limit: number }): Promise<SignalCompareDto> {
    if (q.modelId === q.otherModelId) throw new DomainError('VALIDATION_FAILED', 'Compare two different models', { fieldErrors: [{ field: 'otherModelId', message: 'must differ from modelId' }] });
    const { rows } = await this.signals.compare(q.modelId, q.otherModelId, { symbol: q.symbol, limit: q.limit });
    const same = rows.filter((r) => r.a.signal === r.b.signal).length;
    return { bars: rows.length, agreement: rows.length ? same / rows.length : null, items: rows };
  }
}
