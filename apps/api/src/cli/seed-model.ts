import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  sha256Hex,
  type ModelArtifactStore,
  type ModelsRepository,
  type PromoteModelUseCase,
  type RegisterModelUseCase,
} from '@tradeloop/ml';

/** The demo model shipped in the repository (npm run ml:demo rebuilds it). */
export const DEMO_MODEL_DIR = join(__dirname, '../../../../models/demo-momentum/1');

/**
 * Registers the shipped demo model through the same checks as an upload and puts it in
 * production, once: if the registry already holds that name and version, it is left as it is
 * (a quant may have archived or replaced it since).
 */
export async function seedDemoModel(
  deps: {
    register: RegisterModelUseCase;
    promote: PromoteModelUseCase;
    models: ModelsRepository;
    artifacts: ModelArtifactStore;
    log: (line: string) => void;
  },
  dir = DEMO_MODEL_DIR,
): Promise<void> {
  const modelFile = join(dir, 'model.onnx');
  const cardFile = join(dir, 'card.json');
  if (!existsSync(modelFile) || !existsSync(cardFile)) {
    deps.log(`demo model: none shipped in ${dir} (npm run ml:demo builds it)`);
    return;
  }
  const cardText = readFileSync(cardFile, 'utf8');
  const card = deps.register.parseCard(cardText);
  const existing = await deps.models.byNameVersion(card.name, card.version);
  if (existing) {
    // A registry directory wiped by hand: put the shipped file back if it is the registered one.
    const bytes = new Uint8Array(readFileSync(modelFile));
    if (!existsSync(deps.artifacts.pathOf(existing.artifact)) && sha256Hex(bytes) === existing.checksum) {
      await deps.artifacts.put(card.name, card.version, bytes);
      deps.log(`demo model: restored the missing file of ${card.name} v${card.version}`);
    }
    deps.log(`demo model: ${card.name} v${card.version} already registered (${existing.stage})`);
    return;
  }
  const meta = { requestId: 'seed', userAgent: 'npm run db:seed' };
  const model = await deps.register.execute({ model: new Uint8Array(readFileSync(modelFile)), card: cardText }, null, meta);
  await deps.promote.execute(model.id, 'production', null, meta);
  deps.log(`demo model: ${card.name} v${card.version} registered and promoted to production`);
}
