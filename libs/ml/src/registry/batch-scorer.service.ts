import { Inject, Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';
import { BatchScoringPool } from './batch-scoring';
import type { ScorableModel } from './inference.service';
import { ModelArtifactStore } from './model-artifacts';

/**
 * Opens a BatchScoringPool on a registered model for one large job (a backtest): the model file
 * read back by its checksum, as inference does, on `BACKTEST_SCORING_THREADS` threads (0: one
 * per core). The caller closes the pool when the job ends.
 */
@Injectable()
export class BatchScorer {
  readonly threads: number;

  constructor(
    @Inject(ModelArtifactStore) private readonly artifacts: ModelArtifactStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.threads = config.BACKTEST_SCORING_THREADS > 0 ? config.BACKTEST_SCORING_THREADS : Math.max(1, availableParallelism());
  }

  async open(model: ScorableModel): Promise<BatchScoringPool> {
    const bytes = await this.artifacts.read(model.artifact, model.checksum);
    return BatchScoringPool.open(bytes, model.card.features.length, { threads: this.threads });
  }
}
