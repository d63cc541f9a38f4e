// The fake Kite (libs/testing/src/kite-fake, TypeScript test code with no dist of its own) for
// benchmarks: bundled once with esbuild into node_modules/.cache, its package imports (ws,
// @tradeloop/domain) left to resolve to the installed/built packages at run time.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '../..');

/** The module `@tradeloop/testing/kite-fake` (FakeKite, encodeTickFrame, …). */
export async function loadKiteFake() {
  const outfile = join(root, 'node_modules/.cache/tradeloop-bench/kite-fake.mjs');
  await build({
    entryPoints: [join(root, 'libs/testing/src/kite-fake/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}
