/**
 * The simulator's inputs, read from a stack's resource graph (the offline preview's CapturedResources or a stack
 * policy's resources, normalised by ../pricing/graph), never from the program's config, so the check applies to
 * any program: per SageMaker endpoint, its variant's instance type and initial count, the Application Auto Scaling
 * target's min/max, the target-tracking policy's target, metric and cooldowns, and the Lambda function that calls
 * the endpoint (reserved and provisioned concurrency, timeout, memory).
 */
import {
  isUnknown,
  normaliseGraph,
  num,
  obj,
  str,
  type CostGraphResource,
  type GraphNode,
} from "../pricing/graph";
import {
  CONCURRENT_REQUESTS_PER_MODEL_METRIC,
  INVOCATIONS_PER_INSTANCE_METRIC,
  SAGEMAKER_SERVICE_NAMESPACE,
} from "../autoscaling";
import { AWS_TYPES } from "../type-tokens";

/** The two predefined metrics the simulator models. */
export const INVOCATIONS_PER_INSTANCE = INVOCATIONS_PER_INSTANCE_METRIC;
export const CONCURRENT_REQUESTS_PER_MODEL = CONCURRENT_REQUESTS_PER_MODEL_METRIC;
export type ScalingMetricType = typeof INVOCATIONS_PER_INSTANCE | typeof CONCURRENT_REQUESTS_PER_MODEL;

/** Cooldown defaults for SageMaker variants when the policy leaves them unset (300 s each). */
export const SAGEMAKER_DEFAULT_COOLDOWN_SECONDS = 300;
/** Lambda's default timeout, seconds, and memory, MB, when the function does not set them. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const LAMBDA_DEFAULT_MEMORY_MB = 128;

export interface ScalingInputs {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly metric: ScalingMetricType;
  /** Per minute per instance (InvocationsPerInstance) or concurrent requests per model. */
  readonly targetValue: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  readonly disableScaleIn: boolean;
}

export interface FunctionInputs {
  readonly name: string;
  /** Reserved concurrency, or undefined when the function uses the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  readonly provisionedConcurrency: number;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly architecture: "x86_64" | "arm64";
}

export interface EndpointInputs {
  /** The endpoint's logical name. */
  readonly name: string;
  readonly urn: string;
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  /** undefined: no target-tracking policy, a fixed fleet of initialInstanceCount. */
  readonly scaling?: ScalingInputs;
  /** undefined: no function calls this endpoint (requests reach it directly). */
  readonly function?: FunctionInputs;
}

/** An endpoint the simulator cannot read, with the property that was missing or unknown. */
export interface UnreadableEndpoint {
  readonly name: string;
  readonly urn: string;
  readonly problem: string;
}

export interface StackCapacityInputs {
  readonly endpoints: readonly EndpointInputs[];
  readonly unreadable: readonly UnreadableEndpoint[];
}

const linked = (from: GraphNode, to: GraphNode): boolean =>
  from.dependencies.includes(to.urn) ||
  Object.values(from.propertyDependencies).some((deps) => deps.includes(to.urn));

const mentions = (value: unknown, text: string | undefined): boolean =>
  text !== undefined && JSON.stringify(value ?? null).includes(text);

function readScaling(target: GraphNode, policy: GraphNode | undefined): ScalingInputs | string {
  const min = num(target.props.minCapacity);
  const max = num(target.props.maxCapacity);
  if (min === undefined || max === undefined)
    return "the scalable target's minCapacity/maxCapacity are unknown";
  const tt = obj(policy?.props.targetTrackingScalingPolicyConfiguration);
  if (!policy || str(policy.props.policyType) !== "TargetTrackingScaling" || !tt) {
    return "the scalable target has no target-tracking policy the simulator models";
  }
  const metric = str(obj(tt.predefinedMetricSpecification)?.predefinedMetricType);
  if (metric !== INVOCATIONS_PER_INSTANCE && metric !== CONCURRENT_REQUESTS_PER_MODEL) {
    return `the scaling policy's metric ${metric ?? "(custom or unknown)"} is not one the simulator models (${INVOCATIONS_PER_INSTANCE}, ${CONCURRENT_REQUESTS_PER_MODEL})`;
  }
  const targetValue = num(tt.targetValue);
  if (targetValue === undefined || targetValue <= 0) return "the scaling policy's targetValue is unknown";
  // Unset cooldowns take the service default, 300 s for SageMaker variants
  // (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html).
  const cooldown = (v: unknown) =>
    isUnknown(v) ? undefined : (num(v) ?? SAGEMAKER_DEFAULT_COOLDOWN_SECONDS);
  const scaleOut = cooldown(tt.scaleOutCooldown);
  const scaleIn = cooldown(tt.scaleInCooldown);
  if (scaleOut === undefined || scaleIn === undefined) return "the scaling policy's cooldowns are unknown";
  return {
    minCapacity: min,
    maxCapacity: max,
    metric,
    targetValue,
    scaleOutCooldownSeconds: scaleOut,
    scaleInCooldownSeconds: scaleIn,
    disableScaleIn: tt.disableScaleIn === true,
  };
}

function readFunction(fn: GraphNode, nodes: readonly GraphNode[]): FunctionInputs {
  const reserved = num(fn.props.reservedConcurrentExecutions);
  const provisioned = nodes
    .filter((n) => n.type === AWS_TYPES.lambdaProvisionedConcurrencyConfig && linked(n, fn))
    .reduce((sum, n) => sum + (num(n.props.provisionedConcurrentExecutions) ?? 0), 0);
  const architectures = fn.props.architectures;
  return {
    name: fn.name,
    // -1 (or unset) means no reservation: the function shares the account's unreserved pool.
    ...(reserved !== undefined ? { reservedConcurrency: reserved } : {}),
    provisionedConcurrency: provisioned,
    timeoutSeconds: num(fn.props.timeout) ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS,
    memoryMb: num(fn.props.memorySize) ?? LAMBDA_DEFAULT_MEMORY_MB,
    architecture: Array.isArray(architectures) && architectures[0] === "arm64" ? "arm64" : "x86_64",
  };
}

/** Reads every SageMaker endpoint of the graph with its scaling and its calling function. */
export function extractCapacityInputs(resources: readonly CostGraphResource[]): StackCapacityInputs {
  const nodes = normaliseGraph(resources);
  const ofType = (type: string) => nodes.filter((n) => n.type === type);
  const configs = ofType(AWS_TYPES.sagemakerEndpointConfiguration);
  const targets = ofType(AWS_TYPES.appautoscalingTarget);
  const policies = ofType(AWS_TYPES.appautoscalingPolicy);
  const functions = ofType(AWS_TYPES.lambdaFunction);
  const endpoints: EndpointInputs[] = [];
  const unreadable: UnreadableEndpoint[] = [];

  for (const endpoint of ofType(AWS_TYPES.sagemakerEndpoint)) {
    const endpointName = str(endpoint.props.name);
    const config =
      configs.find((c) => linked(endpoint, c)) ??
      configs.find(
        (c) => str(c.props.name) !== undefined && c.props.name === endpoint.props.endpointConfigName,
      ) ??
      (configs.length === 1 ? configs[0] : undefined);
    const variants = config?.props.productionVariants;
    const variant = Array.isArray(variants) ? obj(variants[0]) : undefined;
    const instanceType = str(variant?.instanceType);
    const initial = num(variant?.initialInstanceCount);
    const fail = (problem: string) => unreadable.push({ name: endpoint.name, urn: endpoint.urn, problem });
    if (!variant || instanceType === undefined || initial === undefined) {
      fail("its endpoint configuration's instance type or initial instance count is unknown");
      continue;
    }
    if (Array.isArray(variants) && variants.length > 1) {
      fail("it has several production variants; the simulator models one");
      continue;
    }
    const target = targets.find(
      (t) =>
        str(t.props.serviceNamespace) === SAGEMAKER_SERVICE_NAMESPACE &&
        (linked(t, endpoint) || mentions(t.props.resourceId, endpointName)),
    );
    let scaling: ScalingInputs | undefined;
    if (target) {
      const policy = policies.find(
        (p) =>
          linked(p, target) ||
          (str(p.props.resourceId) !== undefined && p.props.resourceId === target.props.resourceId),
      );
      const read = readScaling(target, policy);
      if (typeof read === "string") {
        fail(read);
        continue;
      }
      scaling = read;
    }
    const callers = functions.filter(
      (f) => linked(f, endpoint) || mentions(f.props.environment, endpointName),
    );
    const caller = callers[0] ?? (functions.length === 1 ? functions[0] : undefined);
    endpoints.push({
      name: endpoint.name,
      urn: endpoint.urn,
      instanceType,
      initialInstanceCount: initial,
      ...(scaling ? { scaling } : {}),
      ...(caller ? { function: readFunction(caller, nodes) } : {}),
    });
  }
  return { endpoints, unreadable };
}
