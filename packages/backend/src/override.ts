/**
 * `overrideMethods`: a view of a backend with some methods replaced, the way `checked` and
 * `composeSequence` wrap one. Every other property (extra fields, getters, class methods) reads
 * through to the original; its methods are bound to it, so class-based backends with private
 * state keep working.
 */

/** `target` with the methods in `own` replaced, and `marker` (when given) reading `true`. */
export function overrideMethods<T extends object>(target: T, own: Partial<T>, marker?: symbol): T {
  return new Proxy(target, {
    get(t, key) {
      if (marker !== undefined && key === marker) return true;
      if (Object.hasOwn(own, key)) return own[key as keyof T];
      const value: unknown = Reflect.get(t, key, t);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
    },
  });
}
