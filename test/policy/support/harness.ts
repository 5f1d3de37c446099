/**
 * Runs a policy the way @pulumi/policy's analyzer server does (server.js, 1.21), without the gRPC server:
 * - props are wrapped in the runtime's `unknownCheckingProxy`, so preview placeholders (see `unknown`) throw;
 * - `notApplicable` throws, and the result says so;
 * - `stackTags` is a frozen-like Map;
 * - `getConfig()` returns the config the CLI would pass: the schema defaults filled in (as the CLI does before
 *   Configure) and then the given properties, without `enforcementLevel` (pass `fillDefaults: false` to see what a
 *   harness that skips the CLI's step gets);
 * - an UnknownValueError escaping the policy becomes the runtime's advisory "can't run policy during preview".
 */
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import {
  configDefaults,
  type PlatformPolicy,
  type PlatformResourcePolicy,
  type PlatformStackPolicy,
} from "@ml-platform/policy/framework";

// The runtime's placeholders for values unknown during preview (@pulumi/policy/proxy, internal exports).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sentinels = require("@pulumi/policy/proxy") as Record<string, string>;

/** Preview placeholders, by the type of the value they stand for. */
export const unknown = {
  string: sentinels.unknownStringValue,
  number: sentinels.unknownNumberValue as unknown as number,
  boolean: sentinels.unknownBooleanValue as unknown as boolean,
  array: sentinels.unknownArrayValue as unknown as never[],
  object: sentinels.unknownObjectValue as unknown as Record<string, never>,
} as const;

export interface Diagnostic {
  readonly message: string;
  readonly urn?: string;
}

export interface PolicyRunResult {
  /** Violations reported (message as the runtime builds it: description, newline, message). */
  readonly violations: readonly Diagnostic[];
  /** The reason, when the policy called notApplicable. */
  readonly notApplicable?: string;
  /** The runtime's advisory message, when an unknown value stopped the policy during preview. */
  readonly deferred?: string;
}

export interface ResourceInput {
  readonly type: string;
  readonly name?: string;
  readonly props: Record<string, unknown>;
  readonly urn?: string;
  readonly opts?: Partial<PolicyResourceOptions>;
}

export interface RunOptions {
  /** Policy config properties, as in policy/config/<stack>.json (enforcementLevel is stripped, as the runtime does). */
  readonly config?: Record<string, unknown>;
  readonly stackTags?: Record<string, string>;
  /** Fill in the schema defaults as the CLI does (default true). */
  readonly fillDefaults?: boolean;
}

class NotApplicableError extends Error {
  constructor(readonly reason: string | undefined) {
    super(reason ?? "not applicable");
  }
}

export function urnOf(type: string, name: string, stack = "dev", project = "ml-platform"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

function defaultOpts(opts?: Partial<PolicyResourceOptions>): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...opts,
  };
}

function makeConfig(policy: PlatformPolicy, options: RunOptions): () => any {
  const given = { ...(options.config ?? {}) };
  delete given.enforcementLevel;
  const filled =
    options.fillDefaults === false ? given : { ...configDefaults(policy.platform.config), ...given };
  // The runtime hands out the same object on every call; a deep copy keeps tests independent.
  return () => structuredClone(filled);
}

/** The message the runtime produces from a string violation. */
function runtimeMessage(policy: PlatformPolicy, message: string): string {
  return message ? `${policy.description}\n${message}` : policy.description;
}

async function capture(
  policy: PlatformPolicy,
  run: (
    report: (message: string, urn?: string) => void,
    notApplicable: (reason?: string) => never,
  ) => unknown,
): Promise<PolicyRunResult> {
  const violations: Diagnostic[] = [];
  const report = (message: string, urn?: string) =>
    violations.push({ message: runtimeMessage(policy, message), urn });
  const notApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
  };
  try {
    await run(report, notApplicable);
    return { violations };
  } catch (e) {
    if (e instanceof NotApplicableError) return { violations, notApplicable: e.reason ?? "" };
    if (e instanceof UnknownValueError) {
      return {
        violations,
        deferred: `can't run policy '${policy.name}' during preview: ${(e as Error).message}`,
      };
    }
    throw e;
  }
}

/** Runs a resource policy against one resource's inputs. */
export async function runResourcePolicy(
  policy: PlatformResourcePolicy,
  resource: ResourceInput,
  options: RunOptions = {},
): Promise<PolicyRunResult> {
  const name = resource.name ?? "subject";
  // The runtime's fast path: a single validation carrying a type token is skipped for other types.
  const tagged = (policy.validateResource as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  if (!Array.isArray(policy.validateResource) && typeof tagged === "string" && tagged !== resource.type) {
    return { violations: [], notApplicable: `Policy only applies to resources of type '${tagged}'` };
  }
  const props = unknownCheckingProxy(structuredClone(resource.props));
  const getConfig = makeConfig(policy, options);
  return capture(policy, async (report, notApplicable) => {
    const args: ResourceValidationArgs = {
      type: resource.type,
      props,
      urn: resource.urn ?? urnOf(resource.type, name),
      name,
      opts: defaultOpts(resource.opts),
      stackTags: new Map(Object.entries(options.stackTags ?? {})),
      isType: () => {
        throw new Error("platform policies match type tokens, not classes");
      },
      asType: () => {
        throw new Error("platform policies match type tokens, not classes");
      },
      getConfig,
      notApplicable,
    };
    const validations = Array.isArray(policy.validateResource)
      ? policy.validateResource
      : [policy.validateResource];
    for (const validate of validations) await validate!(args, report);
  });
}

export interface StackResourceInput extends ResourceInput {
  /** Names (or URNs) of resources this one depends on. */
  readonly dependencies?: readonly string[];
  /** Property name to names (or URNs) of resources the property's value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[] | undefined>>;
  /** Name (or URN) of the parent. */
  readonly parent?: string;
}

/** Runs a stack policy over resources (props are the outputs a stack policy sees). */
export async function runStackPolicy(
  policy: PlatformStackPolicy,
  resources: readonly StackResourceInput[],
  options: RunOptions = {},
): Promise<PolicyRunResult> {
  const built: PolicyResource[] = resources.map((r) => {
    const name = r.name ?? r.type.split(":").pop()!.toLowerCase();
    return {
      type: r.type,
      name,
      urn: r.urn ?? urnOf(r.type, name),
      props: unknownCheckingProxy(structuredClone(r.props)),
      opts: defaultOpts(r.opts),
      dependencies: [],
      propertyDependencies: {},
      isType: () => {
        throw new Error("platform policies match type tokens, not classes");
      },
      asType: () => {
        throw new Error("platform policies match type tokens, not classes");
      },
    } as PolicyResource;
  });
  const find = (ref: string) => built.find((b) => b.urn === ref || b.name === ref);
  resources.forEach((r, i) => {
    const target = built[i] as { -readonly [K in keyof PolicyResource]: PolicyResource[K] };
    target.dependencies = (r.dependencies ?? []).map(find).filter((d): d is PolicyResource => !!d);
    for (const [key, refs] of Object.entries(r.propertyDependencies ?? {})) {
      if (!refs) continue;
      target.propertyDependencies[key] = refs.map(find).filter((d): d is PolicyResource => !!d);
    }
    if (r.parent) target.parent = find(r.parent);
  });
  const getConfig = makeConfig(policy, options);
  return capture(policy, (report, notApplicable) => {
    const args: StackValidationArgs = {
      resources: built,
      getConfig,
      stackTags: new Map(Object.entries(options.stackTags ?? {})),
      notApplicable,
    };
    return policy.validateStack!(args, report);
  });
}

/** Converts a captured resource (offline preview / program runner) into harness input. */
export function fromCaptured(r: CapturedResource, view: "inputs" | "outputs"): StackResourceInput {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: { ...(view === "inputs" ? r.inputs : r.outputs) },
    opts: { protect: r.options.protect, ignoreChanges: [...r.options.ignoreChanges], parent: r.parent },
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
    parent: r.parent,
  };
}

/** Messages only, for terse assertions. */
export function messages(result: PolicyRunResult): string[] {
  return result.violations.map((v) => v.message);
}

/** A deep copy of plain objects and arrays that keeps class instances (the runtime's Secret) as they are. */
function copyKeepingInstances<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyKeepingInstances) as T;
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyKeepingInstances(v)])) as T;
}

export interface RemediationRunResult {
  /** The whole property bag the remediation returned, serialized as the runtime sends it; undefined: none. */
  readonly properties?: Record<string, unknown>;
  /** The reason, when the remediation called notApplicable. */
  readonly notApplicable?: string;
  /** The runtime's diagnostic, when an unknown value stopped the remediation during preview. */
  readonly deferred?: string;
}

/**
 * Runs a policy's remediation the way the runtime's Remediate does (server.js `makeRemediateRpcFun`, 1.21): props
 * wrapped in the secrets-preserving proxy and then the unknown-checking proxy, the result serialized with the
 * runtime's own `serializeProperties` (secrets become secret values, placeholders stay). The level is not
 * checked here: the runtime calls remediateResource only for a policy at `remediate`.
 */
export async function runRemediation(
  policy: PlatformPolicy,
  resource: ResourceInput,
  options: RunOptions = {},
): Promise<RemediationRunResult> {
  const remediate = (policy as { remediateResource?: (args: ResourceValidationArgs) => unknown })
    .remediateResource;
  if (!remediate) throw new Error(`policy ${policy.name} has no remediateResource`);
  const tagged = (remediate as { __pulumiType?: unknown }).__pulumiType;
  if (typeof tagged === "string" && tagged !== resource.type) {
    return { notApplicable: `Policy only applies to resources of type '${tagged}'` };
  }
  // Internal modules of the runtime, loaded the way its server loads them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { secretsPreservingProxy } = require("@pulumi/policy/secret");
  const { serializeProperties } = require("@pulumi/policy/deserialize");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const name = resource.name ?? "subject";
  const props = unknownCheckingProxy(secretsPreservingProxy(copyKeepingInstances(resource.props)));
  const notApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
  };
  const args: ResourceValidationArgs = {
    type: resource.type,
    props,
    urn: resource.urn ?? urnOf(resource.type, name),
    name,
    opts: defaultOpts(resource.opts),
    stackTags: new Map(Object.entries(options.stackTags ?? {})),
    isType: () => false,
    asType: () => undefined,
    getConfig: makeConfig(policy, options),
    notApplicable,
  };
  try {
    const result = await remediate(args);
    return result ? { properties: await serializeProperties(result) } : {};
  } catch (e) {
    if (e instanceof NotApplicableError) return { notApplicable: e.reason ?? "" };
    if (e instanceof UnknownValueError) {
      return { deferred: `can't run remediation '${policy.name}' during preview: ${(e as Error).message}` };
    }
    throw e;
  }
}
