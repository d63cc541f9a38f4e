import { Inject, Injectable } from '@nestjs/common';
import type { PredictRequest, PredictResponse } from '@tradeloop/contracts';
import { candleAt, DomainError, FEATURE_SET_V1, FeatureState, signalOf, type FieldError } from '@tradeloop/domain';
import { CandlesRepository } from '@tradeloop/market';
import { compileModel } from '../signals/live-model';
import { PRIME_BARS } from '../signals/signal-engine';
import { InferenceService } from './inference.service';
import { ModelsRepository, toLiveModel } from './models.repository';

/**
 * POST /models/:id/predict: one row, scored by the model in any stage. Either the caller's
 * features by name (each of the card's, finite, nothing else), or a symbol's live features
 * computed by the same FeatureState as the dataset builder and the live loop, from its latest
 * stored bars of the card's timeframe.
 */
@Injectable()
export class PredictUseCase {
  constructor(
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(InferenceService) private readonly inference: InferenceService,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
  ) {}

  async execute(id: string, req: PredictRequest): Promise<PredictResponse> {
    const row = await this.models.byId(id);
    if (!row) throw new DomainError('NOT_FOUND', 'No such model');
    const model = toLiveModel(row);
    const compiled = compileModel(model);
    if ('error' in compiled) throw new DomainError('MODEL_REJECTED', `This model cannot run here: ${compiled.error}`);
    const names = model.card.features;
    const input = new Float32Array(names.length);
    if (req.features) {
      const errors: FieldError[] = [];
      for (const key of Object.keys(req.features)) if (!names.includes(key)) errors.push({ field: `features.${key}`, message: 'is not an input of this model' });
      names.forEach((name, j) => {
        const v = req.features![name];
        if (v === undefined) errors.push({ field: `features.${name}`, message: 'is required' });
        else if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v))) errors.push({ field: `features.${name}`, message: 'must be a finite number' });
        else input[j] = v;
      });
      if (errors.length) throw new DomainError('VALIDATION_FAILED', `The features do not fit the model's inputs (${errors.length} problem${errors.length > 1 ? 's' : ''})`, { fieldErrors: errors });
    } else {
      const symbol = req.symbol!;
      const c = await this.candles.range({ symbol, timeframe: compiled.timeframe, to: new Date(Date.now() + 1).toISOString(), limit: PRIME_BARS });
      const state = new FeatureState(FEATURE_SET_V1);
      let row: Float64Array | null = null;
      for (let i = 0; i < c.length; i += 1) row = state.update(candleAt(c, i));
      if (!row) {
        throw new DomainError('INVALID_STATE', `${symbol} has no complete feature row on ${compiled.timeframe} bars yet (${c.length} stored; ${FEATURE_SET_V1.params.warmupBars} needed, and every feature finite)`);
      }
      compiled.columns.forEach((col, j) => (input[j] = row![col]!));
    }
    const t0 = performance.now();
    const [score] = await this.inference.score(model, input, 1);
    const latencyMs = performance.now() - t0;
    const verdict = signalOf(score!, compiled.threshold);
    if (verdict === null) throw new DomainError('MODEL_REJECTED', `The model returned ${score}, not a probability`);
    return { score: score!, signal: verdict, features: Object.fromEntries(names.map((n, j) => [n, input[j]!])), latencyMs };
  }
}
