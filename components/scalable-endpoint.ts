import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContextOutput } from "./lib/aws-context";
import type { InstanceType } from "@ml-platform/aws-facts/instance-types";
import {
  keyDirectory,
  modelExecutionPolicy,
  parseS3Url,
  renderPolicy,
  s3ObjectPrefixArn,
} from "@ml-platform/aws-facts/iam-policies";
import { endpointNameFor, SAGEMAKER_NAME_PATTERN } from "./lib/naming";
import { createServiceRole } from "./lib/service-role";
import {
  checkIamRoleBaseName,
  checkInstanceType,
  checkInteger,
  checkSageMakerBaseName,
  checkTags,
  knownValue,
  throwIfInvalid,
  Violations,
  type Violation,
} from "./lib/validation";

export const SCALABLE_ENDPOINT_TYPE = "ml-platform:sagemaker:ScalableEndpoint";

/** The one production variant's name. Explicit, because the scalable target's resourceId contains it. */
export const VARIANT_NAME = "AllTraffic";
export const SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount";
export const SCALING_METRIC = "SageMakerVariantInvocationsPerInstance";
/**
 * The predefined high-resolution metric: concurrent requests per model (queued ones included), emitted every
 * 10 s, so scale-out reacts in ~30 s instead of minutes
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html,
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html).
 */
export const HIGH_RESOLUTION_SCALING_METRIC = "SageMakerVariantConcurrentRequestsPerModelHighResolution";
/** `scalingMetric` values and the predefined metric each selects. */
export const SCALING_METRICS = {
  invocationsPerInstance: SCALING_METRIC,
  concurrentRequestsPerModel: HIGH_RESOLUTION_SCALING_METRIC,
} as const;
export const TRAFFIC_ROUTING_TYPES = ["ALL_AT_ONCE", "CANARY", "LINEAR"] as const;

const S3_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Blue/green UpdateEndpoint with automatic rollback on the variant's 5xx errors (recommended for prod). */
export interface BlueGreenDeploymentArgs {
  /**
   * How traffic moves to the new fleet: `"ALL_AT_ONCE"`, `"CANARY"` (a first slice, then the rest) or `"LINEAR"`
   * (equal steps). Default: `"CANARY"`.
   */
  trafficRouting?: string;
  /** CANARY: the first slice; LINEAR: each step, as a percentage of capacity (CANARY 1-50, LINEAR 10-50). Default: `20`. */
  stepPercent?: number;
  /** Seconds to watch the alarm between traffic steps (and before finishing), 0-3600. Default: `300`. */
  waitIntervalSeconds?: number;
  /** Seconds to keep the old fleet after the shift completes, 0-3600. Default: `120`. */
  terminationWaitSeconds?: number;
  /** 5xx errors per minute on the variant that trigger a rollback (≥ 1). Default: `1`. */
  rollbackOn5xxErrorsPerMinute?: number;
}

export interface ScalableEndpointArgs {
  /** SageMaker instance type with the `ml.` prefix. Burstable `ml.t*` types are rejected while autoscaling is on. */
  instanceType: string;
  /** Instances at creation, between minCapacity and maxCapacity. Default: `minCapacity`. */
  initialInstanceCount?: number;
  /** Fewest instances autoscaling may leave, ≥ 1. Default: `1`. */
  minCapacity?: number;
  /** Most instances autoscaling may add, ≥ minCapacity. Default: `2`. */
  maxCapacity?: number;
  /**
   * Target of `SageMakerVariantInvocationsPerInstance` (invocations per instance per minute), > 0. A good start is
   * CDK's 0.5 × the instance's maximum requests per second × 60. Default: `100`.
   */
  targetInvocationsPerInstance?: number;
  /**
   * What target tracking follows: `"invocationsPerInstance"` (1-minute `SageMakerVariantInvocationsPerInstance`,
   * target `targetInvocationsPerInstance`) or `"concurrentRequestsPerModel"` (10-second
   * `SageMakerVariantConcurrentRequestsPerModelHighResolution`, target `targetConcurrentRequestsPerModel`), which
   * reacts to a spike in ~30 s instead of ~4 minutes. AWS does not say whether CPU instance types emit it; check
   * the metric exists in CloudWatch. `npm run capacity` shows the difference. Default: `"invocationsPerInstance"`.
   */
  scalingMetric?: string;
  /** Target concurrent requests per model (in flight plus queued) for `concurrentRequestsPerModel`, > 0. Default: `1`. */
  targetConcurrentRequestsPerModel?: number;
  /** Seconds after a scale-in before another scale-in, integer ≥ 0. Default: `300` (the service's own default). */
  scaleInCooldownSeconds?: number;
  /** Seconds after a scale-out before another scale-out, integer ≥ 0. Default: `60`. */
  scaleOutCooldownSeconds?: number;
  /** Turn instance autoscaling off: a fixed fleet of `initialInstanceCount`. Default: `true` (autoscaling on). */
  autoscaling?: boolean;
  /**
   * The model artifact, `s3://<bucket>/<key>.tar.gz`. The model role may read only its key prefix ("directory").
   * An Output (e.g. built from a bucket resource) is checked when it resolves.
   */
  modelDataUrl: pulumi.Input<string>;
  /** Deep Learning Container repository. Default: `"pytorch-inference"`. */
  imageRepository?: string;
  /** Image tag. Default: `"2.6.0-gpu-py312"` on GPU instances, `"2.6.0-cpu-py312"` otherwise. */
  imageTag?: string;
  /**
   * Container environment. Default: `{ SAGEMAKER_PROGRAM: "inference.py", SAGEMAKER_SUBMIT_DIRECTORY:
   * "/opt/ml/model/code", SAGEMAKER_CONTAINER_LOG_LEVEL: "20" }` (the PyTorch serving convention: code/ inside the
   * model archive).
   */
  containerEnvironment?: Record<string, string>;
  /**
   * Run the container without network access (the model data is still downloaded by SageMaker). Turn off only if
   * the model's code installs packages at start-up. Default: `true`.
   */
  enableNetworkIsolation?: boolean;
  /**
   * KMS key ARN for the instances' storage volumes. Default: a new key with yearly rotation. Types with local NVMe
   * instance storage (ml.g4dn, ml.g5, ml.m5d, ...) encrypt it in hardware and SageMaker rejects a KMS key for them,
   * so for those no key is created or accepted.
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Protect the KMS key this component creates: deleting a key makes everything it encrypted unreadable, and a key
   * scheduled for deletion breaks the running endpoint. The endpoint itself stays unprotected, since an
   * instance-type change replaces it. Default: `false`.
   */
  protectKey?: boolean;
  /** Blue/green deployments with auto-rollback on 5xx errors. Default: undefined (SageMaker's default update). */
  blueGreen?: BlueGreenDeploymentArgs;
  /**
   * Timeouts for the Endpoint child (creation and blue/green updates can take long). A component-level
   * customTimeouts would not reach it. Default: `{ create: "60m", update: "90m", delete: "30m" }`.
   */
  endpointTimeouts?: pulumi.CustomTimeouts;
  /** Base of the endpoint name, `<base>-<8 hex of the variant shape>`. Default: the component name, lower-cased. */
  endpointNameBase?: string;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

const DEFAULTS = {
  minCapacity: 1,
  maxCapacity: 2,
  targetInvocationsPerInstance: 100,
  targetConcurrentRequestsPerModel: 1,
  scaleInCooldownSeconds: 300,
  scaleOutCooldownSeconds: 60,
  imageRepository: "pytorch-inference",
  endpointTimeouts: { create: "60m", update: "90m", delete: "30m" },
  blueGreen: {
    trafficRouting: "CANARY",
    stepPercent: 20,
    waitIntervalSeconds: 300,
    terminationWaitSeconds: 120,
    rollbackOn5xxErrorsPerMinute: 1,
  },
} as const;

export const DEFAULT_CONTAINER_ENVIRONMENT: Readonly<Record<string, string>> = {
  SAGEMAKER_PROGRAM: "inference.py",
  SAGEMAKER_SUBMIT_DIRECTORY: "/opt/ml/model/code",
  SAGEMAKER_CONTAINER_LOG_LEVEL: "20",
};

/** Default Deep Learning Container tag for the instance: GPU build on GPU instances, CPU build otherwise. */
export function defaultImageTag(instance: InstanceType): string {
  return instance.accelerator === "gpu" ? "2.6.0-gpu-py312" : "2.6.0-cpu-py312";
}

/**
 * Whether the instance type has local NVMe instance storage, for which SageMaker rejects `KmsKeyId` (the storage is
 * encrypted in hardware). Attribute `d` (m5d, c5d, g4dn, p4d, ...) or a family whose every size has it (g5 and
 * later G generations, trn).
 */
export function hasInstanceStorage(instance: InstanceType): boolean {
  if (instance.attributes.includes("d")) return true;
  if (instance.family === "g" && instance.generation >= 5) return true;
  return instance.family === "trn";
}

/** Why `url` is not a usable ModelDataUrl, or undefined when it is. */
export function modelDataUrlProblem(url: unknown): string | undefined {
  const s3 = typeof url === "string" ? parseS3Url(url) : undefined;
  if (!s3) return `must be an S3 URL s3://<bucket>/<key>.tar.gz; got ${JSON.stringify(url)}`;
  if (!S3_BUCKET_PATTERN.test(s3.bucket)) return `"${s3.bucket}" is not a valid S3 bucket name`;
  return modelKeyProblem(s3.key);
}

/** Why `key` is not a usable model archive key, or undefined when it is. */
export function modelKeyProblem(key: string): string | undefined {
  if (key.startsWith("/") || key.includes("//"))
    return `"${key}" is not a valid S3 key (no leading or double "/")`;
  if (!key.endsWith(".tar.gz")) {
    return `must point at a model archive (.tar.gz), as SageMaker requires for ModelDataUrl; got key "${key}"`;
  }
  return undefined;
}

export interface ValidateEndpointOptions {
  /** Skip the modelDataUrl check (the stack config checks its own relative-key form). */
  readonly skipModelDataUrl?: boolean;
  /** The component name, which the model, endpoint configuration and (by default) endpoint names derive from. */
  readonly name?: string;
}

export function validateScalableEndpointArgs(
  args: ScalableEndpointArgs,
  options: ValidateEndpointOptions = {},
): Violation[] {
  const v = new Violations();
  // Children are auto-named `<name>-model-<7 hex>` and `<name>-config-<7 hex>`.
  if (options.name !== undefined) {
    checkSageMakerBaseName(v, options.name, "-config".length);
    // The model's role is auto-named `<name>-model-role-<7 hex>`.
    checkIamRoleBaseName(v, options.name, "-model-role");
  }
  const autoscaling = args.autoscaling ?? true;
  const instance = checkInstanceType(v, "instanceType", args.instanceType, "sagemaker");
  if (instance?.burstable && autoscaling) {
    v.add(
      "instanceType",
      `burstable ${args.instanceType} can't be autoscaled (CPU credits make invocations per instance a false ` +
        `signal); use a fixed-performance type such as ml.m5.large or ml.c5.large`,
    );
  }
  const min = args.minCapacity ?? DEFAULTS.minCapacity;
  const max = args.maxCapacity ?? DEFAULTS.maxCapacity;
  const initial = args.initialInstanceCount ?? min;
  const minOk = checkInteger(v, "minCapacity", args.minCapacity, 1);
  const maxOk = checkInteger(v, "maxCapacity", args.maxCapacity, 1);
  const initialOk = checkInteger(v, "initialInstanceCount", args.initialInstanceCount, 1);
  if (minOk && maxOk && initialOk) {
    if (!v.check(min <= max, "maxCapacity", `must be ≥ minCapacity (${min}); got ${max}`)) {
      // min > max: the initial-count rule below would only repeat the problem.
    } else {
      v.check(
        min <= initial && initial <= max,
        "initialInstanceCount",
        `must be between minCapacity (${min}) and maxCapacity (${max}): 1 ≤ min ≤ initial ≤ max; got ${initial}`,
      );
    }
  }
  if (args.targetInvocationsPerInstance !== undefined) {
    v.check(
      typeof args.targetInvocationsPerInstance === "number" &&
        Number.isFinite(args.targetInvocationsPerInstance) &&
        args.targetInvocationsPerInstance > 0,
      "targetInvocationsPerInstance",
      `must be a number > 0 (invocations per instance per minute); got ${JSON.stringify(args.targetInvocationsPerInstance)}`,
    );
  }
  if (args.scalingMetric !== undefined) {
    v.check(
      Object.keys(SCALING_METRICS).includes(args.scalingMetric),
      "scalingMetric",
      `must be one of ${Object.keys(SCALING_METRICS).join(", ")}; got ${JSON.stringify(args.scalingMetric)}`,
    );
  }
  if (args.targetConcurrentRequestsPerModel !== undefined) {
    v.check(
      typeof args.targetConcurrentRequestsPerModel === "number" &&
        Number.isFinite(args.targetConcurrentRequestsPerModel) &&
        args.targetConcurrentRequestsPerModel > 0,
      "targetConcurrentRequestsPerModel",
      `must be a number > 0 (concurrent requests per model); got ${JSON.stringify(args.targetConcurrentRequestsPerModel)}`,
    );
  }
  checkInteger(v, "scaleInCooldownSeconds", args.scaleInCooldownSeconds, 0, 86400, "seconds");
  checkInteger(v, "scaleOutCooldownSeconds", args.scaleOutCooldownSeconds, 0, 86400, "seconds");

  if (!options.skipModelDataUrl) {
    const url = knownValue(args.modelDataUrl);
    // An Output or Promise is checked when it resolves (see the model role's policy).
    if (url !== undefined || args.modelDataUrl === undefined) {
      const problem = modelDataUrlProblem(url);
      if (problem) v.add("modelDataUrl", problem);
    }
  }
  if (args.imageRepository !== undefined) {
    v.check(
      /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(args.imageRepository),
      "imageRepository",
      `"${args.imageRepository}" is not an ECR repository name`,
    );
  }
  if (args.imageTag !== undefined) {
    if (
      v.check(
        IMAGE_TAG_PATTERN.test(args.imageTag),
        "imageTag",
        `"${args.imageTag}" is not a Docker image tag`,
      )
    ) {
      if (instance && /-gpu-/.test(args.imageTag) && instance.accelerator !== "gpu") {
        v.add(
          "imageTag",
          `"${args.imageTag}" is a GPU image but ${args.instanceType} has no GPU; use a -cpu- tag`,
        );
      }
      if (instance && /-cpu-/.test(args.imageTag) && instance.accelerator === "gpu") {
        v.add(
          "imageTag",
          `"${args.imageTag}" is a CPU image on GPU instance ${args.instanceType}; use a -gpu- tag`,
        );
      }
    }
  }
  if (instance && hasInstanceStorage(instance) && args.kmsKeyArn !== undefined) {
    v.add(
      "kmsKeyArn",
      `${args.instanceType} has local NVMe instance storage, which is encrypted in hardware; SageMaker rejects a ` +
        `KMS key for it. Drop kmsKeyArn or choose a type without instance storage`,
    );
  }
  if (args.endpointNameBase !== undefined) {
    v.check(
      SAGEMAKER_NAME_PATTERN.test(args.endpointNameBase) && args.endpointNameBase.length <= 54,
      "endpointNameBase",
      "must be letters, digits and hyphens, at most 54 characters (9 more are the variant-shape digest)",
    );
  }
  const bg = args.blueGreen;
  if (bg !== undefined) {
    const routing = bg.trafficRouting ?? DEFAULTS.blueGreen.trafficRouting;
    v.check(
      (TRAFFIC_ROUTING_TYPES as readonly string[]).includes(routing),
      "blueGreen.trafficRouting",
      `must be one of ${TRAFFIC_ROUTING_TYPES.join(", ")}; got ${JSON.stringify(routing)}`,
    );
    if (routing === "CANARY") checkInteger(v, "blueGreen.stepPercent", bg.stepPercent, 1, 50, "percent");
    if (routing === "LINEAR") checkInteger(v, "blueGreen.stepPercent", bg.stepPercent, 10, 50, "percent");
    checkInteger(v, "blueGreen.waitIntervalSeconds", bg.waitIntervalSeconds, 0, 3600, "seconds");
    checkInteger(v, "blueGreen.terminationWaitSeconds", bg.terminationWaitSeconds, 0, 3600, "seconds");
    checkInteger(v, "blueGreen.rollbackOn5xxErrorsPerMinute", bg.rollbackOn5xxErrorsPerMinute, 1);
    if (routing === "CANARY" || routing === "LINEAR") {
      v.check(
        initial >= 2,
        "blueGreen.trafficRouting",
        `${routing} shifts part of the fleet at a time and needs initialInstanceCount ≥ 2; use ALL_AT_ONCE for one instance`,
      );
    }
  }
  checkTags(v, args.tags);
  return [...v.items];
}

/**
 * A SageMaker real-time endpoint serving a PyTorch model, with instance autoscaling on invocations per instance.
 *
 * - Model and EndpointConfiguration are auto-named (never `name`): a change creates a new configuration, updates the
 *   Endpoint in place, then deletes the old configuration.
 * - The Endpoint's name is `<base>-<digest of the variant shape>` so that an instance-type change, which
 *   UpdateEndpoint refuses on an autoscaled variant, becomes a create-before-delete replacement (see
 *   docs/architecture.md, "Changing the endpoint's instance type").
 * - Scaling: an Application Auto Scaling target on `endpoint/<name>/variant/AllTraffic` and a TargetTrackingScaling
 *   policy wired to the target's outputs, with explicit cooldowns.
 * - Optional blue/green deployments that roll back on a CloudWatch alarm on the variant's Invocation5XXErrors.
 */
export class ScalableEndpoint extends pulumi.ComponentResource {
  /** The endpoint's name (what the inference function invokes). */
  readonly endpointName: pulumi.Output<string>;
  /** The endpoint's ARN (lower case), for IAM policies. */
  readonly endpointArn: pulumi.Output<string>;
  /** The production variant's name, `AllTraffic`. */
  readonly variantName: string;
  readonly endpoint: aws.sagemaker.Endpoint;
  readonly endpointConfiguration: aws.sagemaker.EndpointConfiguration;
  readonly scalingTarget?: aws.appautoscaling.Target;
  readonly scalingPolicy?: aws.appautoscaling.Policy;
  readonly rollbackAlarm?: aws.cloudwatch.MetricAlarm;

  constructor(name: string, args: ScalableEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfInvalid(SCALABLE_ENDPOINT_TYPE, name, validateScalableEndpointArgs(args, { name }));
    super(SCALABLE_ENDPOINT_TYPE, name, {}, opts);

    const instance = checkInstanceType(new Violations(), "instanceType", args.instanceType, "sagemaker")!;
    const autoscaling = args.autoscaling ?? true;
    const minCapacity = args.minCapacity ?? DEFAULTS.minCapacity;
    const maxCapacity = args.maxCapacity ?? DEFAULTS.maxCapacity;
    const initialInstanceCount = args.initialInstanceCount ?? minCapacity;
    const tags = { ...args.tags, "ml-platform:component": SCALABLE_ENDPOINT_TYPE };
    const endpointNameBase = (args.endpointNameBase ?? name).toLowerCase();
    const endpointName = endpointNameFor(endpointNameBase, {
      variants: { [VARIANT_NAME]: args.instanceType },
    });
    this.variantName = VARIANT_NAME;

    const ctx = awsContextOutput(this);
    const image = aws.sagemaker.getPrebuiltEcrImageOutput(
      {
        repositoryName: args.imageRepository ?? DEFAULTS.imageRepository,
        imageTag: args.imageTag ?? defaultImageTag(instance),
      },
      { parent: this },
    );

    const { role, policy: rolePolicy } = createServiceRole(this, `${name}-model`, {
      service: "sagemaker.amazonaws.com",
      description: `Execution role of the SageMaker model behind endpoint ${endpointNameBase}`,
      policy: renderPolicy({ ctx, image, modelDataUrl: args.modelDataUrl }, (r) => {
        const problem = modelDataUrlProblem(r.modelDataUrl);
        if (problem) throw new Error(`${SCALABLE_ENDPOINT_TYPE} "${name}": modelDataUrl ${problem}`);
        const s3 = parseS3Url(r.modelDataUrl)!;
        return modelExecutionPolicy({
          ctx: r.ctx,
          artifactPrefixArn: s3ObjectPrefixArn(r.ctx.partition, s3.bucket, keyDirectory(s3.key)),
          ecrRepositoryArn: `arn:${r.ctx.partition}:ecr:${r.ctx.region}:${r.image.registryId}:repository/${r.image.repositoryName}`,
          endpointNamePrefix: endpointNameBase,
        });
      }),
      tags,
    });

    const model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        executionRoleArn: role.arn,
        primaryContainer: {
          image: image.registryPath,
          modelDataUrl: args.modelDataUrl,
          environment: { ...(args.containerEnvironment ?? DEFAULT_CONTAINER_ENVIRONMENT) },
        },
        enableNetworkIsolation: args.enableNetworkIsolation ?? true,
        tags,
      },
      // CreateModel checks the role can read the artifact and pull the image: the policy must exist first.
      { parent: this, dependsOn: [rolePolicy] },
    );

    const kmsKeyArn = hasInstanceStorage(instance)
      ? undefined
      : (args.kmsKeyArn ??
        new aws.kms.Key(
          `${name}-key`,
          {
            description: `Encrypts the storage volumes of endpoint ${endpointNameBase}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags,
          },
          { parent: this, ...(args.protectKey ? { protect: true } : {}) },
        ).arn);

    // No `name`: every argument of an endpoint configuration forces replacement, and only an auto-name lets the new
    // one be created before the old one is deleted (pitfall 1 in the reference).
    this.endpointConfiguration = new aws.sagemaker.EndpointConfiguration(
      `${name}-config`,
      {
        productionVariants: [
          {
            variantName: VARIANT_NAME,
            modelName: model.name,
            instanceType: args.instanceType,
            initialInstanceCount,
            initialVariantWeight: 1,
          },
        ],
        ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
        tags,
      },
      { parent: this },
    );

    let deploymentConfig: aws.types.input.sagemaker.EndpointDeploymentConfig | undefined;
    if (args.blueGreen) {
      const bg = { ...DEFAULTS.blueGreen, ...args.blueGreen };
      this.rollbackAlarm = new aws.cloudwatch.MetricAlarm(
        `${name}-5xx-rollback`,
        {
          alarmDescription: `Rolls back a blue/green update of endpoint ${endpointName} on 5xx errors`,
          namespace: "AWS/SageMaker",
          metricName: "Invocation5XXErrors",
          // The name is known up front (shape-derived), so the alarm needs no dependency on the endpoint it guards.
          dimensions: { EndpointName: endpointName, VariantName: VARIANT_NAME },
          statistic: "Sum",
          period: 60,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          threshold: bg.rollbackOn5xxErrorsPerMinute,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          tags,
        },
        { parent: this },
      );
      const step = { type: "CAPACITY_PERCENT", value: bg.stepPercent };
      deploymentConfig = {
        blueGreenUpdatePolicy: {
          trafficRoutingConfiguration: {
            type: bg.trafficRouting,
            waitIntervalInSeconds: bg.waitIntervalSeconds,
            ...(bg.trafficRouting === "CANARY" ? { canarySize: step } : {}),
            ...(bg.trafficRouting === "LINEAR" ? { linearStepSize: step } : {}),
          },
          terminationWaitInSeconds: bg.terminationWaitSeconds,
        },
        autoRollbackConfiguration: { alarms: [{ alarmName: this.rollbackAlarm.name }] },
      };
    }

    this.endpoint = new aws.sagemaker.Endpoint(
      name,
      {
        name: endpointName,
        endpointConfigName: this.endpointConfiguration.name,
        ...(deploymentConfig ? { deploymentConfig } : {}),
        tags: { ...tags, "ml-platform:variant-shape": `${VARIANT_NAME}=${args.instanceType}` },
      },
      {
        parent: this,
        customTimeouts: args.endpointTimeouts ?? DEFAULTS.endpointTimeouts,
        // Never delete-before-replace: a shape change must bring the new endpoint up before the old one goes.
        deleteBeforeReplace: false,
      },
    );

    if (autoscaling) {
      this.scalingTarget = new aws.appautoscaling.Target(
        `${name}-target`,
        {
          serviceNamespace: "sagemaker",
          resourceId: pulumi.interpolate`endpoint/${this.endpoint.name}/variant/${VARIANT_NAME}`,
          scalableDimension: SCALABLE_DIMENSION,
          minCapacity,
          maxCapacity,
          // roleArn unset: Application Auto Scaling uses its SageMaker service-linked role.
          tags,
        },
        { parent: this },
      );
      // Wired to the target's outputs, so the policy is created after and deleted before the target.
      this.scalingPolicy = new aws.appautoscaling.Policy(
        `${name}-scaling`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: this.scalingTarget.serviceNamespace,
          resourceId: this.scalingTarget.resourceId,
          scalableDimension: this.scalingTarget.scalableDimension,
          targetTrackingScalingPolicyConfiguration: {
            ...(args.scalingMetric === "concurrentRequestsPerModel"
              ? {
                  targetValue:
                    args.targetConcurrentRequestsPerModel ?? DEFAULTS.targetConcurrentRequestsPerModel,
                  predefinedMetricSpecification: { predefinedMetricType: HIGH_RESOLUTION_SCALING_METRIC },
                }
              : {
                  targetValue: args.targetInvocationsPerInstance ?? DEFAULTS.targetInvocationsPerInstance,
                  predefinedMetricSpecification: { predefinedMetricType: SCALING_METRIC },
                }),
            scaleInCooldown: args.scaleInCooldownSeconds ?? DEFAULTS.scaleInCooldownSeconds,
            scaleOutCooldown: args.scaleOutCooldownSeconds ?? DEFAULTS.scaleOutCooldownSeconds,
            disableScaleIn: false,
          },
        },
        { parent: this },
      );
    }

    this.endpointName = this.endpoint.name;
    this.endpointArn = this.endpoint.arn;
    this.registerOutputs({ endpointName: this.endpointName, endpointArn: this.endpointArn });
  }
}
