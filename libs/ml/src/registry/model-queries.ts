import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import type { ModelDetailDto, ModelDto } from '@tradeloop/contracts';
import { ModelsRepository, toModelDto } from './models.repository';

/** Every registered model (docs/api.md `GET /api/v1/models`). */
@Injectable()
export class ListModelsQuery {
  constructor(@Inject(ModelsRepository) private readonly models: ModelsRepository) {}

  async execute(): Promise<ModelDto[]> {
    return (await this.models.list()).map(toModelDto);
  }
}

/** One model with its card, checksum, size and stage history; 404 when there is none. */
@Injectable()
export class GetModelQuery {
  constructor(@Inject(ModelsRepository) private readonly models: ModelsRepository) {}

  async execute(id: string): Promise<ModelDetailDto> {
    const row = await this.models.byId(id);
    if (!row) throw new DomainError('NOT_FOUND', 'No such model');
    const stages = await this.models.stageHistory(id);
    return {
      ...toModelDto(row),
      card: row.card,
      checksum: row.checksum,
      sizeBytes: row.size_bytes,
      stages: stages.map((s) => ({ from: s.from_stage, to: s.to_stage, actorId: s.actor_id, reason: s.reason, at: s.at.toISOString() })),
    };
  }
}
