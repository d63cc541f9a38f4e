/**
 * A fake where a constructor expects the real class. Classes with private fields cannot be
 * implemented structurally, so the call needs a cast; this one still checks that every member
 * the fake has matches the real class's public member of that name (each fake also declares
 * `implements Pick<RealClass, …>` for the methods it stands in for). A method the fake lacks
 * fails the test at the call with "is not a function".
 */
export const port = <T>(fake: Partial<T>): T => fake as T;

/**
 * A dependency the code under test must not touch on this path: any use of it throws, naming
 * it. For ports of contexts these tests leave alone (e.g. trading behind a strategy command).
 */
export function untouchable<T>(name: string): T {
  return new Proxy(
    {},
    {
      get(_target, prop) {
        if (prop === 'then') return undefined; // not a thenable: may be awaited or returned safely
        throw new Error(`${name}.${String(prop)} was used, but this path must not touch ${name}`);
      },
    },
  ) as T;
}

/** Nest's record of `@Inject(token)` constructor parameters (SELF_DECLARED_DEPS_METADATA). */
const SELF_DECLARED_DEPS = 'self:paramtypes';

/**
 * The class a Nest provider injects at constructor parameter `index`, read from its `@Inject`
 * metadata: how a test reaches a real collaborator its library does not export (e.g. identity's
 * CredentialChanges), to construct it over fakes rather than fake its rules. `name` guards against
 * a reordered constructor.
 */
export function injectedClass<T>(
  consumer: abstract new (...args: never[]) => unknown,
  index: number,
  name: string,
): new (...args: unknown[]) => T {
  const deps = (Reflect.getMetadata(SELF_DECLARED_DEPS, consumer) ?? []) as { index: number; param: unknown }[];
  const found = deps.find((d) => d.index === index)?.param;
  if (typeof found !== 'function' || found.name !== name) {
    throw new Error(`${consumer.name} does not inject ${name} at parameter ${index} (found ${String((found as { name?: string })?.name)})`);
  }
  return found as new (...args: unknown[]) => T;
}
