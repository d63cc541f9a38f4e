#!/usr/bin/env node
// Sums the JSON/JUnit reports every runner wrote into one closing line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const parts = [];
for (const file of readdirSync(dir)) {
  const path = join(dir, file);
  if (file.endsWith('.json')) {
    const r = JSON.parse(readFileSync(path, 'utf8'));
    if ('numPassedTests' in r) {
      // vitest
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      skipped += r.numPendingTests + (r.numTodoTests ?? 0);
      parts.push(`${file.replace('.json', '')} ${r.numPassedTests}`);
    } else if (r.stats) {
      // playwright
      passed += r.stats.expected + (r.stats.flaky ?? 0);
      failed += r.stats.unexpected;
      skipped += r.stats.skipped;
      parts.push(`${file.replace('.json', '')} ${r.stats.expected}`);
    }
  } else if (file.endsWith('.xml')) {
    // pytest junit
    const xml = readFileSync(path, 'utf8');
    const m = /<testsuite[^>]*\btests="(\d+)"[^>]*>/.exec(xml);
    const attr = (name) => Number((new RegExp(`<testsuite[^>]*\\b${name}="(\\d+)"`).exec(xml) ?? [])[1] ?? 0);
    if (m) {
      const total = Number(m[1]);
      const bad = attr('failures') + attr('errors');
      const skip = attr('skipped');
      passed += total - bad - skip;
      failed += bad;
      skipped += skip;
      parts.push(`${file.replace('.xml', '')} ${total - bad - skip}`);
    }
  }
}
if (!existsSync(dir) || parts.length === 0) {
  console.error('no test reports found');
  process.exit(1);
}
console.log(`\n(${parts.join(', ')})`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
