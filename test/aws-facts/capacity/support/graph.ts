/**
 * A hand-built stack for the capacity tests, in the CapturedResource shape: an endpoint with its configuration,
 * scalable target and target-tracking policy, and the function that calls it (environment ENDPOINT_NAME) with
 * provisioned concurrency on its alias.
 */
import type { CapturedResource } from "../../../../tools/lib/resource-graph";
import { resource, TYPES } from "../../pricing/graph-builder";

export interface CapacityStackOptions {
  readonly instanceType?: unknown;
  readonly initial?: number;
  readonly min?: number;
  readonly max?: number;
  readonly targetValue?: unknown;
  readonly metric?: string;
  readonly scaleOutCooldown?: number;
  readonly scaleInCooldown?: number;
  /** false: no scalable target or policy (a fixed fleet). */
  readonly autoscaling?: boolean;
  readonly reserved?: number;
  readonly provisioned?: number;
  readonly timeout?: number;
  readonly memorySize?: number;
}

export function capacityStack(o: CapacityStackOptions = {}): CapturedResource[] {
  const config = resource({
    type: TYPES.endpointConfig,
    name: "api-config",
    inputs: {
      productionVariants: [
        {
          variantName: "AllTraffic",
          instanceType: o.instanceType ?? "ml.c5.xlarge",
          initialInstanceCount: o.initial ?? 2,
        },
      ],
    },
    computed: { name: "api-config-1234" },
  });
  const endpoint = resource({
    type: TYPES.endpoint,
    name: "api",
    inputs: { endpointConfigName: "api-config-1234", name: "api-ab12cd34" },
    propertyDependencies: { endpointConfigName: [config] },
  });
  const out = [config, endpoint];
  if (o.autoscaling ?? true) {
    const target = resource({
      type: TYPES.target,
      name: "api-target",
      inputs: {
        serviceNamespace: "sagemaker",
        scalableDimension: "sagemaker:variant:DesiredInstanceCount",
        resourceId: "endpoint/api-ab12cd34/variant/AllTraffic",
        minCapacity: o.min ?? 2,
        maxCapacity: o.max ?? 6,
      },
      propertyDependencies: { resourceId: [endpoint] },
    });
    const policy = resource({
      type: TYPES.scalingPolicy,
      name: "api-scaling",
      inputs: {
        policyType: "TargetTrackingScaling",
        resourceId: "endpoint/api-ab12cd34/variant/AllTraffic",
        targetTrackingScalingPolicyConfiguration: {
          targetValue: o.targetValue ?? 240,
          predefinedMetricSpecification: {
            predefinedMetricType: o.metric ?? "SageMakerVariantInvocationsPerInstance",
          },
          scaleOutCooldown: o.scaleOutCooldown ?? 60,
          scaleInCooldown: o.scaleInCooldown ?? 600,
        },
      },
      propertyDependencies: { resourceId: [target] },
    });
    out.push(target, policy);
  }
  const fn = resource({
    type: TYPES.lambda,
    name: "infer",
    inputs: {
      memorySize: o.memorySize ?? 512,
      timeout: o.timeout ?? 30,
      reservedConcurrentExecutions: o.reserved ?? 50,
      environment: { variables: { ENDPOINT_NAME: "api-ab12cd34" } },
    },
    computed: { name: "infer-9a8b" },
    propertyDependencies: { environment: [endpoint] },
  });
  out.push(fn);
  if ((o.provisioned ?? 3) > 0) {
    out.push(
      resource({
        type: TYPES.provisioned,
        name: "infer-provisioned",
        inputs: {
          functionName: "infer-9a8b",
          qualifier: "live",
          provisionedConcurrentExecutions: o.provisioned ?? 3,
        },
        propertyDependencies: { functionName: [fn] },
      }),
    );
  }
  return out;
}
