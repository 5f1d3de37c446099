/**
 * Capacity: the `endpoint-capacity` stack policy. Checking that a scaling policy exists says nothing about
 * whether it absorbs the load; this replays the stack's declared traffic profiles against its real scaling and
 * concurrency settings (read from the resources, so any program is checked) with the simulator in
 * @ml-platform/aws-facts/capacity, and reports a profile whose drops or throttles exceed the limits.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import {
  CAPACITY_POLICY_NAME,
  capacityShortfalls,
  checkStackCapacity,
  DEFAULT_CAPACITY_LIMITS,
  DEFAULT_PROFILES,
  resolveCapacityConfig,
  type CapacityConfig,
  type CapacityShortfall,
} from "@ml-platform/aws-facts/capacity";
import type { CostGraphResource } from "@ml-platform/aws-facts/pricing/graph";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { defineStackPolicy, type ConfigSpec, type PlatformPolicy } from "../framework";

export interface EndpointCapacityConfig {
  profiles: unknown[];
  checkedProfiles: string[];
  maxDroppedPercent: number;
  maxThrottledPercent: number;
  assumptions: Record<string, unknown>;
}

const PROFILE_SCHEMA: PolicyConfigJSONSchema = {
  type: "object",
  required: ["name", "durationMinutes", "baselineRps"],
  properties: {
    name: { type: "string", minLength: 1 },
    durationMinutes: { type: "number", exclusiveMinimum: 0 },
    baselineRps: { type: "number", minimum: 0 },
    steps: {
      type: "array",
      items: {
        type: "object",
        required: ["atMinute", "rps"],
        properties: {
          atMinute: { type: "number", minimum: 0 },
          rps: { type: "number", minimum: 0 },
          rampMinutes: { type: "number", minimum: 0 },
        },
      },
    },
  },
};

const config: ConfigSpec<EndpointCapacityConfig> = {
  profiles: {
    type: "array",
    items: PROFILE_SCHEMA,
    default: DEFAULT_PROFILES.map((p) => structuredClone(p)),
    description:
      "Traffic profiles to replay: `{ name, durationMinutes, baselineRps, steps: [{ atMinute, rps, rampMinutes }] }` " +
      "(requests per second; a step holds until the next one). Defaults: steady, 5x spike and daily peak.",
  },
  checkedProfiles: {
    type: "array",
    items: { type: "string", minLength: 1 },
    default: [],
    description: "Names of the profiles whose limits are enforced; empty: every profile.",
  },
  maxDroppedPercent: {
    type: "number",
    minimum: 0,
    maximum: 100,
    default: DEFAULT_CAPACITY_LIMITS.maxDroppedPercent,
    description: "Largest acceptable share of a profile's requests dropped at the endpoint, percent.",
  },
  maxThrottledPercent: {
    type: "number",
    minimum: 0,
    maximum: 100,
    default: DEFAULT_CAPACITY_LIMITS.maxThrottledPercent,
    description: "Largest acceptable share of a profile's requests throttled at the function, percent.",
  },
  assumptions: {
    type: "object",
    default: {},
    description:
      'Overrides of the simulator\'s assumptions: per instance type `instanceTypes["ml.c5.xlarge"]` = ' +
      "{ maxRequestsPerSecondPerInstance, latencyMs, instanceStartupSeconds } from a load test, and " +
      "functionOverheadMs, endpointQueueSeconds, metricDelaySeconds, alarmDatapoints, … (see docs/capacity.md).",
  },
};

const minutes = (s: number | null) =>
  s === null ? "never" : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;

function describe(shortfall: CapacityShortfall): string {
  const p = shortfall.profile;
  const timing =
    p.firstBreachSeconds === null
      ? "the metric never exceeded the target"
      : `the metric exceeded the target at ${minutes(p.firstBreachSeconds)}, the first scale-out was decided at ` +
        `${minutes(p.firstScaleOutDecisionSeconds)} and served from ${minutes(p.firstScaleOutInServiceSeconds)}`;
  return `cannot absorb profile "${p.name}": it ${shortfall.problems.join(" and ")}; ${timing} (mm:ss), peak ${p.peakInstances} instance(s)`;
}

export const endpointCapacity = defineStackPolicy<EndpointCapacityConfig>({
  name: CAPACITY_POLICY_NAME,
  family: "capacity",
  description:
    "Each SageMaker endpoint, with its autoscaling and the Lambda function in front of it, must absorb the stack's " +
    "declared traffic profiles: a simulated replay may drop or throttle no more than the configured share of requests.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Raise maxCapacity or minCapacity, lower the scaling target, shorten the scale-out cooldown, scale on the " +
    "high-resolution concurrency metric, or raise the function's reserved concurrency; the violation names the " +
    "fixes that apply. If the simulator's per-instance figures are wrong for your model, replace them with a load " +
    "test's in the policy config (assumptions.instanceTypes); see docs/capacity.md.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "An endpoint whose instance type, instance counts, scaling target, metric or cooldowns are unknown during " +
      "preview cannot be simulated and is reported; names and ARNs may be unknown (resources are linked by " +
      "dependencies).",
  },
  checks: [
    "Reads each endpoint's variant (instance type, initial count), its scalable target (min, max) and target-tracking policy (target, metric, cooldowns), and the function that calls it (reserved and provisioned concurrency, timeout).",
    "Replays every profile at 10-second steps with CloudWatch's aggregation and the managed alarms' datapoints.",
    "Reports a profile in `checkedProfiles` (all when empty) whose dropped or throttled share exceeds the limits.",
    "Reports an endpoint that cannot be simulated (unknown inputs, an unmodelled metric, no figures for its instance type).",
  ],
  tags: ["capacity"],
  config,
  validateConfig: (c) => {
    try {
      resolveCapacityConfig(c);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  },
  resourceTypes: [
    AWS_TYPES.sagemakerEndpoint,
    AWS_TYPES.sagemakerEndpointConfiguration,
    AWS_TYPES.appautoscalingTarget,
    AWS_TYPES.appautoscalingPolicy,
    AWS_TYPES.lambdaFunction,
    AWS_TYPES.lambdaProvisionedConcurrencyConfig,
  ],
  validateStack: (ctx) => {
    let resolved: CapacityConfig;
    try {
      resolved = resolveCapacityConfig(ctx.config);
    } catch {
      resolved = resolveCapacityConfig({}); // reported by validateConfig; check with the defaults meanwhile
    }
    const resources = ctx.resources as unknown as readonly CostGraphResource[];
    const capacity = checkStackCapacity(resources, resolved.profiles, resolved.assumptions);
    const byUrn = new Map(ctx.resources.map((r) => [r.urn, r]));
    for (const skipped of capacity.skipped) {
      ctx.report(byUrn.get(skipped.urn), {
        property: "capacity",
        problem: `cannot be checked: ${skipped.problem}`,
        fix: "make these values known literals, or exempt the endpoint from endpoint-capacity with a written reason",
      });
    }
    for (const shortfall of capacityShortfalls(capacity, resolved.limits, resolved.checkedProfiles)) {
      ctx.report(byUrn.get(shortfall.endpoint.urn), {
        property: `capacity["${shortfall.profile.name}"]`,
        problem: describe(shortfall),
        fix: shortfall.fixes.join("; or "),
      });
    }
  },
});

export const capacityPolicies: readonly PlatformPolicy[] = [endpointCapacity];
