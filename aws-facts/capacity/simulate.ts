/**
 * The traffic replay: one endpoint (and the function in front of it) through one profile, in steps of 10 seconds
 * (or finer). Per step, in this order:
 * 1. datapoints published by now reach the alarms; AlarmHigh / AlarmLow in ALARM drive the target-tracking policy
 *    (./cloudwatch.ts, ./scaling.ts); a scale-out launches instances, a scale-in removes them at once;
 * 2. launched instances whose start-up has elapsed come in service;
 * 3. the step's requests: the function throttles what exceeds its concurrency (./function-concurrency.ts); the
 *    endpoint serves up to (instances in service × max requests per second), may queue up to
 *    `endpointQueueSeconds` of work, and drops the rest; the step's metric samples are recorded.
 * Requests still queued at the end are counted as served (the queue holds at most a few seconds of work).
 * Every request offered ends up served, dropped at the endpoint or throttled at the function.
 */
import type { InstanceCapacity, SimulationAssumptions } from "./assumptions";
import { MetricAggregator, MetricAlarm } from "./cloudwatch";
import { priceUsage, type ProfileCost } from "./cost";
import { FunctionConcurrency } from "./function-concurrency";
import { CONCURRENT_REQUESTS_PER_MODEL, type EndpointInputs } from "./inputs";
import { offeredRateAt, type TrafficProfile } from "./profile";
import { TargetTrackingPolicy, type ScalingDecision } from "./scaling";

/** The container must answer within 60 s (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html). */
const CONTAINER_RESPONSE_LIMIT_SECONDS = 60;

export interface TimelineEntry {
  /** Start of the step, seconds from the start of the profile. */
  readonly t: number;
  readonly offeredRps: number;
  readonly servedRps: number;
  readonly droppedRps: number;
  readonly throttledRps: number;
  readonly inServiceInstances: number;
  readonly desiredInstances: number;
  /** inServiceInstances × max requests per second per instance. */
  readonly capacityRps: number;
  readonly coldStarts: number;
}

export interface ProfileResult {
  readonly name: string;
  readonly durationMinutes: number;
  readonly offeredRequests: number;
  readonly servedRequests: number;
  readonly droppedRequests: number;
  readonly throttledRequests: number;
  readonly droppedPercent: number;
  readonly throttledPercent: number;
  readonly coldStarts: number;
  /** Start of the first metric period above the target; null if none. */
  readonly firstBreachSeconds: number | null;
  readonly firstScaleOutDecisionSeconds: number | null;
  /** When the first instance launched by a scale-out came in service; null if none. */
  readonly firstScaleOutInServiceSeconds: number | null;
  /** From the first breach to the first scale-out decision, and to its first instance in service; null if none. */
  readonly breachToScaleOutDecisionSeconds: number | null;
  readonly breachToScaleOutInServiceSeconds: number | null;
  readonly peakInstances: number;
  readonly finalInstances: number;
  readonly instanceHours: number;
  readonly costUsd: number | null;
  readonly cost: ProfileCost;
  readonly scalingActivities: readonly ScalingDecision[];
  readonly timeline: readonly TimelineEntry[];
}

export interface SimulationOptions {
  /** Step length in seconds; must divide 10. Default 10. */
  readonly stepSeconds?: number;
  /** Region for prices. Default us-east-1. */
  readonly region?: string;
}

export function simulateProfile(
  endpoint: EndpointInputs,
  capacity: InstanceCapacity,
  assumptions: SimulationAssumptions,
  profile: TrafficProfile,
  options: SimulationOptions = {},
): ProfileResult {
  const dt = options.stepSeconds ?? 10;
  if (!(dt > 0 && Number.isInteger(10 / dt))) throw new Error(`stepSeconds must divide 10; got ${dt}`);
  const durationSeconds = profile.durationMinutes * 60;
  const stepCount = Math.ceil(durationSeconds / dt - 1e-9);
  const scaling = endpoint.scaling;
  const fn = endpoint.function;
  const highResolution = scaling?.metric === CONCURRENT_REQUESTS_PER_MODEL;
  const latency = capacity.latencyMs / 1000;
  const overhead = assumptions.functionOverheadMs / 1000;
  const queueSeconds = Math.max(
    0,
    Math.min(
      assumptions.endpointQueueSeconds,
      CONTAINER_RESPONSE_LIMIT_SECONDS - latency,
      fn ? fn.timeoutSeconds - overhead - latency : Infinity,
    ),
  );

  const policy = scaling
    ? new TargetTrackingPolicy(scaling, assumptions, endpoint.initialInstanceCount)
    : undefined;
  const metric = scaling
    ? new MetricAggregator(
        highResolution ? 10 : 60,
        highResolution ? "Average" : "Sum",
        highResolution
          ? assumptions.metricDelaySeconds.highResolution
          : assumptions.metricDelaySeconds.standard,
      )
    : undefined;
  const counts = highResolution
    ? assumptions.alarmDatapoints.highResolution
    : assumptions.alarmDatapoints.standard;
  const high =
    scaling && new MetricAlarm("GreaterThanThreshold", scaling.targetValue, counts.high, counts.high);
  const low =
    scaling &&
    new MetricAlarm(
      "LessThanThreshold",
      scaling.targetValue * assumptions.lowAlarmThresholdRatio,
      counts.low,
      counts.low,
    );
  const lambda = fn ? new FunctionConcurrency(fn, assumptions) : undefined;

  let inService = policy ? policy.desired : endpoint.initialInstanceCount;
  const starting: { readyAt: number; count: number }[] = [];
  let queue = 0;
  let wait = 0;
  let offered = 0;
  let served = 0;
  let dropped = 0;
  let throttled = 0;
  let coldStarts = 0;
  let instanceSeconds = 0;
  let functionRequests = 0;
  let provisionedExecutionSeconds = 0;
  let onDemandExecutionSeconds = 0;
  let peak = inService;
  let firstBreach: number | null = null;
  let firstScaleOut: number | null = null;
  let firstScaleOutInService: number | null = null;
  const activities: ScalingDecision[] = [];
  const timeline: TimelineEntry[] = [];

  const startingCount = () => starting.reduce((n, s) => n + s.count, 0);
  const apply = (decision: ScalingDecision | undefined, t: number) => {
    if (!decision) return;
    activities.push(decision);
    const current = inService + startingCount();
    if (decision.to > current) {
      if (firstScaleOut === null) firstScaleOut = t;
      starting.push({ readyAt: t + capacity.instanceStartupSeconds, count: decision.to - current });
    } else {
      let excess = current - decision.to;
      // Instances still starting go first, then instances in service.
      while (excess > 0 && starting.length > 0) {
        const last = starting[starting.length - 1];
        const removed = Math.min(excess, last.count);
        last.count -= removed;
        excess -= removed;
        if (last.count === 0) starting.pop();
      }
      inService -= excess;
    }
  };

  for (let k = 0; k < stepCount; k++) {
    const t = k * dt;
    const stepLength = Math.min(dt, durationSeconds - t);
    // 1. Alarms and scaling.
    if (policy && metric && high && low) {
      for (const datapoint of metric.takePublished(t)) {
        if (firstBreach === null && datapoint.value !== undefined && datapoint.value > scaling!.targetValue)
          firstBreach = datapoint.start;
        const [highBefore, lowBefore] = [high.state, low.state];
        const highState = high.evaluate(datapoint.value);
        const lowState = low.evaluate(datapoint.value);
        const acts = (state: string, before: string) =>
          state === "ALARM" && (assumptions.actWhileInAlarm || before !== "ALARM");
        if (acts(highState, highBefore)) apply(policy.onHighAlarm(t, datapoint.value!, inService), t);
        else if (acts(lowState, lowBefore)) apply(policy.onLowAlarm(t, datapoint.value!), t);
      }
    }
    // 2. Instances whose start-up has elapsed come in service.
    for (let i = starting.length - 1; i >= 0; i--) {
      if (starting[i].readyAt <= t) {
        inService += starting[i].count;
        if (firstScaleOutInService === null) firstScaleOutInService = t;
        starting.splice(i, 1);
      }
    }
    peak = Math.max(peak, inService);

    // 3. The step's requests.
    const rps = offeredRateAt(profile, t + stepLength / 2);
    const requests = rps * stepLength;
    offered += requests;
    let acceptedRps = rps;
    let stepThrottled = 0;
    let stepCold = 0;
    if (lambda && fn) {
      const duration = overhead + latency + wait;
      const step = lambda.step(t, stepLength, rps, duration);
      acceptedRps = step.acceptedRps;
      stepThrottled = step.throttledRps * stepLength;
      stepCold = step.coldStarts;
      functionRequests += acceptedRps * stepLength;
      const provisioned = Math.min(step.concurrency, fn.provisionedConcurrency);
      provisionedExecutionSeconds += provisioned * stepLength;
      onDemandExecutionSeconds += (step.concurrency - provisioned) * stepLength;
    }
    const capacityRps = inService * capacity.maxRequestsPerSecondPerInstance;
    const available = queue + acceptedRps * stepLength;
    const stepServed = Math.min(available, capacityRps * stepLength);
    const rest = available - stepServed;
    const stepDropped = Math.max(0, rest - capacityRps * queueSeconds);
    queue = rest - stepDropped;
    wait = capacityRps > 0 ? queue / capacityRps : 0;
    served += stepServed;
    dropped += stepDropped;
    throttled += stepThrottled;
    coldStarts += stepCold;

    // Metric samples: the metrics are per instance in service.
    if (metric) {
      const perInstance = Math.max(1, inService);
      const reached = stepServed + (assumptions.rejectedRequestsInMetrics ? stepDropped : 0);
      const hasData = acceptedRps > 0 || assumptions.idlePeriods === "zero";
      if (highResolution) {
        // Little's law: requests in the container = arrival rate × latency, plus those queued.
        const arrivalRps = assumptions.rejectedRequestsInMetrics ? acceptedRps : stepServed / stepLength;
        metric.add(t, stepLength, (arrivalRps * latency + queue) / perInstance, hasData);
      } else {
        metric.add(t, stepLength, reached / perInstance, hasData);
      }
    }
    const billed = inService + (assumptions.billStartingInstances ? startingCount() : 0);
    instanceSeconds += billed * stepLength;
    timeline.push({
      t,
      offeredRps: rps,
      servedRps: stepServed / stepLength,
      droppedRps: stepDropped / stepLength,
      throttledRps: stepThrottled / stepLength,
      inServiceInstances: inService,
      desiredInstances: policy ? policy.desired : inService,
      capacityRps,
      coldStarts: stepCold,
    });
  }
  served += queue; // the last few seconds of queued work complete after the profile ends

  const instanceHours = instanceSeconds / 3600;
  const cost = priceUsage(options.region ?? "us-east-1", endpoint.instanceType, fn, {
    instanceHours,
    functionRequests,
    provisionedExecutionSeconds,
    onDemandExecutionSeconds,
    durationSeconds,
  });
  const percent = (n: number) => (offered > 0 ? (100 * n) / offered : 0);
  const since = (from: number | null, to: number | null) => (from === null || to === null ? null : to - from);
  return {
    name: profile.name,
    durationMinutes: profile.durationMinutes,
    offeredRequests: offered,
    servedRequests: served,
    droppedRequests: dropped,
    throttledRequests: throttled,
    droppedPercent: percent(dropped),
    throttledPercent: percent(throttled),
    coldStarts,
    firstBreachSeconds: firstBreach,
    firstScaleOutDecisionSeconds: firstScaleOut,
    firstScaleOutInServiceSeconds: firstScaleOutInService,
    breachToScaleOutDecisionSeconds: since(firstBreach, firstScaleOut),
    breachToScaleOutInServiceSeconds: since(firstBreach, firstScaleOutInService),
    peakInstances: peak,
    finalInstances: inService,
    instanceHours,
    costUsd: cost.costUsd,
    cost,
    scalingActivities: activities,
    timeline,
  };
}
