/**
 * Policy config: every property is a JSON-schema property with a default and a description. The config a policy
 * receives is validated with Ajv against the same schema the pack publishes in GetAnalyzerInfo (and the CLI
 * checks before Configure), so one validator decides what is valid everywhere.
 */
import type Ajv from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { invalidConfigFinding, type PolicyFinding } from "./messages";

/** A JSON-schema property for policy config, which must carry a default. */
export type ConfigProperty = PolicyConfigJSONSchema & {
  readonly default: unknown;
  readonly description: string;
};

/** Config schema properties for a config type `C`: one JSON-schema property with a default per key. */
export type ConfigSpec<C> = { readonly [K in keyof C]-?: ConfigProperty & { readonly default: C[K] } };

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

/** The default of every property in a config schema (fresh copies, so policies cannot mutate each other's). */
export function configDefaults(
  properties: Readonly<Record<string, ConfigProperty>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) out[key] = structuredClone(schema.default);
  return out;
}

let ajv: Ajv | undefined;
const validators = new WeakMap<object, ValidateFunction>();

/** Compiled once per policy, on first use, so loading the pack compiles nothing. */
function validatorFor(properties: Readonly<Record<string, ConfigProperty>>): ValidateFunction {
  let validate = validators.get(properties);
  if (!validate) {
    // Loaded on first use, not at pack start-up (the CLI waits for the pack's port).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AjvClass = (require("ajv") as { default: typeof Ajv }).default;
    ajv ??= new AjvClass({ allErrors: true, strict: false, verbose: true });
    validate = ajv.compile({ type: "object", properties, additionalProperties: false });
    validators.set(properties, validate);
  }
  return validate;
}

/** `/forbidden/0/name` → `forbidden[0].name`. */
function propertyPath(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

function describeError(error: ErrorObject, known: readonly string[]): string {
  if (error.keyword === "additionalProperties" && error.instancePath === "") {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    return `unknown config property "${key}" (known: ${known.join(", ")})`;
  }
  const rule =
    error.keyword === "enum"
      ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues
          .map((v) => JSON.stringify(v))
          .join(", ")}`
      : (error.message ?? `fails "${error.keyword}"`);
  return `config property "${propertyPath(error.instancePath)}" ${rule}, got ${JSON.stringify(error.data)}`;
}

/**
 * The policy's config with schema defaults applied. The CLI fills in defaults before calling Configure, but
 * `getConfig()` returns only what it was given, so harnesses that skip that step (tests, the offline driver)
 * would otherwise see `undefined`. Also validates the given values against the schema and returns the problems,
 * one per broken rule, naming the property.
 */
export function configWithDefaults<C>(
  given: Readonly<Record<string, unknown>> | undefined,
  properties: Readonly<Record<string, ConfigProperty>>,
): { config: C & CommonConfig; errors: string[] } {
  const config = configDefaults(properties);
  const supplied: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given ?? {})) {
    // The runtime strips the level before the policy sees its config; a null means "use the default".
    if (key === "enforcementLevel" || value === undefined || value === null) continue;
    supplied[key] = value;
  }
  const validate = validatorFor(properties);
  if (validate(supplied)) return { config: { ...config, ...supplied } as C & CommonConfig, errors: [] };
  const known = Object.keys(properties);
  const errors = [...new Set((validate.errors ?? []).map((e) => describeError(e, known)))];
  return { config: config as C & CommonConfig, errors };
}

/**
 * The config a policy runs with, and the findings about it: schema problems and the policy's own cross-property
 * checks. A policy with any config problem checks with its defaults, so a typo never disables it.
 */
export function resolvePolicyConfig<C>(
  policyName: string,
  given: Readonly<Record<string, unknown>> | undefined,
  properties: Readonly<Record<string, ConfigProperty>>,
  validateConfig?: (config: Readonly<C>) => string[],
): { config: C & CommonConfig; findings: PolicyFinding[] } {
  const { config, errors } = configWithDefaults<C>(given, properties);
  if (errors.length === 0) errors.push(...(validateConfig?.(config) ?? []));
  if (errors.length === 0) return { config, findings: [] };
  return {
    config: configWithDefaults<C>({}, properties).config,
    findings: errors.map((error) => invalidConfigFinding(policyName, error)),
  };
}
