// The baseline commit of `npm run bench -- orders`: the commit before issue 20's work (or
// BENCH_BASELINE_REF), checked out as a git worktree outside the tracked tree and built there, so
// the same harness starts its API, worker and migrations beside this checkout's in one bench run.
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_BASELINE_REF = 'ff3614a';

const git = (root, ...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();

/**
 * A built checkout of `ref`: /tmp/tradeloop-bench-baseline-<sha>, reused when it was already built
 * at that sha. node_modules is a hard-linked copy of this checkout's; its workspace links
 * (node_modules/@tradeloop/*) are relative, so in the copy they resolve to the worktree's own libs.
 */
export function ensureBaselineTree(root, ref = process.env.BENCH_BASELINE_REF ?? DEFAULT_BASELINE_REF, log = console.log) {
  const sha = git(root, 'rev-parse', '--verify', `${ref}^{commit}`);
  const dir = join(process.env.BENCH_BASELINE_DIR ?? tmpdir(), `tradeloop-bench-baseline-${sha.slice(0, 12)}`);
  const stamp = join(dir, '.bench-built');
  if (existsSync(stamp) && git(dir, 'rev-parse', 'HEAD') === sha) return { sha, dir, reused: true };
  if (!existsSync(join(dir, '.git'))) {
    log(`  baseline: git worktree add ${dir} ${sha.slice(0, 12)}`);
    execFileSync('git', ['-C', root, 'worktree', 'prune']);
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, sha], { stdio: 'ignore' });
  }
  if (git(dir, 'rev-parse', 'HEAD') !== sha) throw new Error(`${dir} is not at ${sha}; remove it (git worktree remove --force ${dir})`);
  if (!existsSync(join(dir, 'node_modules'))) {
    log('  baseline: node_modules as hard links (cp -al)');
    execFileSync('cp', ['-al', join(root, 'node_modules'), join(dir, 'node_modules')]);
  }
  const platform = realpathSync(join(dir, 'node_modules/@tradeloop/platform'));
  if (!platform.startsWith(`${realpathSync(dir)}/`))
    throw new Error(`the baseline's @tradeloop/platform resolves to ${platform}, not its own libs`);
  log(`  baseline: building ${sha.slice(0, 12)} (npx tsc -b tsconfig.build.json in ${dir})`);
  execFileSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  for (const f of ['apps/api/dist/main.js', 'apps/worker/dist/main.js', 'libs/platform/dist/index.js', 'libs/wallet/dist/index.js']) {
    if (!existsSync(join(dir, f))) throw new Error(`the baseline build did not produce ${f}`);
  }
  writeFileSync(stamp, `${sha}\n`);
  return { sha, dir, reused: false };
}

/** The commit of this checkout (with a mark when the tree has uncommitted changes). */
export function currentCommit(root) {
  const sha = git(root, 'rev-parse', 'HEAD');
  const dirty = git(root, 'status', '--porcelain', '--untracked-files=no', '--', 'libs', 'apps').length > 0;
  return { sha, dirty };
}
