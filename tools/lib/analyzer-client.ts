/**
 * A driver for the CrossGuard policy pack that behaves like the Pulumi CLI.
 *
 * The CLI starts a Node.js policy pack as `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> .` with the
 * pack's directory as cwd, reads the gRPC port the pack prints on stdout, and then talks to it over the Analyzer
 * protocol (`@pulumi/pulumi/proto/analyzer_grpc_pb`): GetAnalyzerInfo, ConfigureStack, Configure (after it has
 * validated the policy config against each policy's configSchema and filled in the schema defaults), Analyze for
 * every resource with its inputs, and AnalyzeStack with every resource's outputs at the end.
 *
 * This module does the same, so the offline preview, the pack's end-to-end tests and `npm run bench:policy` see
 * exactly what a `pulumi preview --policy-pack policy` would, load failures included.
 *
 * Facts this relies on (checked against @pulumi/pulumi 3.x and @pulumi/policy 1.21):
 * - The runner drops the engine address (`argv._.shift()`) and never connects to it; the pack logs through
 *   `console` unless `PULUMI_NODEJS_ENGINE` is set, which the CLI does not set for policy packs. So no engine
 *   server is needed: we pass a placeholder loopback address.
 * - The runner registers ts-node with type-checking whenever `main` is TypeScript, so start-up time depends on
 *   whether `policy/package.json` `main` points at compiled JS (`npm run build`).
 * - An Analyze request without `options` is answered with "A more recent version of the Pulumi CLI is required";
 *   we always send them.
 *
 * @example
 * ```ts
 * const pack = await startPolicyPack({ policyPackDir: "policy" });
 * try {
 *   await pack.configure("policy/config/prod.json");
 *   const report = await pack.analyzeCapturedStack(capturedStack);
 *   const blocking = report.violations.filter((v) => v.enforcementLevel === "mandatory");
 * } finally {
 *   await pack.close();
 * }
 * ```
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import Ajv from "ajv";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { CapturedResource, CapturedStack } from "./resource-graph";

// ------------------------------------------------------------------------------------------------
// Public types
// ------------------------------------------------------------------------------------------------

/** The four CrossGuard enforcement levels. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
/** Policy severities (CrossGuard 1.18+). */
export type PolicySeverity = "low" | "medium" | "high" | "critical";

/**
 * Pulumi's "unknown value" sentinel, as the engine marshals a value that is not known during a preview. Put it in a
 * resource's properties to simulate a preview-time unknown: the pack's `unknownCheckingProxy` throws
 * `UnknownValueError` when a policy reads it.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The directory of this repo's policy pack. */
export const DEFAULT_POLICY_PACK_DIR = path.resolve(__dirname, "..", "..", "policy");

/** Metadata of one policy, as GetAnalyzerInfo reports it. */
export interface AnalyzerPolicyInfo {
  readonly name: string;
  readonly displayName?: string;
  readonly description: string;
  /** The policy's own level (or the pack's default when the policy has none). */
  readonly enforcementLevel: EnforcementLevel;
  readonly type: "resource" | "stack" | "unknown";
  readonly severity?: PolicySeverity;
  readonly remediationSteps?: string;
  readonly url?: string;
  readonly tags: readonly string[];
  readonly framework?: { name?: string; version?: string; reference?: string; specification?: string };
  /** The policy's configSchema (`properties` and `required`), if it has one. */
  readonly configSchema?: {
    properties: Record<string, Record<string, unknown>>;
    required: readonly string[];
  };
}

/** What GetAnalyzerInfo returns: the pack's identity and its policies. */
export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly supportsConfig: boolean;
  readonly policies: readonly AnalyzerPolicyInfo[];
  /** Config the pack supplied programmatically (`new PolicyPack(name, args, initialConfig)`). */
  readonly initialConfig: Readonly<Record<string, PolicyConfigEntry>>;
}

/** One policy's effective config: its enforcement level and its properties. */
export interface PolicyConfigEntry {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/**
 * A policy config as written in a `--policy-pack-config` JSON file: keyed by policy name (or `all`), each value an
 * enforcement level or an object with an optional `enforcementLevel` plus the policy's properties.
 */
export type PolicyConfigFile = Readonly<Record<string, EnforcementLevel | Readonly<Record<string, unknown>>>>;

/** The config the driver sent with Configure, after defaults and the given config were merged. */
export interface ReconciledPolicyConfig {
  /** Exactly what was sent: policy name (and `all`, if given) → level and properties. */
  readonly config: Readonly<Record<string, PolicyConfigEntry>>;
  /** Keys of the given config that name no policy of the pack (other than `all`). The CLI passes these silently. */
  readonly unknownPolicies: readonly string[];
}

/** A policy violation (an AnalyzeDiagnostic), enriched with the policy's metadata when the pack reported it. */
export interface PolicyViolation {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  /**
   * The resource the violation is about. For Analyze, the analyzed resource unless the policy named another; for
   * AnalyzeStack, the URN the policy reported (may be empty for stack-wide findings).
   */
  readonly urn: string;
  readonly severity?: PolicySeverity;
  readonly remediationSteps?: string;
  readonly url?: string;
  /** Which call produced it. */
  readonly phase: "analyze" | "analyzeStack";
  /**
   * True when the pack could not run the policy because it read an unknown value, and reported that as an
   * advisory "can't run policy … during preview" instead of a verdict.
   */
  readonly skippedOnUnknown: boolean;
}

/** The result of one Analyze or AnalyzeStack call. */
export interface AnalyzeResult {
  readonly violations: readonly PolicyViolation[];
  /** Policies the pack reported as not applicable, with their reason. */
  readonly notApplicable: readonly { readonly policyName: string; readonly reason: string }[];
}

/** The provider a resource was registered with, as the engine sends it. */
export interface AnalyzerProvider {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Per-call extras for {@link PolicyAnalyzer.analyze}. */
export interface AnalyzeOptions {
  /** Provider info to send (e.g. `{ type: "pulumi:providers:aws", properties: { region } }`). */
  readonly provider?: AnalyzerProvider;
}

/** Stack identity and config sent with ConfigureStack and in the pack's environment, as the CLI does. */
export interface StackContext {
  readonly project: string;
  readonly stack: string;
  readonly organization?: string;
  /** true for a preview (the default), false for an update. */
  readonly dryRun?: boolean;
  /** Stack config as `namespace:key` → string value (what `PULUMI_CONFIG` carries). */
  readonly config?: Readonly<Record<string, string>>;
  /** Stack tags, visible to policies as `args.stackTags`. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options for {@link startPolicyPack}. */
export interface StartPolicyPackOptions {
  /** The pack's directory (holding PulumiPolicy.yaml and package.json). Default: this repo's `policy/`. */
  readonly policyPackDir?: string;
  /**
   * How long to wait for the pack to print its port. Default 60 s: a TypeScript pack is type-checked by ts-node
   * on start-up, which takes 10–13 s on two cores, more on a busy machine.
   */
  readonly startupTimeoutMs?: number;
  /** Placeholder passed as the runner's first argument. Default `127.0.0.1:0` (the runner ignores it). */
  readonly engineAddress?: string;
  /** Extra environment for the pack (added to this process's environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** When given, sets PULUMI_* variables like the CLI and calls ConfigureStack after start-up. */
  readonly stack?: StackContext;
  /**
   * Kill the pack when this process's end of its stdin pipe closes (i.e. when this process dies without calling
   * close(), even by SIGKILL). Implemented with a `--import` of a tiny data: module; it does not change how the
   * runner loads the pack. Default true.
   */
  readonly watchParent?: boolean;
  /** Extra node options for the pack's process, before the runner script (e.g. `--cpu-prof`, `--inspect`). */
  readonly nodeArgs?: readonly string[];
}

/** Why a pack could not be started or configured. */
export type PolicyPackSetupErrorKind = "spawn" | "exited" | "timeout" | "bad-output" | "rpc" | "config";

/**
 * The pack failed to start (it exited, printed no port in time, or printed something else), or its config is
 * invalid. `stderr` holds what the pack printed, which is where the runner puts load and type errors.
 */
export class PolicyPackSetupError extends Error {
  public override readonly name = "PolicyPackSetupError";
  constructor(
    message: string,
    public readonly kind: PolicyPackSetupErrorKind,
    public readonly stderr: string = "",
    public readonly exitCode: number | null = null,
    /** For `config` errors: one line per problem, `<policy>: <problem>`. */
    public readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A gRPC call to the pack failed (for example a policy threw an error that is not an unknown value). */
export class PolicyPackCallError extends Error {
  public override readonly name = "PolicyPackCallError";
  constructor(
    message: string,
    public readonly method: string,
    public readonly code: number | undefined,
    public readonly stderr: string,
  ) {
    super(message);
  }
}

// ------------------------------------------------------------------------------------------------
// Value conversion (engine marshalling rules, applied to plain JS values)
// ------------------------------------------------------------------------------------------------

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/**
 * Converts a property value into what the CLI sends (`MarshalOptions{KeepUnknowns, KeepSecrets}` without
 * KeepResources/KeepOutputValues): `undefined` object keys are dropped (the engine has no such value) and become
 * `null` in arrays; resource references become their ID, else their URN; output values become their value, or the
 * unknown sentinel when unknown; secrets, assets and archives keep their signature objects, which the pack decodes.
 */
export function toEngineValue(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new TypeError(`cannot send non-finite number ${value} to the policy pack`);
    return value;
  }
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toEngineValue);
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const sig = obj[SIG_KEY];
    if (sig === RESOURCE_SIG) {
      const id = obj["id"];
      return typeof id === "string" && id !== "" ? id : obj["urn"];
    }
    if (sig === OUTPUT_VALUE_SIG) {
      if (!("value" in obj) || obj["value"] === undefined) return UNKNOWN;
      const inner = toEngineValue(obj["value"]);
      return obj["secret"] ? { [SIG_KEY]: SECRET_SIG, value: inner } : inner;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v !== undefined) out[k] = toEngineValue(v);
    }
    return out;
  }
  throw new TypeError(`cannot send a ${typeof value} to the policy pack`);
}

function toStruct(props: Readonly<Record<string, unknown>>): Struct {
  return Struct.fromJavaScript(toEngineValue(props ?? {}) as Record<string, any>);
}

/**
 * Parses a Go duration string ("60m", "1h30m", "90s", "1.5h") into seconds, as the engine stores custom timeouts.
 * Returns 0 for undefined/empty; throws on anything else that is not a duration.
 */
export function durationToSeconds(duration: string | undefined): number {
  if (duration === undefined || duration === "") return 0;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(duration)) !== null) {
    total += Number(match[1]) * unit[match[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== duration.length || consumed === 0) {
    throw new TypeError(`customTimeouts: "${duration}" is not a Go duration such as "60m" or "1h30m"`);
  }
  return total;
}

function makeOptions(resource: CapturedResource): analyzerPb.AnalyzerResourceOptions {
  const o = resource.options;
  const opts = new analyzerPb.AnalyzerResourceOptions();
  opts.setProtect(!!o?.protect);
  opts.setIgnorechangesList([...(o?.ignoreChanges ?? [])]);
  if (o?.deleteBeforeReplace !== undefined) {
    opts.setDeletebeforereplace(o.deleteBeforeReplace);
    opts.setDeletebeforereplacedefined(true);
  }
  opts.setAdditionalsecretoutputsList([]);
  opts.setAliasesList([]);
  const timeouts = new analyzerPb.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(durationToSeconds(o?.customTimeouts?.create));
  timeouts.setUpdate(durationToSeconds(o?.customTimeouts?.update));
  timeouts.setDelete(durationToSeconds(o?.customTimeouts?.delete));
  opts.setCustomtimeouts(timeouts);
  if (resource.parent) opts.setParent(resource.parent);
  return opts;
}

function makeProvider(provider: AnalyzerProvider): analyzerPb.AnalyzerProviderResource {
  const p = new analyzerPb.AnalyzerProviderResource();
  p.setType(provider.type);
  p.setName(provider.name);
  p.setUrn(provider.urn);
  p.setProperties(toStruct(provider.properties));
  return p;
}

/**
 * Finds the provider resource of `resource` in `all` from its provider reference (`<provider-urn>::<id>`), as the
 * engine does for Analyze and AnalyzeStack. Returns undefined when there is no explicit provider or it is not in
 * the list.
 */
/** The resource fields an AnalyzeRequest and a stack's AnalyzerResource share. */
interface ResourceMessage {
  setType(value: string): unknown;
  setName(value: string): unknown;
  setUrn(value: string): unknown;
  setProperties(value?: Struct): unknown;
  setOptions(value?: analyzerPb.AnalyzerResourceOptions): unknown;
  setProvider(value?: analyzerPb.AnalyzerProviderResource): unknown;
}

/**
 * Fills the fields both messages carry: `properties` are the inputs for Analyze and the outputs for AnalyzeStack.
 * Options are always set: without them the pack answers "A more recent version of the Pulumi CLI is required".
 */
function setResourceFields<M extends ResourceMessage>(
  message: M,
  resource: CapturedResource,
  properties: Readonly<Record<string, unknown>>,
  provider: AnalyzerProvider | undefined,
): M {
  message.setType(resource.type);
  message.setName(resource.name);
  message.setUrn(resource.urn);
  message.setProperties(toStruct(properties));
  message.setOptions(makeOptions(resource));
  if (provider) message.setProvider(makeProvider(provider));
  return message;
}

export function findProvider(
  resource: CapturedResource,
  all: readonly CapturedResource[],
): AnalyzerProvider | undefined {
  const ref = resource.options?.provider;
  if (!ref) return undefined;
  const sep = ref.lastIndexOf("::");
  const urn = sep > 0 && ref.slice(0, sep).startsWith("urn:") ? ref.slice(0, sep) : ref;
  const prov = all.find((r) => r.urn === urn);
  if (!prov) return undefined;
  return { type: prov.type, name: prov.name, urn: prov.urn, properties: prov.inputs };
}

// ------------------------------------------------------------------------------------------------
// Enums
// ------------------------------------------------------------------------------------------------

const LEVEL_FROM_PROTO: Record<number, EnforcementLevel> = {
  [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerPb.EnforcementLevel.DISABLED]: "disabled",
  [analyzerPb.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_TO_PROTO: Record<EnforcementLevel, analyzerPb.EnforcementLevel> = {
  advisory: analyzerPb.EnforcementLevel.ADVISORY,
  mandatory: analyzerPb.EnforcementLevel.MANDATORY,
  disabled: analyzerPb.EnforcementLevel.DISABLED,
  remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};
const SEVERITY_FROM_PROTO: Record<number, PolicySeverity | undefined> = {
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: undefined,
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** True for the four valid enforcement level names. */
export function isEnforcementLevel(v: unknown): v is EnforcementLevel {
  return v === "advisory" || v === "mandatory" || v === "remediate" || v === "disabled";
}

// ------------------------------------------------------------------------------------------------
// Config handling, as the CLI does it (pkg/resource/analyzer/config.go)
// ------------------------------------------------------------------------------------------------

/**
 * Parses a policy config document the way `--policy-pack-config` is parsed: each key maps to an enforcement level
 * string or to an object whose optional `enforcementLevel` is split off from the properties. Empty entries are
 * dropped. Throws a `config` {@link PolicyPackSetupError} naming the key on a bad level or value.
 */
export function parsePolicyConfig(raw: unknown, source = "policy config"): Record<string, PolicyConfigEntry> {
  if (raw === null || raw === undefined) return {};
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
  return result;
}

/** Reads and parses a `--policy-pack-config` JSON file (see {@link parsePolicyConfig}). */
export function loadPolicyConfigFile(file: string): Record<string, PolicyConfigEntry> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new PolicyPackSetupError(`cannot read policy config ${file}: ${(e as Error).message}`, "config");
  }
  if (text.trim() === "") return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PolicyPackSetupError(
      `policy config ${file} is not valid JSON: ${(e as Error).message}`,
      "config",
    );
  }
  return parsePolicyConfig(raw, `policy config ${file}`);
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

/**
 * Merges the config the CLI would send with Configure: every policy starts from its own enforcement level and its
 * configSchema defaults, then the pack's initial config, then the given config (`all` sets every policy's level
 * first; named entries override it). The merged properties of each policy are validated against its schema, like
 * the CLI does with gojsonschema. Throws a `config` {@link PolicyPackSetupError} listing every problem.
 */
export function reconcilePolicyConfig(
  info: AnalyzerInfo,
  given: Readonly<Record<string, PolicyConfigEntry>> = {},
): ReconciledPolicyConfig {
  const result: Record<string, PolicyConfigEntry> = {};
  for (const p of info.policies) {
    let props: Record<string, unknown> | undefined;
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (schema && typeof schema === "object" && "default" in schema) {
        props ??= {};
        props[k] = structuredClone(schema["default"]);
      }
    }
    result[p.name] = { enforcementLevel: p.enforcementLevel, ...(props ? { properties: props } : {}) };
  }
  applyConfig(result, info.initialConfig);
  applyConfig(result, given);

  const problems: string[] = [];
  ajvInstance ??= new Ajv({ allErrors: true, strict: false });
  for (const p of info.policies) {
    if (!p.configSchema) continue;
    const schema = {
      type: "object",
      ...(Object.keys(p.configSchema.properties).length > 0 ? { properties: p.configSchema.properties } : {}),
      ...(p.configSchema.required.length > 0 ? { required: [...p.configSchema.required] } : {}),
    };
    const validate = ajvInstance.compile(schema);
    if (!validate(result[p.name]?.properties ?? {})) {
      for (const err of validate.errors ?? []) {
        const where = err.instancePath ? err.instancePath.slice(1).replace(/\//g, ".") : "(root)";
        problems.push(`${p.name}: ${where}: ${err.message}`);
      }
    }
  }
  const names = new Set(info.policies.map((p) => p.name));
  for (const [k, v] of Object.entries(result)) {
    if (!v.enforcementLevel) problems.push(`${k}: no enforcement level (it names no policy of ${info.name})`);
  }
  if (problems.length > 0) {
    throw new PolicyPackSetupError(
      `policy config for ${info.name} is invalid:\n  ${problems.join("\n  ")}`,
      "config",
      "",
      null,
      problems,
    );
  }
  return {
    config: result,
    unknownPolicies: Object.keys(given).filter((k) => k !== "all" && !names.has(k)),
  };
}

// ------------------------------------------------------------------------------------------------
// Process management
// ------------------------------------------------------------------------------------------------

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A last line of defence for callers that forget close(): kill any pack still running when we exit.
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

// Loaded with `--import` before the runner: exits when the parent's end of stdin closes. The stream is unref'd so
// it never keeps an otherwise finished pack alive.
const PARENT_WATCHDOG =
  "data:text/javascript," +
  encodeURIComponent(
    "const s=process.stdin;s.on('end',()=>process.exit(129));s.on('error',()=>process.exit(129));s.resume();s.unref&&s.unref();",
  );

/** The runner script the CLI uses, resolved from the pack's directory like the CLI's `pulumi-analyzer-policy`. */
export function resolvePolicyRunner(policyPackDir: string): string {
  if (!existsSync(path.join(policyPackDir, "package.json"))) {
    throw new PolicyPackSetupError(
      `policy pack not found at ${policyPackDir}: it has no package.json`,
      "spawn",
    );
  }
  try {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [policyPackDir] });
  } catch {
    throw new PolicyPackSetupError(
      `it looks like the policy pack's dependencies are not installed; try running npm install in ${policyPackDir}`,
      "spawn",
    );
  }
}

const MAX_MESSAGE = 400 * 1024 * 1024;

/**
 * Starts the policy pack in `policyPackDir` as the Pulumi CLI does and connects to it. The returned
 * {@link PolicyAnalyzer} owns the child process: call `close()` when done (a `finally` block).
 *
 * @throws PolicyPackSetupError when the pack exits, prints no port within the timeout, or prints something else.
 */
export async function startPolicyPack(options: StartPolicyPackOptions = {}): Promise<PolicyAnalyzer> {
  const dir = path.resolve(options.policyPackDir ?? DEFAULT_POLICY_PACK_DIR);
  const runner = resolvePolicyRunner(dir);
  const timeoutMs = options.startupTimeoutMs ?? 60_000;
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // ts-node settings from a test harness (mocha's transpile-only register) must not leak into the pack: the CLI
  // starts it from a clean shell.
  delete env.TS_NODE_TRANSPILE_ONLY;
  delete env.TS_NODE_PROJECT;
  delete env.NODE_OPTIONS;
  const s = options.stack;
  if (s) {
    const set = (k: string, v: string | undefined): void => {
      if (v) env[k] = v;
    };
    const dry = String(s.dryRun ?? true);
    set("PULUMI_CONFIG", s.config && Object.keys(s.config).length > 0 ? JSON.stringify(s.config) : undefined);
    set("PULUMI_NODEJS_ORGANIZATION", s.organization);
    set("PULUMI_NODEJS_PROJECT", s.project);
    set("PULUMI_NODEJS_STACK", s.stack);
    set("PULUMI_NODEJS_DRY_RUN", dry);
    set("PULUMI_ORGANIZATION", s.organization);
    set("PULUMI_PROJECT", s.project);
    set("PULUMI_STACK", s.stack);
    set("PULUMI_DRY_RUN", dry);
  }

  const nodeArgs = [
    ...(options.watchParent === false ? [] : ["--import", PARENT_WATCHDOG]),
    ...(options.nodeArgs ?? []),
  ];
  const started = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...nodeArgs, runner, options.engineAddress ?? "127.0.0.1:0", "."], {
      cwd: dir,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (e) {
    throw new PolicyPackSetupError(
      `cannot start the policy pack in ${dir}: ${(e as Error).message}`,
      "spawn",
    );
  }
  installExitHook();
  live.add(child);
  child.once("exit", () => live.delete(child));

  const output = { stdout: "", stderr: "" };
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    output.stderr += d;
  });
  child.stdout!.setEncoding("utf8");

  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    let settled = false;
    const fail = (err: PolicyPackSetupError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(
          new PolicyPackSetupError(
            `the policy pack in ${dir} printed no port within ${timeoutMs} ms` + stderrSuffix(output.stderr),
            "timeout",
            output.stderr,
          ),
        ),
      timeoutMs,
    );
    child.stdout!.on("data", (d: string) => {
      output.stdout += d;
      if (settled) return;
      buffered += d;
      const nl = buffered.indexOf("\n");
      if (nl < 0) return;
      const line = buffered.slice(0, nl).trim();
      // The CLI reads the first line of stdout as the port; anything else is a failed start.
      if (/^\d{1,5}$/.test(line) && Number(line) > 0 && Number(line) < 65536) {
        settled = true;
        clearTimeout(timer);
        resolve(Number(line));
      } else {
        fail(
          new PolicyPackSetupError(
            `the policy pack in ${dir} printed ${JSON.stringify(line.slice(0, 200))} instead of its port` +
              stderrSuffix(output.stderr),
            "bad-output",
            output.stderr,
          ),
        );
      }
    });
    child.once("error", (e) =>
      fail(
        new PolicyPackSetupError(
          `cannot start the policy pack in ${dir}: ${e.message}`,
          "spawn",
          output.stderr,
        ),
      ),
    );
    child.once("exit", (code, signal) => {
      // Let the last stderr chunk arrive before reporting.
      setImmediate(() =>
        fail(
          new PolicyPackSetupError(
            `the policy pack in ${dir} exited (${signal ?? `code ${code}`}) before printing its port` +
              stderrSuffix(output.stderr),
            "exited",
            output.stderr,
            code,
          ),
        ),
      );
    });
  });

  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_MESSAGE,
    "grpc.max_send_message_length": MAX_MESSAGE,
  });
  const analyzer = new PolicyAnalyzer(child, client, port, dir, performance.now() - started, output);
  try {
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())),
    );
    if (s) await analyzer.configureStack(s);
  } catch (e) {
    await analyzer.close();
    if (e instanceof PolicyPackSetupError || e instanceof PolicyPackCallError) throw e;
    throw new PolicyPackSetupError(
      `cannot connect to the policy pack on port ${port}: ${(e as Error).message}`,
      "rpc",
      output.stderr,
    );
  }
  return analyzer;
}

function stderrSuffix(stderr: string): string {
  // eslint-disable-next-line no-control-regex
  const trimmed = stderr.replace(/\u001b\[[0-9;]*m/g, "").trim();
  return trimmed ? `:\n${trimmed}` : " (nothing on stderr)";
}

// ------------------------------------------------------------------------------------------------
// The client
// ------------------------------------------------------------------------------------------------

/** Everything {@link PolicyAnalyzer.analyzeCapturedStack} found. */
export interface StackAnalysis {
  /** Violations from Analyze (per resource, inputs) followed by those from AnalyzeStack (outputs). */
  readonly violations: readonly PolicyViolation[];
  /** Number of Analyze calls made. */
  readonly analyzedResources: number;
}

/**
 * A running policy pack. Obtain one with {@link startPolicyPack}; always {@link PolicyAnalyzer.close} it.
 * Methods may be called concurrently (gRPC multiplexes them), except that Configure should complete before
 * analysis starts, as with the CLI.
 */
export class PolicyAnalyzer {
  private info: AnalyzerInfo | undefined;
  private closed: Promise<void> | undefined;

  /** @internal Use {@link startPolicyPack}. */
  constructor(
    private readonly child: ChildProcess,
    private readonly client: analyzerGrpc.AnalyzerClient,
    /** The port the pack printed. */
    public readonly port: number,
    /** The pack's directory. */
    public readonly policyPackDir: string,
    /** Milliseconds from spawning the runner to reading its port. */
    public readonly startupMs: number,
    private readonly output: { stdout: string; stderr: string },
  ) {}

  /** Everything the pack has written to stderr so far (load errors, policy warnings). */
  get stderr(): string {
    return this.output.stderr;
  }

  /** Everything the pack has written to stdout so far, the port line included. */
  get stdout(): string {
    return this.output.stdout;
  }

  /** The pack's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private call<Req, Res>(method: string, request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const fn = (this.client as any)[method] as (
        req: Req,
        cb: (err: grpc.ServiceError | null, res: Res) => void,
      ) => void;
      fn.call(this.client, request, (err, res) => {
        if (err) {
          reject(
            new PolicyPackCallError(
              `policy pack ${method} failed: ${err.details || err.message}`,
              method,
              err.code,
              this.output.stderr,
            ),
          );
        } else {
          resolve(res);
        }
      });
    });
  }

  /** GetAnalyzerInfo: the pack's name, version and policies with their metadata and configSchema. Cached. */
  async getAnalyzerInfo(): Promise<AnalyzerInfo> {
    if (this.info) return this.info;
    const res = await this.call<Empty, analyzerPb.AnalyzerInfo>("getAnalyzerInfo", new Empty());
    const policies: AnalyzerPolicyInfo[] = res.getPoliciesList().map((p) => {
      const schema = p.getConfigschema();
      const fw = p.getFramework();
      const type = p.getPolicyType();
      return {
        name: p.getName(),
        ...(p.getDisplayname() ? { displayName: p.getDisplayname() } : {}),
        description: p.getDescription(),
        enforcementLevel: LEVEL_FROM_PROTO[p.getEnforcementlevel()],
        type:
          type === analyzerPb.PolicyType.POLICY_TYPE_RESOURCE
            ? "resource"
            : type === analyzerPb.PolicyType.POLICY_TYPE_STACK
              ? "stack"
              : "unknown",
        ...(SEVERITY_FROM_PROTO[p.getSeverity()] ? { severity: SEVERITY_FROM_PROTO[p.getSeverity()] } : {}),
        ...(p.getRemediationSteps() ? { remediationSteps: p.getRemediationSteps() } : {}),
        ...(p.getUrl() ? { url: p.getUrl() } : {}),
        tags: p.getTagsList(),
        ...(fw
          ? {
              framework: {
                name: fw.getName() || undefined,
                version: fw.getVersion() || undefined,
                reference: fw.getReference() || undefined,
                specification: fw.getSpecification() || undefined,
              },
            }
          : {}),
        ...(schema
          ? {
              configSchema: {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                  string,
                  Record<string, unknown>
                >,
                required: schema.getRequiredList(),
              },
            }
          : {}),
      };
    });
    const initialConfig: Record<string, PolicyConfigEntry> = {};
    res.getInitialconfigMap().forEach((v, k) => {
      const props = v.getProperties()?.toJavaScript();
      initialConfig[k] = {
        enforcementLevel: LEVEL_FROM_PROTO[v.getEnforcementlevel()],
        ...(props && Object.keys(props).length > 0 ? { properties: props } : {}),
      };
    });
    this.info = {
      name: res.getName(),
      version: res.getVersion(),
      ...(res.getDisplayname() ? { displayName: res.getDisplayname() } : {}),
      ...(res.getDescription() ? { description: res.getDescription() } : {}),
      supportsConfig: res.getSupportsconfig(),
      policies,
      initialConfig,
    };
    return this.info;
  }

  /** ConfigureStack: stack identity, config and tags (`args.stackTags`). Called by start-up when `stack` is given. */
  async configureStack(stack: StackContext): Promise<void> {
    const req = new analyzerPb.AnalyzerStackConfigureRequest();
    req.setProject(stack.project);
    req.setStack(stack.stack);
    req.setOrganization(stack.organization ?? "");
    req.setDryRun(stack.dryRun ?? true);
    for (const [k, v] of Object.entries(stack.config ?? {})) req.getConfigMap().set(k, v);
    for (const [k, v] of Object.entries(stack.tags ?? {})) req.getTagsMap().set(k, v);
    await this.call("configureStack", req);
  }

  /**
   * Configure, as the CLI does: merges the policies' schema defaults, the pack's initial config and `config` (a
   * path to a `--policy-pack-config` JSON file, or the parsed object), validates the result against each
   * configSchema, and sends every policy's level and properties. With no argument, sends the defaults alone, which
   * is what the CLI sends without `--policy-pack-config`. Like the CLI, skips the call when there is nothing to send.
   *
   * @returns what was sent, and the config keys that name no policy.
   * @throws PolicyPackSetupError (`config`) when the file is unreadable or the config invalid.
   */
  async configure(config?: string | PolicyConfigFile): Promise<ReconciledPolicyConfig> {
    const given =
      config === undefined
        ? {}
        : typeof config === "string"
          ? loadPolicyConfigFile(config)
          : parsePolicyConfig(config);
    const info = await this.getAnalyzerInfo();
    const reconciled = reconcilePolicyConfig(info, given);
    // The CLI skips Configure when there is nothing to send.
    if (Object.keys(reconciled.config).length === 0) return reconciled;
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, entry] of Object.entries(reconciled.config)) {
      const pc = new analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL_TO_PROTO[entry.enforcementLevel!]);
      pc.setProperties(Struct.fromJavaScript((entry.properties ?? {}) as Record<string, any>));
      map.set(name, pc);
    }
    await this.call("configure", req);
    return reconciled;
  }

  private convertDiagnostics(
    list: analyzerPb.AnalyzeDiagnostic[],
    phase: PolicyViolation["phase"],
    defaultUrn: string,
  ): PolicyViolation[] {
    const byName = new Map((this.info?.policies ?? []).map((p) => [p.name, p]));
    return list.map((d) => {
      const meta = byName.get(d.getPolicyname());
      const severity = SEVERITY_FROM_PROTO[d.getSeverity()] ?? meta?.severity;
      const message = d.getMessage();
      return {
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        description: d.getDescription(),
        message,
        enforcementLevel: LEVEL_FROM_PROTO[d.getEnforcementlevel()],
        urn: d.getUrn() || defaultUrn,
        ...(severity ? { severity } : {}),
        ...(meta?.remediationSteps ? { remediationSteps: meta.remediationSteps } : {}),
        ...(meta?.url ? { url: meta.url } : {}),
        phase,
        skippedOnUnknown: /^can't run policy '.*' from policy pack '.*' during preview: /.test(message),
      };
    });
  }

  private static notApplicable(list: analyzerPb.PolicyNotApplicable[]): AnalyzeResult["notApplicable"] {
    return list.map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() }));
  }

  /**
   * Analyze one resource with its inputs, as the engine does before creating or updating it.
   * Diagnostics without a URN are attributed to the analyzed resource.
   */
  async analyze(resource: CapturedResource, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
    const req = setResourceFields(
      new analyzerPb.AnalyzeRequest(),
      resource,
      resource.inputs,
      options.provider,
    );
    await this.getAnalyzerInfo();
    const res = await this.call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>("analyze", req);
    return {
      violations: this.convertDiagnostics(res.getDiagnosticsList(), "analyze", resource.urn),
      notApplicable: PolicyAnalyzer.notApplicable(res.getNotApplicableList()),
    };
  }

  /**
   * AnalyzeStack with every resource's outputs, parents, dependencies and property dependencies, as the engine
   * does at the end of a preview or update. Providers are resolved from the list.
   */
  async analyzeStack(resources: readonly CapturedResource[]): Promise<AnalyzeResult> {
    const req = new analyzerPb.AnalyzeStackRequest();
    for (const r of resources) {
      const ar = setResourceFields(
        new analyzerPb.AnalyzerResource(),
        r,
        r.outputs,
        findProvider(r, resources),
      );
      if (r.parent) ar.setParent(r.parent);
      ar.setDependenciesList([...r.dependencies]);
      const deps = ar.getPropertydependenciesMap();
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        if (urns.length === 0) continue;
        const pd = new analyzerPb.AnalyzerPropertyDependencies();
        pd.setUrnsList([...urns]);
        deps.set(k, pd);
      }
      req.addResources(ar);
    }
    await this.getAnalyzerInfo();
    const res = await this.call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(
      "analyzeStack",
      req,
    );
    return {
      violations: this.convertDiagnostics(res.getDiagnosticsList(), "analyzeStack", ""),
      notApplicable: PolicyAnalyzer.notApplicable(res.getNotApplicableList()),
    };
  }

  /**
   * Analyzes a whole captured stack like a preview: Analyze for every resource (in registration order, with its
   * provider resolved from the stack), then AnalyzeStack. Configure first.
   *
   * @param concurrency how many Analyze calls to keep in flight (default 16); results keep registration order.
   */
  async analyzeCapturedStack(
    stack: CapturedStack | readonly CapturedResource[],
    concurrency = 16,
  ): Promise<StackAnalysis> {
    const resources = "resources" in stack ? stack.resources : stack;
    const perResource = await this.analyzeMany(resources, concurrency);
    const stackResult = await this.analyzeStack(resources);
    return {
      violations: [...perResource.flatMap((r) => r.violations), ...stackResult.violations],
      analyzedResources: resources.length,
    };
  }

  /** Analyze for many resources with up to `concurrency` calls in flight; results in input order. */
  async analyzeMany(resources: readonly CapturedResource[], concurrency = 16): Promise<AnalyzeResult[]> {
    const results: AnalyzeResult[] = new Array(resources.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < resources.length) {
        const i = next++;
        const provider = findProvider(resources[i], resources);
        results[i] = await this.analyze(resources[i], provider ? { provider } : {});
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, resources.length)) }, worker));
    return results;
  }

  /**
   * Closes the connection and stops the pack: SIGTERM, then SIGKILL after `graceMs`. Idempotent; resolves once
   * the process has exited.
   */
  close(graceMs = 2_000): Promise<void> {
    this.closed ??= (async () => {
      this.client.close();
      const child = this.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill("SIGTERM");
      });
      child.stdin?.destroy();
    })();
    return this.closed;
  }
}
