/**
 * The capacity section shared by `npm run capacity` and the offline preview: the `endpoint-capacity` settings from
 * a stack's policy config (so the tools and the policy replay the same profiles with the same assumptions), the
 * simulation of every endpoint in the captured graph, and the shortfalls against the limits.
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import {
  CAPACITY_POLICY_NAME,
  capacityShortfalls,
  checkStackCapacity,
  CONCURRENT_REQUESTS_PER_MODEL,
  instanceCapacityFor,
  INVOCATIONS_PER_INSTANCE,
  resolveCapacityConfig,
  simulateProfile,
  type CapacityConfig,
  type CapacityLimits,
  type EndpointInputs,
  type ProfileResult,
  type TrafficProfile,
  type UnreadableEndpoint,
  type UsedAssumptions,
} from "@ml-platform/aws-facts/capacity";
import { readPolicyConfigFile, type PolicyConfig } from "../analyzer/policy-config";
import type { CapturedResource } from "../lib/resource-graph";

export interface CapacitySettings {
  readonly config: CapacityConfig;
  /** The policy's level in this stack's config ("advisory" when unset, the policy's default). */
  readonly enforcementLevel: string;
  /** The policy config file read, or null for the defaults. */
  readonly configFile: string | null;
}

/**
 * The `endpoint-capacity` settings of a policy config read by the one policy-config reader (undefined: the
 * defaults). The level is resolved as the CLI does (the policy's own, else `all`, else the policy's default,
 * advisory). Throws on invalid settings, naming the file.
 */
export function capacitySettingsOf(
  config: PolicyConfig | undefined,
  configFile: string | null,
): CapacitySettings {
  if (!config) return { config: resolveCapacityConfig({}), enforcementLevel: "advisory", configFile: null };
  const entry = config.entryFor(CAPACITY_POLICY_NAME);
  try {
    return {
      config: resolveCapacityConfig(entry.properties ?? {}),
      enforcementLevel: entry.enforcementLevel ?? "advisory",
      configFile,
    };
  } catch (error) {
    throw new Error(`${configFile}: ${(error as Error).message}`);
  }
}

/** Reads `endpoint-capacity` from a policy config file (null or missing: the defaults). Throws on invalid input. */
export function readCapacitySettings(configFile: string | null): CapacitySettings {
  if (!configFile || !existsSync(configFile)) return capacitySettingsOf(undefined, null);
  return capacitySettingsOf(readPolicyConfigFile(configFile), configFile);
}

/** Replaces the configured profiles with one (from `--profile <file>`), which is then the one checked. */
export function withProfile(settings: CapacitySettings, profile: TrafficProfile): CapacitySettings {
  return {
    ...settings,
    config: { ...settings.config, profiles: [profile], checkedProfiles: [profile.name] },
  };
}

export interface EndpointCapacityReport {
  readonly endpoint: string;
  readonly urn: string;
  readonly inputs: EndpointInputs;
  readonly assumptions: UsedAssumptions;
  readonly profiles: readonly ProfileResult[];
  /**
   * The same profiles on the other scaling metric, for comparison: an endpoint on InvocationsPerInstance target T
   * is replayed on ConcurrentRequestsPerModel with the equivalent target (T / 60 requests/s per instance × the
   * latency, by Little's law), and the reverse.
   */
  readonly alternativeMetric?: {
    readonly metric: string;
    readonly targetValue: number;
    readonly profiles: readonly Pick<
      ProfileResult,
      | "name"
      | "droppedRequests"
      | "firstScaleOutDecisionSeconds"
      | "firstScaleOutInServiceSeconds"
      | "peakInstances"
      | "instanceHours"
    >[];
  };
  /** Checked profiles over the limits: the figures and the fixes. */
  readonly shortfalls: readonly {
    readonly profile: string;
    readonly problems: string[];
    readonly fixes: string[];
  }[];
}

export type CapacitySection =
  | {
      readonly status: "ok";
      readonly configFile: string | null;
      readonly enforcementLevel: string;
      readonly limits: CapacityLimits;
      readonly checkedProfiles: readonly string[];
      readonly endpoints: readonly EndpointCapacityReport[];
      readonly skipped: readonly UnreadableEndpoint[];
      readonly simulationMs: number;
    }
  | { readonly status: "skipped"; readonly reason: string }
  | { readonly status: "error"; readonly message: string };

function alternative(
  inputs: EndpointInputs,
  config: CapacityConfig,
  region: string,
): Pick<EndpointCapacityReport, "alternativeMetric"> {
  const capacity = instanceCapacityFor(inputs.instanceType, config.assumptions);
  if (!inputs.scaling || !capacity) return {};
  const latencySeconds = capacity.latencyMs / 1000;
  const toConcurrency = inputs.scaling.metric === INVOCATIONS_PER_INSTANCE;
  const metric = toConcurrency ? CONCURRENT_REQUESTS_PER_MODEL : INVOCATIONS_PER_INSTANCE;
  const targetValue = toConcurrency
    ? (inputs.scaling.targetValue / 60) * latencySeconds
    : (inputs.scaling.targetValue / latencySeconds) * 60;
  const other = { ...inputs, scaling: { ...inputs.scaling, metric, targetValue } } as EndpointInputs;
  return {
    alternativeMetric: {
      metric,
      targetValue,
      profiles: config.profiles.map((p) => {
        const r = simulateProfile(other, capacity, config.assumptions, p, { region });
        return {
          name: r.name,
          droppedRequests: r.droppedRequests,
          firstScaleOutDecisionSeconds: r.firstScaleOutDecisionSeconds,
          firstScaleOutInServiceSeconds: r.firstScaleOutInServiceSeconds,
          peakInstances: r.peakInstances,
          instanceHours: r.instanceHours,
        };
      }),
    },
  };
}

export function simulateCapacity(
  resources: readonly CapturedResource[],
  settings: CapacitySettings,
  region: string,
): CapacitySection {
  try {
    const started = performance.now();
    const { config } = settings;
    const capacity = checkStackCapacity(resources, config.profiles, config.assumptions, { region });
    const shortfalls = capacityShortfalls(capacity, config.limits, config.checkedProfiles);
    const simulationMs = performance.now() - started;
    return {
      status: "ok",
      configFile: settings.configFile,
      enforcementLevel: settings.enforcementLevel,
      limits: config.limits,
      checkedProfiles: config.checkedProfiles,
      endpoints: capacity.endpoints.map((e) => ({
        endpoint: e.endpoint,
        urn: e.urn,
        inputs: e.inputs,
        assumptions: e.assumptions,
        profiles: e.profiles,
        ...alternative(e.inputs, config, region),
        shortfalls: shortfalls
          .filter((s) => s.endpoint === e)
          .map((s) => ({ profile: s.profile.name, problems: [...s.problems], fixes: [...s.fixes] })),
      })),
      skipped: capacity.skipped,
      simulationMs,
    };
  } catch (error) {
    return { status: "error", message: (error as Error).message };
  }
}

/** The preview's capacity section for one stack: settings from its (already read) policy config, then the simulation. */
export function capacitySection(
  resources: readonly CapturedResource[],
  policyConfig: PolicyConfig | undefined,
  policyConfigFile: string | null,
  region: string,
): CapacitySection {
  let settings: CapacitySettings;
  try {
    settings = capacitySettingsOf(policyConfig, policyConfigFile);
  } catch (error) {
    return { status: "error", message: (error as Error).message };
  }
  return simulateCapacity(resources, settings, region);
}
