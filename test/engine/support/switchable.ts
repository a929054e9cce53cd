/**
 * An object that forwards every property to `target()` at each access, except `overrides`: a
 * test can switch the chain under a running service, or make one method answer wrongly.
 */
export function switchable<T extends object>(target: () => T, overrides: Record<string, unknown> = {}): T {
  return new Proxy({} as T, {
    get(_, property) {
      if (typeof property === "string" && property in overrides) return overrides[property];
      const t = target() as unknown as Record<string | symbol, unknown>;
      const value = t[property];
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}
