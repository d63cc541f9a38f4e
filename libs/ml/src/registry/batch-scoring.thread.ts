import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openSession, runScores } from './onnx-model';

/** workerData.marker of a batch-scoring thread (the file does nothing when imported elsewhere). */
export const BATCH_SCORING_THREAD = 'tradeloop-batch-scoring';

export interface BatchScoringThreadInit {
  readonly marker: typeof BATCH_SCORING_THREAD;
  /** The model file, already checked against the registry's checksum. */
  readonly bytes: Uint8Array;
  readonly width: number;
}

/** `score`: `n` rows of `width` float32 features (the buffer is transferred here); `close`: release the session and end. */
export type BatchScoringCommand =
  | { readonly kind: 'score'; readonly id: number; readonly rows: Float32Array; readonly n: number }
  | { readonly kind: 'close' };

export type BatchScoringReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'scores'; readonly id: number; readonly scores: Float32Array }
  | { readonly kind: 'error'; readonly id: number | null; readonly message: string };

/**
 * One scoring thread of a BatchScoringPool (docs/backtests.md "ml-signal over history"): its own
 * onnxruntime session of the model (the registry's session options, one intra-op thread, so N
 * threads use N cores without oversubscription), scoring whatever batch it is sent, one at a time.
 */
async function serve(port: MessagePort, init: BatchScoringThreadInit): Promise<void> {
  let session: Awaited<ReturnType<typeof openSession>> | null = null;
  // Commands are handled one at a time, in order: a close waits for the batch before it.
  let chain = Promise.resolve();
  port.on('message', (cmd: BatchScoringCommand) => {
    chain = chain.then(() => handle(cmd));
  });
  const handle = async (cmd: BatchScoringCommand): Promise<void> => {
    if (cmd.kind === 'close') {
      await session?.release().catch(() => undefined);
      session = null;
      port.close(); // nothing left on the loop: the thread ends
      return;
    }
    if (!session) return;
    await runScores(session, cmd.rows, cmd.n, init.width).then(
      (scores) => {
        // onnxruntime's output owns its buffer; a view into a larger one is copied before the transfer.
        const own = scores.byteOffset === 0 && scores.buffer.byteLength === scores.byteLength ? scores : scores.slice();
        port.postMessage({ kind: 'scores', id: cmd.id, scores: own } satisfies BatchScoringReply, [own.buffer as ArrayBuffer]);
      },
      (err: unknown) => port.postMessage({ kind: 'error', id: cmd.id, message: (err as Error).message } satisfies BatchScoringReply),
    );
  };
  try {
    session = await openSession(init.bytes);
  } catch (err) {
    port.postMessage({ kind: 'error', id: null, message: `the model cannot be opened: ${(err as Error).message}` } satisfies BatchScoringReply);
    return;
  }
  port.postMessage({ kind: 'ready' } satisfies BatchScoringReply);
}

const init = workerData as Partial<BatchScoringThreadInit> | null;
if (parentPort && init?.marker === BATCH_SCORING_THREAD) void serve(parentPort, init as BatchScoringThreadInit);
