import { InferenceSession, Tensor } from 'onnxruntime-node';

/** The ONNX contract of our models (ml/README.md): `features` float32 [N, F] in, `score` float32 [N] out. */
export const INPUT_NAME = 'features';
export const SCORE_OUTPUT = 'score';

/**
 * Session options for latency: one intra-op thread (a batch of 500 rows × a few hundred trees
 * is far below what splitting across threads pays for, and the worker shares two cores with
 * Postgres and the feed), sequential execution, every graph optimisation.
 */
export const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

export async function openSession(bytes: Uint8Array): Promise<InferenceSession> {
  return InferenceSession.create(bytes, SESSION_OPTIONS);
}

/** Why a session does not fit a card of `width` features, or null when it does. */
export function contractProblem(session: InferenceSession, width: number): string | null {
  const input = session.inputMetadata.find((m) => m.name === INPUT_NAME);
  if (!input) return `the model has no input named "${INPUT_NAME}" (inputs: ${session.inputNames.join(', ') || 'none'})`;
  if (session.inputNames.length !== 1) return `the model must have exactly one input, "${INPUT_NAME}" (inputs: ${session.inputNames.join(', ')})`;
  if (!input.isTensor || input.type !== 'float32') return `input "${INPUT_NAME}" must be a float32 tensor`;
  const shape = input.shape;
  if (shape.length !== 2) return `input "${INPUT_NAME}" must have 2 dimensions [N, ${width}], has ${shape.length}`;
  if (shape[1] !== width) return `input "${INPUT_NAME}" takes ${String(shape[1])} features per row; the card lists ${width}`;
  if (!session.outputNames.includes(SCORE_OUTPUT)) return `the model has no output named "${SCORE_OUTPUT}" (outputs: ${session.outputNames.join(', ')})`;
  return null;
}

/** Runs `n` rows of `width` features; returns the `score` output (one per row). */
export async function runScores(session: InferenceSession, rows: Float32Array, n: number, width: number): Promise<Float32Array> {
  const out = await session.run({ [INPUT_NAME]: new Tensor('float32', rows.length === n * width ? rows : rows.subarray(0, n * width), [n, width]) }, [SCORE_OUTPUT]);
  const score = out[SCORE_OUTPUT];
  if (!score || !(score.data instanceof Float32Array) || score.data.length !== n) throw new Error(`the model returned no float32 "${SCORE_OUTPUT}" of length ${n}`);
  return score.data;
}
