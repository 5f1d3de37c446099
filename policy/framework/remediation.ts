/**
 * Remediation: a policy may fix a resource instead of only rejecting it. CrossGuard calls a policy's
 * `remediateResource` only when the policy's enforcement level is `remediate`; the engine calls the pack's
 * Remediate before Analyze, deploys the property bag it returns and then analyzes that bag, with the level
 * `remediate` reported as `mandatory` (https://www.pulumi.com/docs/iac/using-pulumi/crossguard/core-concepts/,
 * and `makeRemediateRpcFun` / `makeAnalyzeRpcFun` in @pulumi/policy's server.js).
 *
 * A remediation here never writes a property bag by hand. It returns {@link PropertyFix}es, and the framework
 * applies them to the bag the runtime gave it, in place, so that every other property (secrets and values unknown
 * during preview included) is returned untouched. A fix that would not change anything is dropped, and a
 * resource that needs no fix gets `undefined` back, which the runtime reports as no remediation at all. A fix
 * can only strengthen: `value` sets the one compliant value of a setting, `atLeast` raises a number and never
 * lowers it.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import type { CommonConfig } from "./config";

/** One property a remediation sets. `property` is a dotted path of plain keys, e.g. `metadataOptions.httpTokens`. */
export type PropertyFix =
  | { readonly property: string; readonly value: string | boolean | number }
  | { readonly property: string; readonly atLeast: number };

/** What a remediation gets besides the props. */
export interface RemediationContext<C> {
  readonly name: string;
  readonly urn: string;
  readonly type: string;
  /** Policy config with schema defaults applied. */
  readonly config: Readonly<C & CommonConfig>;
  readonly args: ResourceValidationArgs;
}

/** A policy's remediation. */
export interface RemediationDefinition<C> {
  /** One sentence for docs/policies.md: what the remediation sets, and when. */
  readonly summary: string;
  /**
   * Resource types it fixes. A resource policy defaults to the types of its rules; a stack policy must list them
   * (the runtime calls remediations per resource, never per stack).
   */
  readonly types?: readonly string[];
  /**
   * The fixes for one resource. On a resource policy it runs only after the policy's own checks reported the
   * resource, and only fixes of a reported property apply; return nothing for anything that is not safe to fix.
   */
  readonly remediate: (
    props: any,
    ctx: RemediationContext<C>,
  ) => readonly PropertyFix[] | undefined | Promise<readonly PropertyFix[] | undefined>;
}

/** What docs and tests see of a remediation. */
export interface RemediationInfo {
  readonly summary: string;
  readonly types: readonly string[];
}

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

/** `a.b.c` → ["a", "b", "c"]; throws on anything but plain keys (a definition bug, caught by the unit tests). */
export function fixPath(property: string): string[] {
  const keys = property.split(".");
  if (keys.some((k) => !PLAIN_KEY.test(k))) {
    throw new Error(`remediation fix "${property}": the property must be a dotted path of plain keys`);
  }
  return keys;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/**
 * Applies `fixes` to `props` in place (through the runtime's proxies, which keep secrets secret) and returns the
 * fixes that changed something. Missing parent objects are created; a parent that is set but not an object is
 * left alone (the fix is skipped). Reading a value unknown during preview throws the runtime's UnknownValueError,
 * which the runtime reports as "can't run remediation during preview".
 */
export function applyFixes(props: Record<string, unknown>, fixes: readonly PropertyFix[]): PropertyFix[] {
  // Every value is read before anything is written, so an unknown value stops the remediation with the bag as
  // it was (the runtime hands the same bag to the next remediation).
  const writes: { fix: PropertyFix; keys: string[]; leaf: string }[] = [];
  for (const fix of fixes) {
    const keys = fixPath(fix.property);
    const leaf = keys.pop()!;
    // Walk to the leaf; a missing parent is created later, a parent that is not an object is left alone.
    let current: unknown = props;
    let blocked = false;
    for (const key of [...keys, leaf]) {
      if (current === undefined || current === null) break;
      if (!isObject(current) || Array.isArray(current)) {
        blocked = true;
        break;
      }
      current = current[key];
    }
    if (blocked) continue;
    const needed =
      "value" in fix ? current !== fix.value : !(typeof current === "number" && current >= fix.atLeast);
    if (needed) writes.push({ fix, keys, leaf });
  }
  for (const { fix, keys, leaf } of writes) {
    let parent = props;
    for (const key of keys) {
      if (parent[key] === undefined || parent[key] === null) parent[key] = {};
      parent = parent[key] as Record<string, unknown>;
    }
    parent[leaf] = "value" in fix ? fix.value : fix.atLeast;
  }
  return writes.map((w) => w.fix);
}

/**
 * Runs a remediation on the resource the runtime handed over and applies the fixes `keep` accepts: the bag itself
 * when anything changed, else `undefined` (no remediation). Shared by the resource and stack policy definers.
 */
export async function runRemediation<C>(
  remediation: RemediationDefinition<C>,
  args: ResourceValidationArgs,
  config: Readonly<C & CommonConfig>,
  keep: (fix: PropertyFix) => boolean = () => true,
): Promise<Record<string, unknown> | undefined> {
  const fixes = await remediation.remediate(args.props, {
    name: args.name,
    urn: args.urn,
    type: args.type,
    config,
    args,
  });
  return applyFixes(args.props, (fixes ?? []).filter(keep)).length > 0 ? args.props : undefined;
}
