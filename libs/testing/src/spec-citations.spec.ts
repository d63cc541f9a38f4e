import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Code comments cite the project's specs. Those specs live in docs/ (docs/domain.md,
// docs/brokers.md, ...); a citation by bare name ("DOMAIN.md") points at a file outside the
// repository that a reader cannot open. Every name here must be cited as docs/<lower-case name>.
const SPEC_NAMES = ['DOMAIN.md', 'BROKERS.md', 'API.md'];

const ROOT = join(__dirname, '../../..');
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|py|sh)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage']);
const SELF = relative(ROOT, __filename);

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.isFile() && SOURCE.test(entry.name)) yield path;
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The name, not as part of a longer word and not already under docs/.
const BARE = new RegExp(`(?<![A-Za-z0-9_])(?<!docs/)(?:${SPEC_NAMES.map(escape).join('|')})`);

describe('spec citations stay inside the repository', () => {
  it('every cited spec exists under docs/', () => {
    for (const name of SPEC_NAMES) expect(existsSync(join(ROOT, 'docs', name.toLowerCase())), `docs/${name.toLowerCase()}`).toBe(true);
  });

  it('no source file under apps/ or libs/ cites a spec by bare name', () => {
    const found: string[] = [];
    for (const top of ['apps', 'libs']) {
      for (const path of sourceFiles(join(ROOT, top))) {
        const file = relative(ROOT, path);
        if (file === SELF) continue;
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (!BARE.test(line)) return;
            found.push(`${file}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(found, `cite docs/<name> instead of the bare name (${SPEC_NAMES.join(', ')})`).toEqual([]);
  });
});
