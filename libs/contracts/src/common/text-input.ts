import type { FieldError } from '@tradeloop/domain';

/**
 * The one rule for every text that enters the API (docs/adr/0013-hostile-input.md): well-formed Unicode
 * without NUL. Postgres refuses NUL in `text` and `jsonb`, and a lone UTF-16 surrogate is not a
 * character at all (it would be stored as U+FFFD, so what we hash is not what we store).
 * Lengths are each field's own rule, checked by its schema on the text as sent.
 */
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why this text cannot be taken in, or null when it can. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character';
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

/** Walked at most this deep / this many values; beyond that a request part is refused whole. */
const MAX_DEPTH = 64;
const MAX_VALUES = 100_000;

/**
 * Every text in a parsed request part (a JSON body, the query, the path parameters), keys
 * included, checked against `textProblem`: one field error per bad text, named by its path.
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function textInputProblems(value: unknown, base = ''): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: base, depth: 0 }];
  let seen = 0;
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (++seen > MAX_VALUES || depth > MAX_DEPTH) {
      return [{ field: base || '(body)', message: `is nested too deeply or has too many values` }];
    }
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) errors.push({ field: path || '(body)', message: problem });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, String(i)), depth: depth + 1 });
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        const keyProblem = textProblem(key);
        // A bad key is named by its escaped form: the raw one is the problem.
        if (keyProblem) errors.push({ field: join(path, JSON.stringify(key).slice(1, -1)), message: `(a field name) ${keyProblem}` });
        else stack.push({ v: child, path: join(path, key), depth: depth + 1 });
      }
    }
  }
  return errors;
}
