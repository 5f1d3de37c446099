/**
 * Reading values that may be unknown during `pulumi preview`. The runtime wraps a resource's props in a proxy that
 * throws `UnknownValueError` when a placeholder is read; these helpers turn that throw into a value a rule can
 * branch on.
 */

/** A property read that may hit a preview placeholder. */
export type Probe<T> =
  | { readonly known: true; readonly value: T; readonly property: string }
  | { readonly known: false; readonly property: string; readonly error: Error };

/** A probe that hit a placeholder. */
export type UnknownProbe = Probe<unknown> & { readonly known: false };

/**
 * True for the runtime's UnknownValueError. Checked structurally because a pack and its tests may load two copies
 * of @pulumi/policy; `ctx.defer` rethrows the original error, so the runtime's own `instanceof` still matches.
 */
export function isUnknownValueError(e: unknown): e is Error {
  return (
    e instanceof Error &&
    (e.constructor?.name === "UnknownValueError" ||
      ("unknownTypeSentinel" in e && Array.isArray((e as { props?: unknown }).props)))
  );
}

/** Reads `read()`; an unknown placeholder anywhere on the path yields `{ known: false }` instead of throwing. */
export function probe<T>(property: string, read: () => T): Probe<T> {
  try {
    return { known: true, value: read(), property };
  } catch (e) {
    if (isUnknownValueError(e)) return { known: false, property, error: e };
    throw e;
  }
}

/**
 * Deep-reads a value so that unknowns nested anywhere inside surface now (as a Probe) rather than later in the
 * middle of a check. Returns a plain copy without the runtime's proxy.
 */
export function probeDeep<T>(property: string, read: () => T): Probe<T> {
  return probe(property, () => plainCopy(read()) as T);
}

function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  // Indexed, not value.map: under the runtime's Remediate the props are proxied twice (secrets, then unknowns),
  // and Array methods that read `constructor.prototype` through both proxies throw a TypeError.
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(plainCopy(value[i]));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = plainCopy((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * Skips the rest of a rule during preview by rethrowing the runtime's own error, which the runtime reports as the
 * advisory "can't run policy during preview"; `pulumi up` re-checks with known values.
 */
export function defer(unknown: UnknownProbe): never {
  throw unknown.error;
}
