import { Module } from '@nestjs/common';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { LIVE_MODELS, MODEL_SCORER } from '../signals/tokens';
import { BatchScorer } from './batch-scorer.service';
import { InferenceService } from './inference.service';
import { ModelArtifactStore } from './model-artifacts';
import { ModelsRepository } from './models.repository';
import { PredictUseCase } from './predict.use-case';
import { PromoteModelUseCase } from './promote-model.use-case';
import { RegisterModelUseCase } from './register-model.use-case';
import { GetModelQuery, ListModelsQuery } from './model-queries';

/** The model registry and inference, for the API and the worker (which uses LIVE_MODELS and MODEL_SCORER). */
@Module({
  imports: [AuditModule, MarketModule],
  providers: [
    ModelArtifactStore,
    ModelsRepository,
    InferenceService,
    BatchScorer,
    RegisterModelUseCase,
    PromoteModelUseCase,
    PredictUseCase,
    ListModelsQuery,
    GetModelQuery,
    { provide: LIVE_MODELS, useExisting: ModelsRepository },
    { provide: MODEL_SCORER, useExisting: InferenceService },
  ],
  // Use cases and queries; the worker's live engine takes LIVE_MODELS and MODEL_SCORER, its backtests BatchScorer; strategies ask ModelsRepository
  // whether a model exists; the seed CLI stores the demo model through ModelArtifactStore.
  exports: [RegisterModelUseCase, PromoteModelUseCase, PredictUseCase, ListModelsQuery, GetModelQuery, LIVE_MODELS, MODEL_SCORER, BatchScorer, ModelsRepository, ModelArtifactStore],
})
export class ModelRegistryModule {}
