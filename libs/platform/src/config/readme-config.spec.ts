import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeConfig } from '.';

// The README's configuration table is documentation users rely on: it must name every variable
// the platform reads, and only those.
describe('README configuration table', () => {
  const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
  const documented = new Set([...readme.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));

  it('documents every config variable', () => {
    for (const { name } of describeConfig()) expect(documented, name).toContain(name);
  });

  it('documents no variable that does not exist', () => {
    const known = new Set(describeConfig().map((r) => r.name));
    for (const name of documented) expect(known, name).toContain(name);
  });
});
