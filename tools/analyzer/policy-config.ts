/**
 * The policy config, read once and validated once, as the Pulumi CLI does with `--policy-pack-config`
 * (pkg/resource/analyzer/config.go in pulumi/pulumi): parse the JSON file, merge every policy's configSchema
 * defaults, the pack's initial config and the file, then validate each policy's properties against its schema.
 *
 * This is the one reader of `policy/config/<stack>.json` (the analyzer client's Configure, the offline preview's
 * budget, the docs generator and the tests use it) and the one schema validator (Ajv, as the CLI validates with a
 * JSON-Schema library). Stacks are the files present in the config directory.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { PolicyPackSetupError } from "./errors";
import {
  isEnforcementLevel,
  type AnalyzerPolicyInfo,
  type EnforcementLevel,
  type PolicyConfigEntry,
  type ReconciledPolicyConfig,
} from "./types";

/** The directory of this repo's policy pack. */
export const DEFAULT_POLICY_PACK_DIR = path.resolve(__dirname, "..", "..", "policy");
/** Where the per-stack policy configs live: `<stack>.json`, one file per stack. */
export const DEFAULT_POLICY_CONFIG_DIR = path.join(DEFAULT_POLICY_PACK_DIR, "config");

/**
 * A parsed policy config: policy name (or `all`) → the level and properties it sets. `source` names where it came
 * from, for messages.
 */
export class PolicyConfig {
  constructor(
    readonly source: string,
    readonly entries: Readonly<Record<string, PolicyConfigEntry>>,
  ) {}

  /**
   * What this config sets for one policy, before the pack's own defaults: the policy's level, else the level of
   * `all`; the policy's properties.
   */
  entryFor(policyName: string): PolicyConfigEntry {
    const entry = this.entries[policyName];
    const level = entry?.enforcementLevel ?? this.entries["all"]?.enforcementLevel;
    return {
      ...(level ? { enforcementLevel: level } : {}),
      ...(entry?.properties ? { properties: entry.properties } : {}),
    };
  }
}

/**
 * Parses a policy config document the way `--policy-pack-config` is parsed: each key maps to an enforcement level
 * string or to an object whose optional `enforcementLevel` is split off from the properties. Empty entries are
 * dropped. Throws a `config` {@link PolicyPackSetupError} naming the key on a bad level or value.
 */
export function parsePolicyConfig(raw: unknown, source = "policy config"): PolicyConfig {
  if (raw === null || raw === undefined) return new PolicyConfig(source, {});
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new PolicyPackSetupError(`${source}: must be a JSON object keyed by policy name`, "config");
  }
  const result: Record<string, PolicyConfigEntry> = {};
  const problems: string[] = [];
  for (const [key, val] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof val === "string") {
      if (!isEnforcementLevel(val)) {
        problems.push(`parsing enforcement level for "${key}": "${val}" is not a valid enforcement level`);
        continue;
      }
      result[key] = { enforcementLevel: val };
    } else if (val !== null && typeof val === "object" && !Array.isArray(val)) {
      const { enforcementLevel, ...properties } = val as Record<string, unknown>;
      if (enforcementLevel !== undefined && !isEnforcementLevel(enforcementLevel)) {
        problems.push(
          `parsing enforcement level for "${key}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`,
        );
        continue;
      }
      if (enforcementLevel === undefined && Object.keys(properties).length === 0) continue;
      result[key] = {
        ...(enforcementLevel !== undefined ? { enforcementLevel } : {}),
        ...(Object.keys(properties).length > 0 ? { properties } : {}),
      };
    } else {
      problems.push(
        `parsing "${key}": ${JSON.stringify(val)} is not a valid value; must be a string or object`,
      );
    }
  }
  if (problems.length > 0) {
    throw new PolicyPackSetupError(
      `${source} is invalid:\n  ${problems.join("\n  ")}`,
      "config",
      "",
      null,
      problems,
    );
  }
  return new PolicyConfig(source, result);
}

/** Reads and parses a `--policy-pack-config` JSON file (see {@link parsePolicyConfig}). */
export function readPolicyConfigFile(file: string): PolicyConfig {
  const source = `policy config ${file}`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new PolicyPackSetupError(`cannot read policy config ${file}: ${(e as Error).message}`, "config");
  }
  if (text.trim() === "") return new PolicyConfig(source, {});
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PolicyPackSetupError(
      `policy config ${file} is not valid JSON: ${(e as Error).message}`,
      "config",
    );
  }
  return parsePolicyConfig(raw, source);
}

/** Every stack with a policy config in `dir` (the `<stack>.json` files), sorted. */
export function listPolicyConfigStacks(dir: string = DEFAULT_POLICY_CONFIG_DIR): string[] {
  return readdirSync(dir)
    .map((f) => /^(.+)\.json$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The policy config file of a stack: `<dir>/<stack>.json`. */
export function stackPolicyConfigPath(stack: string, dir: string = DEFAULT_POLICY_CONFIG_DIR): string {
  return path.join(dir, `${stack}.json`);
}

/** Reads `<dir>/<stack>.json` (see {@link readPolicyConfigFile}). */
export function readStackPolicyConfig(stack: string, dir: string = DEFAULT_POLICY_CONFIG_DIR): PolicyConfig {
  return readPolicyConfigFile(stackPolicyConfigPath(stack, dir));
}

/** What the config merge needs to know of a pack: its name, its policies and the config it sets itself. */
export interface PolicyPackConfigSource {
  readonly name: string;
  readonly policies: readonly Pick<AnalyzerPolicyInfo, "name" | "enforcementLevel" | "configSchema">[];
  readonly initialConfig: Readonly<Record<string, PolicyConfigEntry>>;
}

function applyConfig(
  result: Record<string, PolicyConfigEntry>,
  toApply: Readonly<Record<string, PolicyConfigEntry>>,
): void {
  const all = toApply["all"];
  if (all?.enforcementLevel) {
    for (const [k, v] of Object.entries(result)) result[k] = { ...v, enforcementLevel: all.enforcementLevel };
  }
  for (const [policy, given] of Object.entries(toApply)) {
    const current = result[policy] ?? {};
    const properties =
      given.properties && Object.keys(given.properties).length > 0
        ? { ...(current.properties ?? {}), ...given.properties }
        : current.properties;
    result[policy] = {
      ...((given.enforcementLevel ?? current.enforcementLevel)
        ? { enforcementLevel: given.enforcementLevel ?? current.enforcementLevel }
        : {}),
      ...(properties ? { properties } : {}),
    };
  }
}

let ajvInstance: Ajv | undefined;
const compiledSchemas = new Map<string, ValidateFunction>();

/** The Ajv validator of one policy's config schema, compiled once per distinct schema. */
function schemaValidator(configSchema: NonNullable<AnalyzerPolicyInfo["configSchema"]>): ValidateFunction {
  const schema = {
    type: "object",
    ...(Object.keys(configSchema.properties).length > 0 ? { properties: configSchema.properties } : {}),
    ...(configSchema.required.length > 0 ? { required: [...configSchema.required] } : {}),
  };
  const key = JSON.stringify(schema);
  let validate = compiledSchemas.get(key);
  if (!validate) {
    ajvInstance ??= new Ajv({ allErrors: true, strict: false });
    validate = ajvInstance.compile(schema);
    compiledSchemas.set(key, validate);
  }
  return validate;
}

/**
 * Merges the config the CLI would send with Configure: every policy starts from its own enforcement level and its
 * configSchema defaults, then the pack's initial config, then the given config (`all` sets every policy's level
 * first; named entries override it). The merged properties of each policy are validated against its schema, like
 * the CLI does with gojsonschema. Throws a `config` {@link PolicyPackSetupError} listing every problem.
 */
export function reconcilePolicyConfig(
  pack: PolicyPackConfigSource,
  given: PolicyConfig | Readonly<Record<string, PolicyConfigEntry>> = {},
): ReconciledPolicyConfig {
  const givenEntries = given instanceof PolicyConfig ? given.entries : given;
  const result: Record<string, PolicyConfigEntry> = {};
  for (const p of pack.policies) {
    let props: Record<string, unknown> | undefined;
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (schema && typeof schema === "object" && "default" in schema) {
        props ??= {};
        props[k] = structuredClone(schema["default"]);
      }
    }
    result[p.name] = { enforcementLevel: p.enforcementLevel, ...(props ? { properties: props } : {}) };
  }
  applyConfig(result, pack.initialConfig);
  applyConfig(result, givenEntries);

  const problems: string[] = [];
  for (const p of pack.policies) {
    if (!p.configSchema) continue;
    const validate = schemaValidator(p.configSchema);
    if (!validate(result[p.name]?.properties ?? {})) {
      for (const err of validate.errors ?? []) {
        const where = err.instancePath ? err.instancePath.slice(1).replace(/\//g, ".") : "(root)";
        problems.push(`${p.name}: ${where}: ${err.message}`);
      }
    }
  }
  const names = new Set(pack.policies.map((p) => p.name));
  for (const [k, v] of Object.entries(result)) {
    if (!v.enforcementLevel) problems.push(`${k}: no enforcement level (it names no policy of ${pack.name})`);
  }
  if (problems.length > 0) {
    throw new PolicyPackSetupError(
      `policy config for ${pack.name} is invalid:\n  ${problems.join("\n  ")}`,
      "config",
      "",
      null,
      problems,
    );
  }
  return {
    config: result,
    unknownPolicies: Object.keys(givenEntries).filter((k) => k !== "all" && !names.has(k)),
  };
}

/** A policy as a pack defines it in code (`@pulumi/policy`'s Policy): enough to reconcile config without gRPC. */
export interface PolicyDefinition {
  readonly name: string;
  readonly enforcementLevel?: EnforcementLevel;
  readonly configSchema?: {
    readonly properties: Readonly<Record<string, unknown>>;
    readonly required?: readonly string[];
  };
}

/**
 * The pack as GetAnalyzerInfo would describe it, from its policies in code: each policy's level falls back to the
 * pack's default level, as @pulumi/policy reports it. Lets in-process tools (the docs generator, tests) reconcile
 * and validate a config exactly as Configure does.
 */
export function policyPackConfigSource(
  packName: string,
  policies: readonly PolicyDefinition[],
  packEnforcementLevel: EnforcementLevel = "advisory",
): PolicyPackConfigSource {
  return {
    name: packName,
    policies: policies.map((p) => ({
      name: p.name,
      enforcementLevel: p.enforcementLevel ?? packEnforcementLevel,
      ...(p.configSchema
        ? {
            configSchema: {
              properties: p.configSchema.properties as Record<string, Record<string, unknown>>,
              required: [...(p.configSchema.required ?? [])],
            },
          }
        : {}),
    })),
    initialConfig: {},
  };
}
