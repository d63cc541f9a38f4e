import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { ModelCardSchema, textInputProblems, type ModelCard, type ModelDto } from '@tradeloop/contracts';
import { DomainError, FEATURE_SET_V1, type FieldError } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { Db } from '@tradeloop/platform';
import { compileModel } from '../signals/live-model';
import { ModelArtifactStore } from './model-artifacts';
import { ModelsRepository, toModelDto } from './models.repository';
import { contractProblem, openSession, runScores } from './onnx-model';

export interface RegisterModelInput {
  model: Uint8Array;
  /** The card as uploaded (JSON text). */
  card: string;
}

const rejected = (field: string, message: string): DomainError => new DomainError('MODEL_REJECTED', message, { fieldErrors: [{ field, message }] });

/**
 * POST /models: a model enters the registry in `staging` only if its card is complete, its
 * feature set is the server's, the file loads in onnxruntime, its single input is float32
 * [N, len(card.features)], it has a `score` output, and it scores a probe batch with
 * probabilities. Nothing is stored when any check fails; the file lands before the row, and is
 * removed again if the row cannot be written.
 */
@Injectable()
export class RegisterModelUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(ModelArtifactStore) private readonly artifacts: ModelArtifactStore,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  /** The card checks alone (also used by the seed before it reads the file). */
  parseCard(text: string): ModelCard {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new DomainError('VALIDATION_FAILED', 'The card is not JSON', { fieldErrors: [{ field: 'card', message: 'must be a JSON model card' }] });
    }
    // The card arrives as a file, not through the contract pipe: the same text rule, here.
    const textErrors = textInputProblems(raw, 'card');
    if (textErrors.length > 0) throw new DomainError('VALIDATION_FAILED', 'The model card contains text that cannot be accepted', { fieldErrors: textErrors });
    const parsed = ModelCardSchema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: FieldError[] = parsed.error.issues.map((i) => ({ field: ['card', ...i.path.map(String)].join('.'), message: i.message }));
      throw new DomainError('VALIDATION_FAILED', `The model card is incomplete or malformed: ${fieldErrors.map((f) => f.field).join(', ')}`, { fieldErrors });
    }
    const card = parsed.data;
    if (card.featureSetVersion !== FEATURE_SET_V1.version) {
      throw rejected('card.featureSetVersion', `The model was trained on feature set ${card.featureSetVersion}; this server computes ${FEATURE_SET_V1.name} ${FEATURE_SET_V1.version}`);
    }
    const live = compileModel({ id: '', name: card.name, version: card.version, stage: 'staging', card });
    if ('error' in live) throw rejected(/timeframe/.test(live.error) ? 'card.timeframe' : 'card.features', `The model cannot run on this server: ${live.error}`);
    return card;
  }

  async execute(input: RegisterModelInput, actorId: string | null, meta: RequestMeta): Promise<ModelDto> {
    const card = this.parseCard(input.card);
    await this.check(input.model, card);
    if (await this.models.byNameVersion(card.name, card.version)) throw new DomainError('CONFLICT', `${card.name} version ${card.version} is already registered`);
    const { artifact, checksum } = await this.artifacts.put(card.name, card.version, input.model);
    let row;
    try {
      row = await this.db.tx(async (sql) => {
        const r = await this.models.insert(sql, {
          id: uuidv7(),
          name: card.name,
          version: card.version,
          featureSetVersion: card.featureSetVersion,
          card,
          checksum,
          sizeBytes: input.model.byteLength,
          artifact,
          createdBy: actorId,
        });
        if (!r) return null;
        await this.models.recordStageChange(sql, r.id, null, 'staging', actorId, 'registered');
        await this.audit.append({ actorId, action: 'model.registered', subject: `model:${r.id}`, details: { name: r.name, version: r.version, checksum, sizeBytes: r.size_bytes, featureSetVersion: r.feature_set_version }, meta }, sql);
        return r;
      });
    } catch (err) {
      await this.artifacts.remove(artifact);
      throw err;
    }
    if (!row) {
      // Lost a race for the same name and version: keep the file only if the winner uses it.
      const winner = await this.models.byNameVersion(card.name, card.version);
      if (winner?.artifact !== artifact) await this.artifacts.remove(artifact);
      throw new DomainError('CONFLICT', `${card.name} version ${card.version} is already registered`);
    }
    return toModelDto(row);
  }

  private async check(bytes: Uint8Array, card: ModelCard): Promise<void> {
    if (bytes.byteLength === 0) throw new DomainError('VALIDATION_FAILED', 'The model file is empty', { fieldErrors: [{ field: 'model', message: 'is empty' }] });
    let session;
    try {
      session = await openSession(bytes);
    } catch (err) {
      // onnxruntime's message names the parse failure; it holds nothing secret.
      throw rejected('model', `The file is not a model onnxruntime can load: ${firstLine((err as Error).message)}`);
    }
    try {
      const problem = contractProblem(session, card.features.length);
      if (problem) throw rejected('model', `The model does not match its card: ${problem}`);
      const width = card.features.length;
      let scores: Float32Array;
      try {
        scores = await runScores(session, new Float32Array(2 * width), 2, width);
      } catch (err) {
        throw rejected('model', `The model failed to score a probe batch: ${firstLine((err as Error).message)}`);
      }
      if (!Array.from(scores).every((s) => Number.isFinite(s) && s >= 0 && s <= 1)) throw rejected('model', 'The model\'s "score" output is not a probability in [0, 1]');
    } finally {
      await session.release();
    }
  }
}

const firstLine = (s: string): string => s.split('\n')[0]!.slice(0, 300);
