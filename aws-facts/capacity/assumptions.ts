/**
 * What the capacity simulator assumes where AWS documents nothing, each as a named, configurable value.
 *
 * Per instance type: the highest sustained requests per second one instance serves, its latency at that load, and
 * the time a new instance takes to come in service. The shipped figures are INDICATIVE (see
 * {@link INSTANCE_CAPACITY_DEFAULTS} for the source of each); replace them with your model's own figures:
 * - load-test one instance with rising parallelism and take the rate where latency starts to climb or the success
 *   rate falls (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-loadtest.html), or run an
 *   Inference Recommender job, whose `MaxInvocations` (per minute) / 60 and `ModelLatency` are these two figures
 *   (https://docs.aws.amazon.com/sagemaker/latest/dg/inference-recommender-interpret-results.html);
 * - time a scale-out in CloudWatch (the scaling activity's start to the instance's InService) for the start-up.
 * Then set them in the policy config: `"endpoint-capacity": { "assumptions": { "instanceTypes": { "ml.c5.xlarge":
 * { "maxRequestsPerSecondPerInstance": 11, "latencyMs": 90, "instanceStartupSeconds": 240 } } } }`.
 */
import { z } from "zod";
import { formatIssues } from "./profile";

export interface InstanceCapacity {
  /** Highest sustained requests per second one instance serves. */
  readonly maxRequestsPerSecondPerInstance: number;
  /** Model latency at that load, in milliseconds. */
  readonly latencyMs: number;
  /** Seconds from the scale-out decision until the new instance is InService. */
  readonly instanceStartupSeconds: number;
  /** Where the figures come from. */
  readonly source: string;
}

const CPU_SOURCE =
  "indicative, not measured: a ResNet-50 image classifier (3.8 GFLOPs per 224×224 image, He et al. 2015, " +
  "https://arxiv.org/abs/1512.03385) in the default PyTorch CPU container, scaled by vCPUs from the ~5 requests/s " +
  "per ml.m5.large and ~8 per ml.c5.xlarge the stacks were sized with; start-up: AWS documents only 'several " +
  "minutes' (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html). Replace " +
  "with a load test";
const GPU_SOURCE =
  "indicative, not measured: well below NVIDIA's Triton/TensorRT upper bound for ResNet-50 on a T4 (332/s at " +
  "batch 1, https://github.com/NVIDIA/DeepLearningExamples/tree/master/PyTorch/Classification/ConvNets/triton/resnet50) " +
  "since the default PyTorch container runs in eager mode; start-up longer than CPU types (image and driver " +
  "load). Replace with a load test";

const cpu = (rps: number, latencyMs: number): InstanceCapacity => ({
  maxRequestsPerSecondPerInstance: rps,
  latencyMs,
  instanceStartupSeconds: 300,
  source: CPU_SOURCE,
});
const gpu = (rps: number, latencyMs: number): InstanceCapacity => ({
  maxRequestsPerSecondPerInstance: rps,
  latencyMs,
  instanceStartupSeconds: 420,
  source: GPU_SOURCE,
});

/** Indicative defaults for every SageMaker hosting type in the bundled price file. */
export const INSTANCE_CAPACITY_DEFAULTS: Readonly<Record<string, InstanceCapacity>> = {
  "ml.t2.medium": cpu(1, 400),
  "ml.m5.large": cpu(5, 200),
  "ml.m5.xlarge": cpu(10, 200),
  "ml.m5.2xlarge": cpu(20, 200),
  "ml.m5.4xlarge": cpu(40, 200),
  "ml.c5.large": cpu(4, 125),
  "ml.c5.xlarge": cpu(8, 125),
  "ml.c5.2xlarge": cpu(16, 125),
  "ml.c6i.large": cpu(4, 125),
  "ml.c6i.xlarge": cpu(8, 125),
  "ml.g4dn.xlarge": gpu(100, 30),
  "ml.g5.xlarge": gpu(150, 25),
  "ml.g5.2xlarge": gpu(150, 25),
  "ml.inf2.xlarge": gpu(150, 25),
  "ml.p3.2xlarge": gpu(150, 25),
  "ml.p4d.24xlarge": gpu(1200, 25),
};

const InstanceCapacitySchema = z.strictObject({
  maxRequestsPerSecondPerInstance: z.number().gt(0, "must be > 0 (requests per second)"),
  latencyMs: z.number().gt(0, "must be > 0 (milliseconds)"),
  instanceStartupSeconds: z.number().min(0, "must be ≥ 0 (seconds)"),
  source: z.string().optional(),
});

const seconds = (what: string) => z.number().min(0, `must be ≥ 0 (${what})`);

/** Every assumption that is not per instance type; the default of each says where it comes from. */
export const SimulationAssumptionsSchema = z.strictObject({
  /**
   * The function's own time per request besides the endpoint call (fetching and decoding the image, the SDK
   * call), ms. Unconfirmed: measure it as the function's Duration minus the endpoint's ModelLatency.
   */
  functionOverheadMs: seconds("milliseconds").default(300),
  /**
   * Seconds of work an instance may queue before it rejects requests. The model server queues requests (observed:
   * https://github.com/aws/amazon-sagemaker-examples/issues/923) until its queue is full (503) or the container's
   * 60 s limit (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html); how
   * much it absorbs is not documented. Capped by the function's timeout. Default 0: every excess request fails.
   */
  endpointQueueSeconds: seconds("seconds")
    .max(60, "must be ≤ 60 (the container's response limit)")
    .default(0),
  /**
   * Seconds after a CloudWatch period ends before its datapoint reaches the alarm. Unconfirmed; observed
   * scale-outs take over 5 minutes on the 1-minute metric (https://repost.aws/questions/QUf450Wsd9RROGGOIwaolN9w).
   */
  metricDelaySeconds: z
    .strictObject({
      standard: seconds("seconds").default(60),
      highResolution: seconds("seconds").default(10),
    })
    .default({ standard: 60, highResolution: 10 }),
  /**
   * Datapoints the managed alarms need: AlarmHigh `high` of `high`, AlarmLow `low` of `low`. Observed, not
   * published: 3 of 3 and 15 of 15 on the 1-minute metric (re:Post above); 3 of 3 (30 s) and 90 of 90 (15 min) on
   * the 10-second metric (AWS's notebook https://github.com/aws/amazon-sagemaker-examples, FasterAutoscaling-SME-
   * Llama3-8B-AppAutoScaling.ipynb).
   */
  alarmDatapoints: z
    .strictObject({
      standard: z
        .strictObject({ high: z.number().int().min(1).default(3), low: z.number().int().min(1).default(15) })
        .default({ high: 3, low: 15 }),
      highResolution: z
        .strictObject({ high: z.number().int().min(1).default(3), low: z.number().int().min(1).default(90) })
        .default({ high: 3, low: 90 }),
    })
    .default({ standard: { high: 3, low: 15 }, highResolution: { high: 3, low: 90 } }),
  /** AlarmLow's threshold as a fraction of the target: 0.9 observed for SageMaker (1500 → 1350, re:Post above). */
  lowAlarmThresholdRatio: z.number().gt(0).lt(1).default(0.9),
  /**
   * The "current capacity" target tracking multiplies by (`ceil(current × metric / target)`, the Kubernetes HPA
   * rule; AWS documents no formula): "desired" (the scalable target's count, instances still starting included, so
   * a short scale-out cooldown over-shoots while they start) or "inService". Unconfirmed.
   */
  scaleOutCapacityBasis: z.enum(["desired", "inService"]).default("desired"),
  /**
   * Whether target tracking acts on every evaluation while an alarm stays in ALARM (true), or only when the alarm
   * enters ALARM. AWS documents neither; true lets it scale again once a cooldown ends while the metric is still
   * above the target, as "scale out … unless either a larger scale out is triggered or the cooldown period ends"
   * implies.
   */
  actWhileInAlarm: z.boolean().default(true),
  /** Whether a scale-in may happen during a scale-out cooldown. AWS is silent; default true (not blocked). */
  scaleInDuringScaleOutCooldown: z.boolean().default(true),
  /**
   * Whether requests the endpoint rejects still count in its metrics (Invocations, and as concurrent requests for
   * their latency). Unconfirmed; default true, since they reached the endpoint.
   */
  rejectedRequestsInMetrics: z.boolean().default(true),
  /**
   * What the alarms see in a period without traffic: "zero" (a 0 datapoint, so AlarmLow can fire: an idle endpoint
   * was observed to scale in) or "missing" (INSUFFICIENT_DATA, and target tracking never scales in then,
   * https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html).
   */
  idlePeriods: z.enum(["zero", "missing"]).default("zero"),
  /** Seconds an idle on-demand Lambda execution environment stays warm. Undocumented by AWS. */
  functionWarmSeconds: seconds("seconds").default(300),
  /**
   * Concurrency available to a function without reserved concurrency: the account's unreserved pool, 1,000 by
   * default (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html); new accounts may have less.
   */
  accountUnreservedConcurrency: z.number().int().min(0).default(1000),
  /** Whether instances are billed from launch (true) or only once in service. Unconfirmed. */
  billStartingInstances: z.boolean().default(true),
  /** Per-instance-type figures overriding {@link INSTANCE_CAPACITY_DEFAULTS}. */
  instanceTypes: z
    .record(z.string().regex(/^ml\./, "must be an ml.* type"), InstanceCapacitySchema)
    .default({}),
});

export type SimulationAssumptions = z.infer<typeof SimulationAssumptionsSchema>;
export type SimulationAssumptionsInput = z.input<typeof SimulationAssumptionsSchema>;

/** Validates assumption overrides (defaults filled in); throws an Error naming each bad field. */
export function resolveSimulationAssumptions(
  input: unknown = {},
  where = "assumptions",
): SimulationAssumptions {
  const result = SimulationAssumptionsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new Error(`invalid capacity assumptions:\n  ${formatIssues(result.error, where).join("\n  ")}`);
}

/** The figures for `instanceType`: an override, else the shipped default, else undefined. */
export function instanceCapacityFor(
  instanceType: string,
  assumptions: SimulationAssumptions,
): InstanceCapacity | undefined {
  const override = assumptions.instanceTypes[instanceType];
  if (override) return { source: "policy config (endpoint-capacity.assumptions)", ...override };
  return INSTANCE_CAPACITY_DEFAULTS[instanceType];
}
