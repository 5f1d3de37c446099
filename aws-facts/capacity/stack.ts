/**
 * A whole stack's capacity check: read every endpoint's inputs from the resource graph, replay each profile, and
 * compare the results with the limits. Shared by the `endpoint-capacity` policy, `npm run capacity` and the
 * offline preview, so all three report the same figures.
 */
import { INVOCATIONS_PER_INSTANCE_METRIC } from "../autoscaling";
import type { CostGraphResource } from "../pricing/graph";
import { instanceCapacityFor, type SimulationAssumptions } from "./assumptions";
import { extractCapacityInputs, type EndpointInputs, type UnreadableEndpoint } from "./inputs";
import type { TrafficProfile } from "./profile";
import { simulateProfile, type ProfileResult, type SimulationOptions } from "./simulate";

/** The figures used for one endpoint, as reported in the JSON output's `assumptions`. */
export interface UsedAssumptions {
  readonly instanceType: string;
  readonly maxRequestsPerSecondPerInstance: number;
  readonly latencyMs: number;
  readonly instanceStartupSeconds: number;
  readonly functionOverheadMs: number;
  /** functionOverheadMs + latencyMs: one request's duration at the function while nothing queues. */
  readonly functionDurationMs: number;
  readonly endpointQueueSeconds: number;
  readonly source: string;
  /** Every other simulation assumption, as resolved. */
  readonly simulation: Omit<SimulationAssumptions, "instanceTypes">;
}

export interface EndpointCapacity {
  readonly endpoint: string;
  readonly urn: string;
  readonly inputs: EndpointInputs;
  readonly assumptions: UsedAssumptions;
  readonly profiles: readonly ProfileResult[];
}

export interface StackCapacity {
  readonly endpoints: readonly EndpointCapacity[];
  /** Endpoints that could not be simulated (unknown values, unmodelled scaling, no figures for the type). */
  readonly skipped: readonly UnreadableEndpoint[];
}

export interface CapacityLimits {
  /** Largest acceptable share of offered requests dropped at the endpoint, percent. */
  readonly maxDroppedPercent: number;
  /** Largest acceptable share throttled at the function, percent. */
  readonly maxThrottledPercent: number;
}

export function checkStackCapacity(
  resources: readonly CostGraphResource[],
  profiles: readonly TrafficProfile[],
  assumptions: SimulationAssumptions,
  options: SimulationOptions = {},
): StackCapacity {
  const inputs = extractCapacityInputs(resources);
  const skipped = [...inputs.unreadable];
  const endpoints: EndpointCapacity[] = [];
  const { instanceTypes: _types, ...simulation } = assumptions;
  for (const endpoint of inputs.endpoints) {
    const capacity = instanceCapacityFor(endpoint.instanceType, assumptions);
    if (!capacity) {
      skipped.push({
        name: endpoint.name,
        urn: endpoint.urn,
        problem:
          `there are no capacity figures for ${endpoint.instanceType}: add them to the endpoint-capacity policy ` +
          `config, assumptions.instanceTypes["${endpoint.instanceType}"] (from a load test)`,
      });
      continue;
    }
    endpoints.push({
      endpoint: endpoint.name,
      urn: endpoint.urn,
      inputs: endpoint,
      assumptions: {
        instanceType: endpoint.instanceType,
        maxRequestsPerSecondPerInstance: capacity.maxRequestsPerSecondPerInstance,
        latencyMs: capacity.latencyMs,
        instanceStartupSeconds: capacity.instanceStartupSeconds,
        functionOverheadMs: assumptions.functionOverheadMs,
        functionDurationMs: assumptions.functionOverheadMs + capacity.latencyMs,
        endpointQueueSeconds: assumptions.endpointQueueSeconds,
        source: capacity.source,
        simulation,
      },
      profiles: profiles.map((p) => simulateProfile(endpoint, capacity, assumptions, p, options)),
    });
  }
  return { endpoints, skipped };
}

/** One profile an endpoint cannot absorb, with the figures and the fixes that would help. */
export interface CapacityShortfall {
  readonly endpoint: EndpointCapacity;
  readonly profile: ProfileResult;
  readonly problems: readonly string[];
  readonly fixes: readonly string[];
}

const pct = (n: number) => `${n.toFixed(n < 1 ? 2 : 1)}%`;

/** Profiles (among `checked`, all when empty) whose drops or throttles exceed the limits. */
export function capacityShortfalls(
  capacity: StackCapacity,
  limits: CapacityLimits,
  checked: readonly string[] = [],
): CapacityShortfall[] {
  const out: CapacityShortfall[] = [];
  for (const endpoint of capacity.endpoints) {
    for (const profile of endpoint.profiles) {
      if (checked.length > 0 && !checked.includes(profile.name)) continue;
      const problems: string[] = [];
      const fixes: string[] = [];
      const { scaling, function: fn } = endpoint.inputs;
      if (profile.droppedPercent > limits.maxDroppedPercent) {
        problems.push(
          `drops ${Math.round(profile.droppedRequests)} of ${Math.round(profile.offeredRequests)} requests ` +
            `(${pct(profile.droppedPercent)}, limit ${pct(limits.maxDroppedPercent)})`,
        );
        const peakOffered = Math.max(...profile.timeline.map((e) => e.offeredRps));
        const needed = Math.ceil(peakOffered / endpoint.assumptions.maxRequestsPerSecondPerInstance - 1e-9);
        if (!scaling) fixes.push(`enable autoscaling or raise the instance count to ${needed}`);
        else {
          if (scaling.maxCapacity < needed) fixes.push(`raise maxCapacity to at least ${needed}`);
          if (profile.firstScaleOutDecisionSeconds === null)
            fixes.push("lower the scaling target so the spike breaches it");
          fixes.push(
            `raise minCapacity (the peak needs ${needed} instances and a new one takes ` +
              `${endpoint.assumptions.instanceStartupSeconds} s to start)`,
          );
          if (scaling.scaleOutCooldownSeconds > 60) fixes.push("shorten the scale-out cooldown");
          if (scaling.metric === INVOCATIONS_PER_INSTANCE_METRIC)
            fixes.push(
              "scale on the high-resolution concurrency metric (scalingMetric), which reacts in 30 s",
            );
          fixes.push("lower the target");
        }
      }
      if (profile.throttledPercent > limits.maxThrottledPercent) {
        problems.push(
          `throttles ${Math.round(profile.throttledRequests)} requests at the function ` +
            `(${pct(profile.throttledPercent)}, limit ${pct(limits.maxThrottledPercent)})`,
        );
        const peakOffered = Math.max(...profile.timeline.map((e) => e.offeredRps));
        const needed = Math.ceil((peakOffered * endpoint.assumptions.functionDurationMs) / 1000 - 1e-9);
        fixes.push(
          `raise the function's reserved concurrency to at least ${needed}${fn?.reservedConcurrency !== undefined ? ` (now ${fn.reservedConcurrency})` : ""}`,
        );
      }
      if (problems.length > 0) out.push({ endpoint, profile, problems, fixes });
    }
  }
  return out;
}
