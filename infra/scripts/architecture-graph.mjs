// Writes (or with --check, verifies) the project dependency graph in docs/architecture.md, taken
// from `nx graph`, between the "nx-graph" markers. Lint runs the check, so the page cannot drift
// from the code: a new import between projects changes the graph and fails lint until the page
// is regenerated with `node infra/scripts/architecture-graph.mjs`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const doc = path.join(root, 'docs/architecture.md');
const dir = mkdtempSync(path.join(tmpdir(), 'nx-graph-'));
try {
  const file = path.join(dir, 'graph.json');
  execFileSync(path.join(root, 'node_modules/.bin/nx'), ['graph', `--file=${file}`], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  const { graph } = JSON.parse(readFileSync(file, 'utf8'));
  // The e2e project depends on everything it starts; it would only clutter the picture.
  const shown = Object.keys(graph.nodes)
    .filter((p) => p !== 'web-e2e')
    .sort();
  const edges = [];
  for (const p of shown) {
    const targets = [...new Set(graph.dependencies[p].map((d) => d.target))].filter((t) => shown.includes(t) && t !== p).sort();
    // domain and contracts are used by nearly everything: drawn once, as the base, not from each node.
    // A dotted arrow: a dependency of the project's tests only (a devDependency in its package.json).
    const pkg = JSON.parse(readFileSync(path.join(root, graph.nodes[p].data.root, 'package.json'), 'utf8'));
    const testOnly = (t) => Boolean(pkg.devDependencies?.[`@tradeloop/${t}`]) && !pkg.dependencies?.[`@tradeloop/${t}`];
    for (const t of targets) {
      if (!['domain', 'contracts'].includes(t) || ['contracts', 'brokers', 'platform', 'web'].includes(p))
        edges.push(`  ${p} ${testOnly(t) ? '-.->' : '-->'} ${t}`);
    }
  }
  const block = ['```mermaid', 'graph TD', ...edges, '```'].join('\n');
  const text = readFileSync(doc, 'utf8');
  const re = /(<!-- nx-graph:start[^>]*-->)[\s\S]*?(<!-- nx-graph:end -->)/;
  if (!re.test(text)) throw new Error('docs/architecture.md has no nx-graph markers');
  const next = text.replace(re, `$1\n${block}\n$2`);
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error('docs/architecture.md: the dependency graph differs from `nx graph`; run node infra/scripts/architecture-graph.mjs');
      process.exit(1);
    }
  } else writeFileSync(doc, next);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
