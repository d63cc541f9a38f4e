import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ModelDto, ModelStage } from '@tradeloop/contracts';
import { DomainError } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { APP_CONFIG, type AppConfig, Db, REDIS, LOGGER } from '@tradeloop/platform';
import { modelsChangedChannel } from '../signals/tokens';
import { ModelsRepository, toModelDto } from './models.repository';

/**
 * POST /models/:id/promote: moves a model to any other stage in one transaction. To production:
 * the name's current production model is archived in the same transaction (so promoting an
 * archived version back is the one-step roll back). Serialised per name by an advisory lock;
 * the partial unique index is the backstop. Each change is in the stage history and the audit
 * log; the worker is told at once over Redis (and polls anyway).
 */
@Injectable()
export class PromoteModelUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(id: string, stage: ModelStage, actorId: string | null, meta: RequestMeta): Promise<{ model: ModelDto; replaced: ModelDto | null }> {
    const known = await this.models.byId(id);
    if (!known) throw new DomainError('NOT_FOUND', 'No such model');
    const result = await this.db.tx(
      async (sql) => {
        const m = (await this.models.byId(id, sql, { lock: true }))!;
        if (m.stage === stage) throw new DomainError('INVALID_STATE', `${m.name} v${m.version} is already in ${stage}`);
        let replaced = null;
        if (stage === 'production') {
          const current = await this.models.productionOf(sql, m.name);
          if (current && current.id !== m.id) {
            replaced = await this.models.setStage(sql, current.id, 'production', 'archived', actorId, `replaced in production by v${m.version}`);
            await this.audit.append({ actorId, action: 'model.stage_changed', subject: `model:${current.id}`, details: { name: current.name, version: current.version, from: 'production', to: 'archived', replacedBy: m.id }, meta }, sql);
          }
        }
        const updated = await this.models.setStage(sql, m.id, m.stage, stage, actorId, replaced ? `promoted over v${replaced.version}` : 'promoted');
        await this.audit.append({ actorId, action: 'model.stage_changed', subject: `model:${m.id}`, details: { name: m.name, version: m.version, from: m.stage, to: stage, ...(replaced ? { replaced: replaced.id } : {}) }, meta }, sql);
        return { model: toModelDto(updated), replaced: replaced ? toModelDto(replaced) : null };
      },
      { lock: `models:${known.name}` },
    );
    await this.redis.publish(modelsChangedChannel(this.config.REDIS_PREFIX), id).catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'models-changed publish failed; workers will see it on their next poll'));
    return result;
  }
}
