import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import {
  BATCH_SCORING_THREAD,
  type BatchScoringCommand,
  type BatchScoringReply,
  type BatchScoringThreadInit,
} from './batch-scoring.thread';

/** Scores rows of one model's features; `parallelism` batches can be in flight at once. */
export interface RowScorer {
  readonly parallelism: number;
  /** `n` rows of the model's width; the rows' buffer may be handed over (do not reuse it). */
  score(rows: Float32Array, n: number): Promise<Float32Array>;
}

export interface BatchScoringPoolOptions {
  readonly threads: number;
  /** The compiled thread script; default the one beside this file in dist. */
  readonly threadFile?: string;
}

interface Job {
  readonly id: number;
  readonly rows: Float32Array;
  readonly n: number;
  resolve(scores: Float32Array): void;
  reject(err: Error): void;
}

interface Slot {
  readonly worker: Worker;
  readonly exited: Promise<void>;
  job: Job | null;
}

/**
 * Scoring threads for large batches (docs/backtests.md "ml-signal over history"): each thread has
 * its own onnxruntime session of the model (batch-scoring.thread.ts), so a backtest scores on every
 * core while its caller computes the next batch's features — and the worker's event loop never
 * waits on a run. Batches go to the first idle thread, in order; the rows' buffer is transferred,
 * not copied. A failed batch fails itself and every later one (the pool is broken: a backtest ends
 * failed rather than with holes in its signals).
 *
 * Threads are never terminated while they run: onnxruntime-node aborts the whole process when a
 * thread dies inside a run. Closing asks each thread to release its session after its current
 * batch and end; `close()` resolves when all have.
 */
export class BatchScoringPool implements RowScorer {
  private readonly queue: Job[] = [];
  private nextId = 1;
  private broken: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(private readonly slots: Slot[]) {
    for (const slot of slots) {
      slot.worker.on('message', (m: BatchScoringReply) => this.onReply(slot, m));
      slot.worker.on('error', (err) => this.fail(new Error(`a scoring thread failed: ${err.message}`)));
      slot.worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`a scoring thread exited (code ${code})`));
      });
    }
  }

  get parallelism(): number {
    return this.slots.length;
  }

  /** Starts `threads` threads on the model and resolves once every one has opened its session. */
  static async open(bytes: Uint8Array, width: number, options: BatchScoringPoolOptions): Promise<BatchScoringPool> {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError('threads must be a positive integer');
    if (!Number.isInteger(width) || width < 1) throw new RangeError('width must be a positive integer');
    const file = options.threadFile ?? join(__dirname, 'batch-scoring.thread.js');
    const init: BatchScoringThreadInit = { marker: BATCH_SCORING_THREAD, bytes, width };
    const slots: Slot[] = Array.from({ length: options.threads }, () => {
      const worker = new Worker(file, { workerData: init });
      return { worker, exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())), job: null };
    });
    const ready = slots.map(
      ({ worker }) =>
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: BatchScoringReply) => {
            worker.off('error', reject);
            worker.off('message', onMessage);
            if (m.kind === 'ready') resolve();
            else reject(new Error(m.kind === 'error' ? m.message : 'a scoring thread answered before it was ready'));
          };
          worker.on('message', onMessage);
          worker.once('error', reject);
        }),
    );
    const opened = await Promise.allSettled(ready);
    const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) {
      // No thread is running a batch yet: ask the open ones to end, and wait for all.
      for (const s of slots) s.worker.postMessage({ kind: 'close' } satisfies BatchScoringCommand);
      await Promise.all(slots.map((s) => s.exited));
      throw failed.reason as Error;
    }
    return new BatchScoringPool(slots);
  }

  score(rows: Float32Array, n: number): Promise<Float32Array> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closing) return Promise.reject(new Error('the scoring pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, rows, n, resolve, reject });
      this.dispatch();
    });
  }

  /** Refuses what still waits, lets each thread finish its batch (its answer is dropped), and resolves when every thread has ended. */
  close(): Promise<void> {
    if (!this.closing) {
      this.stop(new Error('the scoring pool is closed'));
      this.closing = Promise.all(this.slots.map((s) => s.exited)).then(() => undefined);
    }
    return this.closing;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      // A view into a larger buffer is copied: transferring would detach the caller's whole buffer.
      const rows = job.rows.byteOffset === 0 && job.rows.buffer.byteLength === job.rows.byteLength ? job.rows : job.rows.slice();
      slot.worker.postMessage({ kind: 'score', id: job.id, rows, n: job.n } satisfies BatchScoringCommand, [rows.buffer as ArrayBuffer]);
    }
  }

  private onReply(slot: Slot, m: BatchScoringReply): void {
    const job = slot.job;
    if (m.kind === 'ready' || !job || m.id !== job.id) return; // an answer for a batch already refused
    slot.job = null;
    if (m.kind === 'error') {
      const err = new Error(`scoring failed: ${m.message}`);
      job.reject(err);
      this.fail(err);
      return;
    }
    job.resolve(m.scores);
    this.dispatch();
  }

  private fail(err: Error): void {
    if (this.broken || this.closing) return;
    this.broken = err;
    this.stop(err);
  }

  /** Refuses every batch not answered yet and asks every thread to end after its current one. */
  private stop(err: Error): void {
    for (const job of this.queue.splice(0)) job.reject(err);
    for (const slot of this.slots) {
      slot.job?.reject(err);
      slot.job = null;
      slot.worker.postMessage({ kind: 'close' } satisfies BatchScoringCommand);
    }
  }
}
