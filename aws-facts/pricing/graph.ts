/**
 * Normalises the two shapes of resource graph the estimator accepts into one:
 * - `CapturedResource` (tools/lib/resource-graph.ts), from the offline preview: `inputs`, `outputs`,
 *   string URNs for `parent` and `dependencies`;
 * - CrossGuard's `PolicyResource`, from a stack policy: `props` (the outputs), and `parent`, `dependencies`,
 *   `propertyDependencies` and `provider` as resource objects.
 * Property reads are guarded: in a preview, a policy resource's unknown values throw on access, and here they
 * become {@link UNKNOWN} instead of aborting the whole estimate.
 */

/** Marks a value that is not known yet (a preview placeholder). */
export const UNKNOWN: unique symbol = Symbol("unknown value");

type UrnRef = string | { readonly urn: string };

/** Any resource shape with a type and a URN; see the module comment for the two accepted shapes. */
export interface CostGraphResource {
  readonly type: string;
  readonly urn: string;
  readonly name?: string;
  readonly custom?: boolean;
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, unknown>>;
  /** CrossGuard: the resource's outputs (stack policies) or inputs (resource policies). */
  readonly props?: Readonly<Record<string, unknown>>;
  readonly parent?: UrnRef;
  readonly dependencies?: readonly UrnRef[];
  readonly propertyDependencies?: Readonly<Record<string, readonly UrnRef[]>>;
  /** CrossGuard: the resource's provider, whose props carry `region`. */
  readonly provider?: { readonly urn?: string; readonly props?: Readonly<Record<string, unknown>> };
  /** CapturedResource options; `provider` is a provider reference `<urn>::<id>`. */
  readonly options?: { readonly provider?: string };
}

/** The estimator's view of a resource. */
export interface GraphNode {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  /** Merged inputs and outputs, as plain data; unknowns are {@link UNKNOWN}. */
  readonly props: Readonly<Record<string, unknown>>;
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Region set by the resource's explicit provider, when known. */
  readonly providerRegion?: string;
}

const MAX_DEPTH = 8;

/** Reads `obj[key]`, turning a throwing getter (a CrossGuard unknown) into UNKNOWN. */
function guardedGet(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return UNKNOWN;
  }
}

/** Deep copy into plain data with guarded reads, so later code never touches a proxy. */
export function toPlainData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return UNKNOWN;
  if (Array.isArray(value)) {
    let length: number;
    try {
      length = value.length;
    } catch {
      return UNKNOWN;
    }
    const out: unknown[] = [];
    for (let i = 0; i < length; i++) out.push(toPlainData(guardedGet(value, String(i)), depth + 1));
    return out;
  }
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return UNKNOWN;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = toPlainData(guardedGet(value, key), depth + 1);
  return out;
}

function urnOf(ref: UrnRef | undefined): string | undefined {
  if (ref === undefined || ref === null) return undefined;
  if (typeof ref === "string") return ref;
  try {
    return typeof ref.urn === "string" ? ref.urn : undefined;
  } catch {
    return undefined;
  }
}

function urnsOf(refs: readonly UrnRef[] | undefined): string[] {
  if (!Array.isArray(refs)) return [];
  return refs.map(urnOf).filter((u): u is string => u !== undefined);
}

/** The logical name from a URN (`urn:pulumi:dev::proj::a$b::name` → `name`). */
export function nameFromUrn(urn: string): string {
  const idx = urn.lastIndexOf("::");
  return idx >= 0 ? urn.slice(idx + 2) : urn;
}

function plainRecord(value: unknown): Record<string, unknown> {
  const plain = toPlainData(value);
  return plain !== null && typeof plain === "object" && !Array.isArray(plain)
    ? (plain as Record<string, unknown>)
    : {};
}

/** Normalises a whole graph. Provider resources in the graph resolve CapturedResource provider references. */
export function normaliseGraph(resources: readonly CostGraphResource[]): GraphNode[] {
  const providerRegions = new Map<string, string>();
  for (const r of resources) {
    if (typeof r.type === "string" && r.type.startsWith("pulumi:providers:")) {
      const props = { ...plainRecord(r.inputs), ...plainRecord(r.outputs), ...plainRecord(r.props) };
      if (typeof props.region === "string") providerRegions.set(r.urn, props.region);
    }
  }
  return resources.map((r) => {
    const props = { ...plainRecord(r.inputs), ...plainRecord(r.outputs), ...plainRecord(r.props) };
    const propertyDependencies: Record<string, string[]> = {};
    const rawDeps = (() => {
      try {
        return r.propertyDependencies;
      } catch {
        return undefined;
      }
    })();
    if (rawDeps && typeof rawDeps === "object") {
      for (const key of Object.keys(rawDeps)) propertyDependencies[key] = urnsOf(rawDeps[key]);
    }
    let providerRegion: string | undefined;
    const policyProviderRegion = (() => {
      try {
        return r.provider?.props?.region;
      } catch {
        return undefined;
      }
    })();
    if (typeof policyProviderRegion === "string") providerRegion = policyProviderRegion;
    const ref = r.options?.provider;
    if (providerRegion === undefined && typeof ref === "string") {
      const providerUrn = ref.includes("::") ? ref.slice(0, ref.lastIndexOf("::")) : ref;
      providerRegion = providerRegions.get(providerUrn);
    }
    return {
      urn: r.urn,
      name: typeof r.name === "string" && r.name !== "" ? r.name : nameFromUrn(r.urn),
      type: r.type,
      props,
      parent: urnOf(r.parent),
      dependencies: urnsOf(r.dependencies),
      propertyDependencies,
      ...(providerRegion !== undefined ? { providerRegion } : {}),
    };
  });
}

/** A string value, or undefined when absent, unknown or not a string. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * A quantity read from props (a size, count, capacity or retention): a finite number ≥ 0, numeric strings
 * accepted as the engine may send them; undefined when absent, unknown or invalid. A negative or non-finite value
 * is invalid: AWS would reject it, and pricing it would put a negative or NaN cost into the totals.
 */
export function num(value: unknown): number | undefined {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && value.trim() !== ""
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** A plain object value, or undefined. Single-element arrays (old-style nested blocks) are unwrapped. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value) && value.length === 1) return obj(value[0]);
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}
