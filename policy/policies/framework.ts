/**
 * The policy framework every ml-platform policy is built on. Side-effect free: importing it starts nothing, so
 * tests and the docs generator can load every policy without a gRPC server.
 *
 * ## Contract for policy authors
 *
 * A **resource rule** checks one resource's inputs:
 *
 * ```ts
 * import type * as aws from "@pulumi/aws";          // types only: loading @pulumi/aws costs seconds at pack start
 * import { defineResourcePolicy, onType } from "./framework";
 *
 * export const sgNoPublicIngress = defineResourcePolicy({
 *   name: "sg-no-public-ingress",                    // kebab-case, says what is wrong; docs anchor = the name
 *   family: "network",                               // one family per file; becomes a tag and a docs section
 *   description: "Security groups must not allow ingress from 0.0.0.0/0 or ::/0.",
 *   severity: "high",
 *   enforcementLevel: "advisory",                    // the pack default; policy/config/<stack>.json overrides it
 *   remediationSteps: "Restrict ingress to the VPC CIDR or a source security group.",
 *   unknownValues: { behaviour: "fail-closed", detail: "An unknown CIDR could be 0.0.0.0/0." },
 *   config: {                                         // optional; every property needs a default
 *     allowedPorts: { type: "array", items: { type: "integer" }, default: [], description: "…" },
 *   },
 *   validateConfig: (c) => [],                       // optional: messages for invalid combinations
 *   rules: [
 *     onType<aws.ec2.SecurityGroupArgs>("aws:ec2/securityGroup:SecurityGroup", (sg, ctx) => {
 *       const ingress = ctx.probe("ingress", () => sg.ingress);
 *       if (!ingress.known) return ctx.failClosed(ingress, "an unknown rule could open the group to the world");
 *       ingress.value?.forEach((rule, i) => {
 *         if (rule.cidrBlocks?.includes("0.0.0.0/0"))
 *           ctx.report({ property: `ingress[${i}].cidrBlocks`, problem: "allows 0.0.0.0/0", fix: "…" });
 *       });
 *     }),
 *   ],
 * });
 * ```
 *
 * - Resources of other types are reported `notApplicable` (as `validateResourceOfType` does), so tag the rule with
 *   type tokens (`aws:<module>/<resource>:<Resource>`), never with classes: importing @pulumi/aws values in the pack
 *   would add seconds to every start.
 * - `ctx.config` already has the schema defaults applied (`configWithDefaults`); the CLI fills them in, tests and
 *   other harnesses may not.
 * - Exemptions are handled before the rule runs (see {@link exemptionTagKey}); a rule never checks them itself.
 * - Unknown values (preview placeholders): `ctx.probe(property, read)` returns `{ known: true, value }` or
 *   `{ known: false }`. Then either `ctx.failClosed(unknown, why)` (reports a violation: use it for
 *   security-critical fields normally written as literals) or `ctx.defer(unknown)` (the runtime reports "can't run
 *   policy during preview" as advisory, and the real `pulumi up` re-checks with known values: use it for values
 *   computed from other resources, such as ARNs). Reading an unknown without `probe` defers implicitly.
 *   Write `return ctx.defer(x)` inside arrow callbacks: TypeScript narrows after a `never` call only when the
 *   callee's receiver has an explicit type annotation.
 *   Declare the choice in `unknownValues`; the docs show it. `ctx.probeDeep` does the same for a whole object or
 *   array (an unknown nested anywhere inside makes it unknown) and returns a plain copy.
 * - Optional `checks: string[]` lists exactly what is checked, as bullets in docs/policies.md.
 *
 * A **stack rule** checks the whole stack (outputs, dependencies, parents):
 *
 * ```ts
 * export const everyTargetScaled = defineStackPolicy({
 *   name: "…", family: "…", description: "…", severity: "…", enforcementLevel: "…", remediationSteps: "…",
 *   unknownValues: { … },
 *   validateStack: (ctx) => {
 *     for (const r of ctx.resourcesOfType("aws:appautoscaling/target:Target")) {
 *       ctx.report(r, { property: "…", problem: "…", fix: "…" });   // skipped if r is exempt
 *     }
 *   },
 * });
 * ```
 *
 * - A stack rule with no matching resources simply reports nothing; it is never `notApplicable`, so "must exist"
 *   rules work.
 * - Export each policy from its family file and add it to `allPolicies` in `./index.ts` (one line). The pack, the
 *   docs generator (`npm run docs:policies`) and the tests all iterate that array.
 * - Unit tests: `test/policy/support/harness.ts` runs a policy the way the runtime does (proxied props with
 *   unknowns, `notApplicable`, `stackTags`, config with schema defaults).
 */
import type {
  EnforcementLevel,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { Unwrap } from "@pulumi/pulumi";

/** Where every policy's reference lives; each policy's `url` is this plus `#<policy-name>`. */
export const POLICY_DOCS_PATH = "docs/policies.md";

/** Prefix of the tag that exempts a resource from one policy: `ml-platform:policy-exempt:<policy-name>` = reason. */
export const EXEMPTION_TAG_PREFIX = "ml-platform:policy-exempt:";

/** The tag key that exempts a resource from `policyName`. Its value is the written reason. */
export function exemptionTagKey(policyName: string): string {
  return `${EXEMPTION_TAG_PREFIX}${policyName}`;
}

/** How a policy treats values that are unknown during `pulumi preview`. */
export interface UnknownValueBehaviour {
  /**
   * `fail-closed`: an unknown security-critical field is reported as a violation.
   * `defer`: the policy does not run on the unknown value during preview (the runtime reports it as advisory) and
   * runs on the known value during `pulumi up`.
   * `mixed`: per field, as the detail says.
   */
  readonly behaviour: "fail-closed" | "defer" | "mixed";
  /** One or two sentences: which fields, and why. Rendered in docs/policies.md. */
  readonly detail: string;
}

/** A JSON-schema property for policy config, which must carry a default. */
export type ConfigProperty = PolicyConfigJSONSchema & {
  readonly default: unknown;
  readonly description: string;
};

/** An exemption listed in policy config. */
export interface ConfigExemption {
  /** Logical resource name or full URN. */
  readonly resource: string;
  /** Why the exemption is acceptable. Required: an exemption without a reason is itself a violation. */
  readonly reason?: string;
}

/** Config every policy accepts, on top of its own properties. */
export interface CommonConfig {
  readonly exemptions: readonly ConfigExemption[];
}

/** The JSON schema of the common `exemptions` property (added to every policy's configSchema). */
export const EXEMPTIONS_SCHEMA: ConfigProperty = {
  type: "array",
  default: [],
  description:
    "Resources exempted from this policy: `{ resource: <logical name or URN>, reason: <why> }`. An entry without a " +
    "non-empty reason is not honoured and is reported as a violation.",
  items: {
    type: "object",
    properties: {
      resource: { type: "string", minLength: 1 },
      reason: { type: "string" },
    },
    required: ["resource"],
  },
};

/** What a violation says: which property, what is wrong with it, and how to fix it. */
export interface Violation {
  /** Property path on the resource, e.g. `managedPolicyArns[0]` or `productionVariants[1].instanceType`. */
  readonly property: string;
  /** What is wrong, as a clause: "attaches the AWS-managed policy AdministratorAccess". */
  readonly problem: string;
  /** How to fix it, as an imperative: "attach a least-privilege customer-managed policy instead". */
  readonly fix: string;
}

/** Metadata shared by resource and stack policies. */
export interface PolicyMetadata {
  /** Kebab-case name that says what is wrong, e.g. `iam-no-full-access`. Also the docs anchor. */
  readonly name: string;
  /** Rule family: the file it lives in (`iam`, `autoscaling`, `instance-size`, ...). */
  readonly family: string;
  /** One or two sentences: what the policy requires. */
  readonly description: string;
  readonly severity: Severity;
  /** Level when no config says otherwise: must-have rules are mandatory, hardening rules advisory. */
  readonly enforcementLevel: EnforcementLevel;
  /** What to do about a violation. */
  readonly remediationSteps: string;
  /** How the policy treats unknown values during preview. */
  readonly unknownValues: UnknownValueBehaviour;
  /** Extra tags (the family is always a tag). */
  readonly tags?: readonly string[];
  /** Optional bullet points for docs/policies.md: what exactly is checked. */
  readonly checks?: readonly string[];
}

/** Config schema properties for a config type `C`: one JSON-schema property with a default per key. */
export type ConfigSpec<C> = { readonly [K in keyof C]-?: ConfigProperty & { readonly default: C[K] } };

/** Documentation-facing view of a policy, kept on the policy object for the docs generator and tests. */
export interface PlatformPolicyInfo {
  readonly kind: "resource" | "stack";
  readonly metadata: PolicyMetadata;
  /** Resource type tokens a resource rule applies to (empty for stack rules that look at everything). */
  readonly resourceTypes: readonly string[];
  /** Resource types a stack rule reads, for the docs (optional). */
  readonly config: Readonly<Record<string, ConfigProperty>>;
}

export type PlatformResourcePolicy = ResourceValidationPolicy & { readonly platform: PlatformPolicyInfo };
export type PlatformStackPolicy = StackValidationPolicy & { readonly platform: PlatformPolicyInfo };
export type PlatformPolicy = PlatformResourcePolicy | PlatformStackPolicy;

// ------------------------------------------------------------------------------------------------------------------
// Unknown values

/** A property read that may hit a preview placeholder. */
export type Probe<T> =
  | { readonly known: true; readonly value: T; readonly property: string }
  | { readonly known: false; readonly property: string; readonly error: Error };

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
  if (Array.isArray(value)) return value.map(plainCopy);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = plainCopy((value as Record<string, unknown>)[key]);
  return out;
}

// ------------------------------------------------------------------------------------------------------------------
// Config

/** The default of every property in a config schema. */
export function configDefaults(
  properties: Readonly<Record<string, ConfigProperty>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) out[key] = structuredClone(schema.default);
  return out;
}

/**
 * The policy's config with schema defaults applied. The CLI fills in defaults before calling Configure, but
 * `getConfig()` returns only what it was given, so harnesses that skip that step (tests, the offline driver)
 * would otherwise see `undefined`. Also type-checks each value against its schema type and returns the problems.
 */
export function configWithDefaults<C>(
  given: Readonly<Record<string, unknown>> | undefined,
  properties: Readonly<Record<string, ConfigProperty>>,
): { config: C & CommonConfig; errors: string[] } {
  const errors: string[] = [];
  const config = configDefaults(properties);
  for (const [key, value] of Object.entries(given ?? {})) {
    if (key === "enforcementLevel") continue;
    const schema = properties[key];
    if (!schema) {
      errors.push(`unknown config property "${key}" (known: ${Object.keys(properties).join(", ")})`);
      continue;
    }
    if (value === undefined || value === null) continue;
    const problem = schemaTypeProblem(value, schema);
    if (problem) errors.push(`config property "${key}" ${problem}`);
    else config[key] = value;
  }
  return { config: config as C & CommonConfig, errors };
}

function schemaTypeProblem(value: unknown, schema: PolicyConfigJSONSchema): string | undefined {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((t) => matchesType(value, t))) {
    return `must be ${types.join(" or ")}, got ${JSON.stringify(value)}`;
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    return `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`;
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      return `must be ≥ ${schema.minimum}, got ${value}`;
    if (schema.maximum !== undefined && value > schema.maximum)
      return `must be ≤ ${schema.maximum}, got ${value}`;
  }
  if (
    Array.isArray(value) &&
    schema.items &&
    typeof schema.items === "object" &&
    !Array.isArray(schema.items)
  ) {
    for (let i = 0; i < value.length; i++) {
      const inner = schemaTypeProblem(value[i], schema.items);
      if (inner) return `[${i}] ${inner}`;
    }
  }
  return undefined;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}

// ------------------------------------------------------------------------------------------------------------------
// Messages

/** `aws:iam/role:Role "sagemaker-exec"` — how every message names a resource. */
export function describeResource(type: string, name: string): string {
  return `${type} "${name}"`;
}

/** The violation text: names the resource, the property, the problem and the fix. */
export function violationMessage(type: string, name: string, v: Violation): string {
  const fix = v.fix.trim().replace(/\.$/, "");
  return `${describeResource(type, name)}: ${v.property} ${v.problem.trim().replace(/\.$/, "")}. Fix: ${fix}.`;
}

// ------------------------------------------------------------------------------------------------------------------
// Exemptions

/** Whether a resource is exempt from a policy, and any malformed exemption to report. */
export interface ExemptionCheck {
  /** The written reason, when a valid exemption applies. */
  readonly exemptReason?: string;
  /** Exemptions present but without a reason: each becomes a violation. */
  readonly invalid: readonly Violation[];
}

/**
 * Resolves a resource's exemptions from one policy: a tag `ml-platform:policy-exempt:<policy>` whose value is the
 * reason, or a config `exemptions` entry naming the resource (logical name or URN) with a reason. Tags that are
 * unknown during preview do not exempt (the policy runs).
 */
export function checkExemption(
  policyName: string,
  resource: { readonly name: string; readonly urn: string; readonly props: Record<string, unknown> },
  exemptions: readonly ConfigExemption[],
): ExemptionCheck {
  const invalid: Violation[] = [];
  let exemptReason: string | undefined;
  const key = exemptionTagKey(policyName);

  const tag = probe(`tags["${key}"]`, () => {
    const tags = resource.props.tags;
    if (tags === null || typeof tags !== "object") return undefined;
    return (tags as Record<string, unknown>)[key];
  });
  if (tag.known && tag.value !== undefined) {
    const reason = typeof tag.value === "string" ? tag.value.trim() : "";
    if (reason) exemptReason = reason;
    else
      invalid.push({
        property: `tags["${key}"]`,
        problem: "exempts the resource without a written reason, so the exemption is not honoured",
        fix: `set the tag value to the reason the exemption is acceptable, or remove the tag`,
      });
  }

  exemptions.forEach((entry, index) => {
    if (!entry || (entry.resource !== resource.name && entry.resource !== resource.urn)) return;
    const reason = typeof entry.reason === "string" ? entry.reason.trim() : "";
    if (reason) exemptReason ??= reason;
    else
      invalid.push({
        property: `policy config "${policyName}".exemptions[${index}]`,
        problem: "exempts the resource without a written reason, so the exemption is not honoured",
        fix: `add a non-empty "reason" to the exemption entry, or remove it`,
      });
  });
  return { exemptReason, invalid };
}

// ------------------------------------------------------------------------------------------------------------------
// Resource rules

/** What a resource rule gets besides the typed props. */
export interface ResourceRuleContext<C> {
  readonly name: string;
  readonly urn: string;
  readonly type: string;
  /** Policy config with schema defaults applied. */
  readonly config: Readonly<C & CommonConfig>;
  readonly stackTags: ReadonlyMap<string, string>;
  /** The runtime's args, for anything else (opts.protect, provider, ...). */
  readonly args: ResourceValidationArgs;
  /** Reports a violation on this resource. */
  report(violation: Violation): void;
  /** Reads a property that may be unknown during preview. */
  probe<T>(property: string, read: () => T): Probe<T>;
  /** Like probe, but surfaces unknowns nested anywhere in the value and returns a plain copy. */
  probeDeep<T>(property: string, read: () => T): Probe<T>;
  /** Reports that an unknown security-critical field cannot be verified (fail closed). */
  failClosed(unknown: Probe<unknown> & { known: false }, why: string): void;
  /** Skips the rest of this rule during preview; the runtime reports it as advisory. */
  defer(unknown: Probe<unknown> & { known: false }): never;
}

/** One type-specific check within a resource policy. */
export interface TypedRule<C> {
  readonly type: string;
  readonly check: (props: any, ctx: ResourceRuleContext<C>) => void | Promise<void>;
}

/**
 * A check for resources of type token `type`, with props typed from the resource's Args interface (inputs, as a
 * resource policy sees them).
 */
export function onType<TArgs, C = any>(
  type: string,
  check: (props: Unwrap<TArgs>, ctx: ResourceRuleContext<C>) => void | Promise<void>,
): TypedRule<C> {
  return { type, check };
}

export interface ResourcePolicyDefinition<C> extends PolicyMetadata {
  /** Config properties (besides `exemptions`, which every policy has). Each needs a default and a description. */
  readonly config?: ConfigSpec<C>;
  /** Cross-property config checks (e.g. mutually exclusive options); return one message per problem. */
  readonly validateConfig?: (config: Readonly<C>) => string[];
  /** The checks, one or more per resource type. */
  readonly rules: readonly TypedRule<C>[];
}

function assertMetadata(meta: PolicyMetadata, config: Readonly<Record<string, ConfigProperty>>): void {
  const problems: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(meta.name)) problems.push("name must be kebab-case");
  if (meta.name === "all") problems.push(`"all" is reserved`);
  if (!meta.description?.trim()) problems.push("description is required");
  if (!meta.remediationSteps?.trim()) problems.push("remediationSteps is required");
  if (!meta.family?.trim()) problems.push("family is required");
  if (!meta.unknownValues?.detail?.trim()) problems.push("unknownValues.detail is required");
  for (const [key, prop] of Object.entries(config)) {
    if (key === "enforcementLevel") problems.push(`config may not define "enforcementLevel"`);
    if (!("default" in prop)) problems.push(`config property "${key}" needs a default`);
    if (!prop.description?.trim()) problems.push(`config property "${key}" needs a description`);
  }
  if (problems.length > 0) throw new Error(`policy "${meta.name}": ${problems.join("; ")}`);
}

function policyFields(meta: PolicyMetadata, configSpec: Readonly<Record<string, ConfigProperty>>) {
  const config: Record<string, ConfigProperty> = { ...configSpec, exemptions: EXEMPTIONS_SCHEMA };
  assertMetadata(meta, config);
  return {
    config,
    fields: {
      name: meta.name,
      description: meta.description,
      enforcementLevel: meta.enforcementLevel,
      severity: meta.severity,
      remediationSteps: meta.remediationSteps,
      url: `${POLICY_DOCS_PATH}#${meta.name}`,
      tags: ["ml-platform", meta.family, ...(meta.tags ?? [])],
      configSchema: { properties: config },
    },
  };
}

function makeUnknownHelpers(report: (v: Violation) => void) {
  return {
    probe,
    probeDeep,
    failClosed(unknown: Probe<unknown> & { known: false }, why: string): void {
      report({
        property: unknown.property,
        problem: `is unknown during preview, and this policy fails closed because ${why}`,
        fix:
          "set it to a literal value (or one computed from config) so it can be checked before deployment, " +
          "or exempt the resource with a written reason",
      });
    },
    defer(unknown: Probe<unknown> & { known: false }): never {
      throw unknown.error;
    },
  };
}

/** Defines a resource policy: metadata enforced, config defaults applied, exemptions honoured, other types N/A. */
export function defineResourcePolicy<C extends object = Record<string, never>>(
  def: ResourcePolicyDefinition<C>,
): PlatformResourcePolicy {
  const { config: properties, fields } = policyFields(
    def,
    (def.config ?? {}) as Record<string, ConfigProperty>,
  );
  const types = [...new Set(def.rules.map((r) => r.type))];
  if (types.length === 0) throw new Error(`policy "${def.name}": at least one rule is required`);

  const validateResource = async (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    const rules = def.rules.filter((r) => r.type === args.type);
    if (rules.length === 0)
      args.notApplicable(`Policy only applies to resources of type ${types.join(", ")}`);

    const report = (v: Violation) => reportViolation(violationMessage(args.type, args.name, v));
    const { config, errors } = configWithDefaults<C>(args.getConfig<Record<string, unknown>>(), properties);
    errors.push(...(def.validateConfig?.(config) ?? []));
    for (const error of errors) {
      report({
        property: `policy config "${def.name}"`,
        problem: `is invalid: ${error}`,
        fix: "correct the policy config (policy/config/<stack>.json); the policy checks with its defaults meanwhile",
      });
    }
    const effective = errors.length > 0 ? configWithDefaults<C>({}, properties).config : config;

    const exemption = checkExemption(def.name, args, effective.exemptions);
    exemption.invalid.forEach(report);
    if (exemption.exemptReason !== undefined) return;

    const ctx: ResourceRuleContext<C> = {
      name: args.name,
      urn: args.urn,
      type: args.type,
      config: effective,
      stackTags: args.stackTags,
      args,
      report,
      ...makeUnknownHelpers(report),
    };
    for (const rule of rules) await rule.check(args.props, ctx);
  };

  // A single-type policy carries its type token the way validateResourceOfType does, so the runtime skips it for
  // other types without calling it (and without a notApplicable exception per resource).
  if (types.length === 1) Object.defineProperty(validateResource, "__pulumiType", { value: types[0] });

  return Object.assign(fields, {
    validateResource,
    platform: { kind: "resource" as const, metadata: def, resourceTypes: types, config: properties },
  });
}

// ------------------------------------------------------------------------------------------------------------------
// Stack rules

export interface StackRuleContext<C> {
  readonly resources: readonly PolicyResource[];
  readonly config: Readonly<C & CommonConfig>;
  readonly stackTags: ReadonlyMap<string, string>;
  readonly args: StackValidationArgs;
  /** Resources whose type token is one of `types`. */
  resourcesOfType(...types: string[]): PolicyResource[];
  /** Reports a violation on `resource` (skipped when it is validly exempt), or on the stack when undefined. */
  report(resource: PolicyResource | undefined, violation: Violation): void;
  /** True when `resource` has a valid exemption from this policy. */
  isExempt(resource: PolicyResource): boolean;
  probe<T>(property: string, read: () => T): Probe<T>;
  probeDeep<T>(property: string, read: () => T): Probe<T>;
  /** Reports an unknown field of `resource` as a violation (fail closed). */
  failClosed(resource: PolicyResource, unknown: Probe<unknown> & { known: false }, why: string): void;
  defer(unknown: Probe<unknown> & { known: false }): never;
}

export interface StackPolicyDefinition<C> extends PolicyMetadata {
  readonly config?: ConfigSpec<C>;
  readonly validateConfig?: (config: Readonly<C>) => string[];
  /** Resource types the rule reads (docs only; the rule always runs, so "must exist" checks work). */
  readonly resourceTypes?: readonly string[];
  readonly validateStack: (ctx: StackRuleContext<C>) => void | Promise<void>;
}

/** Defines a stack policy (a plain `validateStack`, never notApplicable) with the same metadata and exemptions. */
export function defineStackPolicy<C extends object = Record<string, never>>(
  def: StackPolicyDefinition<C>,
): PlatformStackPolicy {
  const { config: properties, fields } = policyFields(
    def,
    (def.config ?? {}) as Record<string, ConfigProperty>,
  );

  const validateStack = async (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const reportOn = (resource: PolicyResource | undefined, v: Violation) =>
      resource
        ? reportViolation(violationMessage(resource.type, resource.name, v), resource.urn)
        : reportViolation(
            `stack: ${v.property} ${v.problem.replace(/\.$/, "")}. Fix: ${v.fix.replace(/\.$/, "")}.`,
          );

    const { config, errors } = configWithDefaults<C>(args.getConfig<Record<string, unknown>>(), properties);
    errors.push(...(def.validateConfig?.(config) ?? []));
    for (const error of errors) {
      reportOn(undefined, {
        property: `policy config "${def.name}"`,
        problem: `is invalid: ${error}`,
        fix: "correct the policy config (policy/config/<stack>.json); the policy checks with its defaults meanwhile",
      });
    }
    const effective = errors.length > 0 ? configWithDefaults<C>({}, properties).config : config;

    const exemptions = new Map<string, ExemptionCheck>();
    for (const resource of args.resources) {
      const check = checkExemption(def.name, resource, effective.exemptions);
      exemptions.set(resource.urn, check);
      for (const v of check.invalid) reportOn(resource, v);
    }
    const isExempt = (resource: PolicyResource) => exemptions.get(resource.urn)?.exemptReason !== undefined;
    const report = (resource: PolicyResource | undefined, v: Violation) => {
      if (resource && isExempt(resource)) return;
      reportOn(resource, v);
    };
    const helpers = makeUnknownHelpers(() => undefined);
    const ctx: StackRuleContext<C> = {
      resources: args.resources,
      config: effective,
      stackTags: args.stackTags,
      args,
      resourcesOfType: (...types) => args.resources.filter((r) => types.includes(r.type)),
      report,
      isExempt,
      probe,
      probeDeep,
      failClosed: (resource, unknown, why) =>
        report(resource, {
          property: unknown.property,
          problem: `is unknown during preview, and this policy fails closed because ${why}`,
          fix: "set it to a literal value so it can be checked before deployment, or exempt the resource with a reason",
        }),
      defer: helpers.defer,
    };
    await def.validateStack(ctx);
  };

  return Object.assign(fields, {
    validateStack,
    platform: {
      kind: "stack" as const,
      metadata: def,
      resourceTypes: [...(def.resourceTypes ?? [])],
      config: properties,
    },
  });
}

/** True for policies built with this framework (the docs generator and tests rely on `platform`). */
export function isPlatformPolicy(p: unknown): p is PlatformPolicy {
  return typeof p === "object" && p !== null && "platform" in p && "name" in p;
}
