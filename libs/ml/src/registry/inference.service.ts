import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { InferenceSession } from 'onnxruntime-node';
import { Histogram } from 'prom-client';
import { METRICS, type Metrics } from '@tradeloop/platform';
import type { LiveModelSource } from '../signals/live-model';
import type { ModelScorer } from '../signals/tokens';
import { ModelArtifactStore } from './model-artifacts';
import { openSession, runScores } from './onnx-model';

/** What inference needs to find a model's file. */
export interface ScorableModel extends LiveModelSource {
  checksum: string;
  artifact: string;
}

/** Batch sizes as histogram labels (a label per exact size would be unbounded). */
const batchBucket = (n: number): string => (n <= 1 ? '1' : n <= 10 ? '2-10' : n <= 100 ? '11-100' : n <= 500 ? '101-500' : '>500');

/**
 * onnxruntime-node sessions, one per model file (id + checksum), opened once: concurrent first
 * calls share the same load, and a failed load is forgotten so the next call retries. Each call
 * scores a whole batch in one `run`.
 */
@Injectable()
export class InferenceService implements ModelScorer, OnModuleDestroy {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  private readonly latency: Histogram<'model' | 'batch'>;

  constructor(
    @Inject(ModelArtifactStore) private readonly artifacts: ModelArtifactStore,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.latency = new Histogram({
      name: 'ml_inference_duration_seconds',
      help: 'One onnxruntime run (a batch of rows), by model and batch size',
      labelNames: ['model', 'batch'] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1],
      registers: [metrics.registry],
    });
  }

  private session(model: ScorableModel): Promise<InferenceSession> {
    const key = `${model.id}|${model.checksum}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = this.artifacts.read(model.artifact, model.checksum).then((bytes) => openSession(bytes));
      s.catch(() => this.sessions.delete(key));
      this.sessions.set(key, s);
    }
    return s;
  }

  async score(model: LiveModelSource, rows: Float32Array, n: number): Promise<Float32Array> {
    const m = model as ScorableModel;
    const session = await this.session(m);
    const t0 = performance.now();
    const scores = await runScores(session, rows, n, m.card.features.length);
    this.latency.observe({ model: m.name, batch: batchBucket(n) }, (performance.now() - t0) / 1000);
    return scores;
  }

  /** Closes the sessions of models no longer in `keep` (archived, replaced). */
  async retain(keep: readonly LiveModelSource[]): Promise<void> {
    const wanted = new Set(keep.map((m) => `${m.id}|${(m as ScorableModel).checksum}`));
    for (const [key, s] of this.sessions) {
      if (wanted.has(key)) continue;
      this.sessions.delete(key);
      await s.then((x) => x.release()).catch(() => undefined);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.retain([]);
  }
}
