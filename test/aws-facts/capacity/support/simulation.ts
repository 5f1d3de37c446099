/** Building blocks for the capacity tests: an endpoint, its scaling, a function, assumptions and profiles. */
import {
  INVOCATIONS_PER_INSTANCE,
  parseProfile,
  resolveSimulationAssumptions,
  simulateProfile,
  type EndpointInputs,
  type FunctionInputs,
  type InstanceCapacity,
  type ScalingInputs,
  type SimulationAssumptionsInput,
  type TrafficProfile,
  type TrafficStep,
} from "@ml-platform/aws-facts/capacity";

/** One instance: 10 requests/s at 100 ms, in service 300 s after launch. */
export const INSTANCE: InstanceCapacity = {
  maxRequestsPerSecondPerInstance: 10,
  latencyMs: 100,
  instanceStartupSeconds: 300,
  source: "test",
};

export function scaling(overrides: Partial<ScalingInputs> = {}): ScalingInputs {
  return {
    minCapacity: 1,
    maxCapacity: 4,
    metric: INVOCATIONS_PER_INSTANCE,
    targetValue: 300, // 5 requests/s per instance
    scaleOutCooldownSeconds: 600,
    scaleInCooldownSeconds: 300,
    disableScaleIn: false,
    ...overrides,
  };
}

export function endpoint(overrides: Partial<EndpointInputs> = {}): EndpointInputs {
  return {
    name: "endpoint",
    urn: "urn:pulumi:test::p::aws:sagemaker/endpoint:Endpoint::endpoint",
    instanceType: "ml.c5.xlarge",
    initialInstanceCount: 1,
    ...overrides,
  };
}

export function fn(overrides: Partial<FunctionInputs> = {}): FunctionInputs {
  return {
    name: "fn",
    reservedConcurrency: 5,
    provisionedConcurrency: 0,
    timeoutSeconds: 30,
    memoryMb: 256,
    architecture: "x86_64",
    ...overrides,
  };
}

/** The documented/observed alarm shape with a 60 s (10 s) publication delay and no queue. */
export const BASE_ASSUMPTIONS: SimulationAssumptionsInput = {
  functionOverheadMs: 0,
  endpointQueueSeconds: 0,
  metricDelaySeconds: { standard: 60, highResolution: 10 },
};

export function assumptions(overrides: SimulationAssumptionsInput = {}) {
  return resolveSimulationAssumptions({ ...BASE_ASSUMPTIONS, ...overrides });
}

export function profile(
  durationMinutes: number,
  baselineRps: number,
  steps: TrafficStep[] = [],
): TrafficProfile {
  return parseProfile({ name: "test", durationMinutes, baselineRps, steps });
}

export function run(
  e: EndpointInputs,
  p: TrafficProfile,
  a: SimulationAssumptionsInput = {},
  capacity: InstanceCapacity = INSTANCE,
) {
  return simulateProfile(e, capacity, assumptions(a), p);
}

export const close = (actual: number, expected: number, epsilon = 1e-6) =>
  Math.abs(actual - expected) <= epsilon;
