/**
 * The arguments of the ScalableEndpoint component: their types, their defaults (written once, in
 * `SCALABLE_ENDPOINT_DEFAULTS`) and the validator the component and the stack config both run.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { hasLocalInstanceStorage, type InstanceType } from "@ml-platform/aws-facts/instance-types";
import { parseS3Url } from "@ml-platform/aws-facts/iam-policies";
import { SAGEMAKER_NAME_PATTERN } from "./lib/naming";
import {
  ArgProblems,
  checkIamRoleBaseName,
  checkInstanceType,
  checkInteger,
  checkSageMakerBaseName,
  checkTags,
  knownValue,
  type ArgsValidator,
} from "./lib/validation";

/**
 * How a blue/green update moves traffic to the new fleet (SageMaker's TrafficRoutingConfig Type,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html). An `as const` object
 * rather than a union, so that the package schema gets a named enum other languages can use.
 */
export const TrafficRouting = {
  /** Shift all traffic at once, after the new fleet passes its health checks. */
  AllAtOnce: "ALL_AT_ONCE",
  /** Shift a first slice (`stepPercent`), watch the alarm, then the rest. */
  Canary: "CANARY",
  /** Shift equal steps of `stepPercent`, watching the alarm between steps. */
  Linear: "LINEAR",
} as const;
export type TrafficRouting = (typeof TrafficRouting)[keyof typeof TrafficRouting];
export const TRAFFIC_ROUTING_TYPES: readonly TrafficRouting[] = Object.values(TrafficRouting);

const S3_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Blue/green UpdateEndpoint with automatic rollback on the variant's 5xx errors (recommended for prod). */
export interface BlueGreenDeploymentArgs {
  /**
   * How traffic moves to the new fleet: `"ALL_AT_ONCE"`, `"CANARY"` (a first slice, then the rest) or `"LINEAR"`
   * (equal steps). Default: `SCALABLE_ENDPOINT_DEFAULTS.blueGreen.trafficRouting`.
   */
  trafficRouting?: TrafficRouting;
  /** CANARY: the first slice; LINEAR: each step, as a percentage of capacity (CANARY 1-50, LINEAR 10-50).
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.blueGreen.stepPercent`.
   */
  stepPercent?: number;
  /**
   * Seconds to watch the alarm between traffic steps (and before finishing), 0-3600.
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.blueGreen.waitIntervalSeconds`.
   */
  waitIntervalSeconds?: number;
  /**
   * Seconds to keep the old fleet after the shift completes, 0-3600.
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.blueGreen.terminationWaitSeconds`.
   */
  terminationWaitSeconds?: number;
  /**
   * 5xx errors per minute on the variant that trigger a rollback (≥ 1).
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.blueGreen.rollbackOn5xxErrorsPerMinute`.
   */
  rollbackOn5xxErrorsPerMinute?: number;
}

export interface ScalableEndpointArgs {
  /** SageMaker instance type with the `ml.` prefix. Burstable `ml.t*` types are rejected while autoscaling is on. */
  instanceType: string;
  /** Instances at creation, between minCapacity and maxCapacity. Default: `minCapacity`. */
  initialInstanceCount?: number;
  /** Fewest instances autoscaling may leave, ≥ 1. Default: `SCALABLE_ENDPOINT_DEFAULTS.minCapacity`. */
  minCapacity?: number;
  /** Most instances autoscaling may add, ≥ minCapacity. Default: `SCALABLE_ENDPOINT_DEFAULTS.maxCapacity`. */
  maxCapacity?: number;
  /**
   * Target of `SageMakerVariantInvocationsPerInstance` (invocations per instance per minute), > 0. A good start is
   * CDK's 0.5 × the instance's maximum requests per second × 60.
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.targetInvocationsPerInstance`.
   */
  targetInvocationsPerInstance?: number;
  /**
   * What target tracking follows: `"invocationsPerInstance"` (1-minute `SageMakerVariantInvocationsPerInstance`,
   * target `targetInvocationsPerInstance`) or `"concurrentRequestsPerModel"` (10-second
   * `SageMakerVariantConcurrentRequestsPerModelHighResolution`, target `targetConcurrentRequestsPerModel`), which
   * reacts to a spike in ~30 s instead of ~4 minutes
   * (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html). AWS does not say
   * whether CPU instance types emit it; check the metric exists in CloudWatch. `npm run capacity` shows the
   * difference. Default: `SCALABLE_ENDPOINT_DEFAULTS.scalingMetric`.
   */
  scalingMetric?: ScalingMetric;
  /**
   * Target concurrent requests per model (in flight plus queued) for `concurrentRequestsPerModel`, > 0.
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.targetConcurrentRequestsPerModel`.
   */
  targetConcurrentRequestsPerModel?: number;
  /**
   * Seconds after a scale-in before another scale-in, integer ≥ 0.
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.scaleInCooldownSeconds` (the service's own default).
   */
  scaleInCooldownSeconds?: number;
  /**
   * Seconds after a scale-out before another scale-out, integer ≥ 0.
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.scaleOutCooldownSeconds`.
   */
  scaleOutCooldownSeconds?: number;
  /**
   * Instance autoscaling; `false` gives a fixed fleet of `initialInstanceCount`.
   * Default: `SCALABLE_ENDPOINT_DEFAULTS.autoscaling`.
   */
  autoscaling?: boolean;
  /**
   * The model artifact, `s3://<bucket>/<key>.tar.gz`. The model role may read only its key prefix ("directory").
   * An Output (e.g. built from a bucket resource) is checked when it resolves.
   */
  modelDataUrl: pulumi.Input<string>;
  /**
   * A local model archive (`.tar.gz`) to upload to `modelDataUrl` before the model is created, so that the first
   * `pulumi up` of a new stack (whose bucket is still empty) works in one step instead of leaving the endpoint
   * Creating until it fails. Its SHA-256 goes into the container environment (`MODEL_ARCHIVE_SHA256`), so a changed
   * archive rolls out as a new model. Default: none (the artifact must already be at `modelDataUrl`).
   */
  modelArchive?: string;
  /** Deep Learning Container repository. Default: `SCALABLE_ENDPOINT_DEFAULTS.imageRepository`. */
  imageRepository?: string;
  /**
   * Image tag. Default: `SCALABLE_ENDPOINT_DEFAULTS.imageTag` `.gpu` on GPU instances, `.cpu` otherwise
   * (see `defaultImageTag`).
   */
  imageTag?: string;
  /**
   * Container environment. Default: `SCALABLE_ENDPOINT_DEFAULTS.containerEnvironment` (the PyTorch serving
   * convention: code/ inside the model archive).
   */
  containerEnvironment?: Record<string, string>;
  /**
   * Run the container without network access (the model data is still downloaded by SageMaker). Turn off only if
   * the model's code installs packages at start-up. Default: `SCALABLE_ENDPOINT_DEFAULTS.enableNetworkIsolation`.
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
   * instance-type change replaces it. Default: `SCALABLE_ENDPOINT_DEFAULTS.protectKey`.
   */
  protectKey?: boolean;
  /** Blue/green deployments with auto-rollback on 5xx errors. Default: undefined (SageMaker's default update). */
  blueGreen?: BlueGreenDeploymentArgs;
  /**
   * Timeouts for the Endpoint child (creation and blue/green updates can take long). A component-level
   * customTimeouts would not reach it. Default: `SCALABLE_ENDPOINT_DEFAULTS.endpointTimeouts`.
   */
  endpointTimeouts?: pulumi.CustomTimeouts;
  /** Base of the endpoint name, `<base>-<8 hex of the variant shape>`. Default: the component name, lower-cased. */
  endpointNameBase?: string;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Every default of `ScalableEndpointArgs`, written once (the JSDoc above cites these). */
/** What target tracking follows (see `ScalableEndpointArgs.scalingMetric`); a named enum in the package schema. */
export const ScalingMetric = {
  /** `SageMakerVariantInvocationsPerInstance`, 1-minute resolution. */
  InvocationsPerInstance: "invocationsPerInstance",
  /** `SageMakerVariantConcurrentRequestsPerModelHighResolution`, 10-second resolution. */
  ConcurrentRequestsPerModel: "concurrentRequestsPerModel",
} as const;
export type ScalingMetric = (typeof ScalingMetric)[keyof typeof ScalingMetric];

/** The values `scalingMetric` accepts. */
export const SCALING_METRIC_NAMES: readonly string[] = Object.values(ScalingMetric);

export const SCALABLE_ENDPOINT_DEFAULTS = {
  minCapacity: 1,
  maxCapacity: 2,
  targetInvocationsPerInstance: 100,
  scalingMetric: "invocationsPerInstance",
  targetConcurrentRequestsPerModel: 1,
  scaleInCooldownSeconds: 300,
  scaleOutCooldownSeconds: 60,
  autoscaling: true,
  imageRepository: "pytorch-inference",
  /** By the instance's accelerator: see `defaultImageTag`. */
  imageTag: { gpu: "2.6.0-gpu-py312", cpu: "2.6.0-cpu-py312" },
  containerEnvironment: {
    SAGEMAKER_PROGRAM: "inference.py",
    SAGEMAKER_SUBMIT_DIRECTORY: "/opt/ml/model/code",
    SAGEMAKER_CONTAINER_LOG_LEVEL: "20",
  } as Readonly<Record<string, string>>,
  enableNetworkIsolation: true,
  protectKey: false,
  endpointTimeouts: { create: "60m", update: "90m", delete: "30m" },
  blueGreen: {
    trafficRouting: "CANARY",
    stepPercent: 20,
    waitIntervalSeconds: 300,
    terminationWaitSeconds: 120,
    rollbackOn5xxErrorsPerMinute: 1,
  },
} as const;

export const DEFAULT_CONTAINER_ENVIRONMENT: Readonly<Record<string, string>> =
  SCALABLE_ENDPOINT_DEFAULTS.containerEnvironment;

/** Default Deep Learning Container tag for the instance: GPU build on GPU instances, CPU build otherwise. */
export function defaultImageTag(instance: InstanceType): string {
  const tags = SCALABLE_ENDPOINT_DEFAULTS.imageTag;
  return instance.accelerator === "gpu" ? tags.gpu : tags.cpu;
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

/** Every problem with the arguments (see `ArgsValidator`). */
export const validateScalableEndpointArgs: ArgsValidator<ScalableEndpointArgs> = (args, options = {}) => {
  const v = new ArgProblems();
  // Children are auto-named `<name>-model-<7 hex>` and `<name>-config-<7 hex>`.
  if (options.name !== undefined) {
    checkSageMakerBaseName(v, options.name, "-config".length);
    // The model's role is auto-named `<name>-model-role-<7 hex>`.
    checkIamRoleBaseName(v, options.name, "-model-role");
  }
  const autoscaling = args.autoscaling ?? SCALABLE_ENDPOINT_DEFAULTS.autoscaling;
  const instance = checkInstanceType(v, "instanceType", args.instanceType, "sagemaker");
  if (instance?.burstable && autoscaling) {
    v.add(
      "instanceType",
      `burstable ${args.instanceType} can't be autoscaled (CPU credits make invocations per instance a false ` +
        `signal); use a fixed-performance type such as ml.m5.large or ml.c5.large`,
    );
  }
  const min = args.minCapacity ?? SCALABLE_ENDPOINT_DEFAULTS.minCapacity;
  const max = args.maxCapacity ?? SCALABLE_ENDPOINT_DEFAULTS.maxCapacity;
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
      SCALING_METRIC_NAMES.includes(args.scalingMetric),
      "scalingMetric",
      `must be one of ${SCALING_METRIC_NAMES.join(", ")}; got ${JSON.stringify(args.scalingMetric)}`,
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

  if (!options.skip?.includes("modelDataUrl")) {
    const url = knownValue(args.modelDataUrl);
    // An Output or Promise is checked when it resolves (see the model role's policy).
    if (url !== undefined || args.modelDataUrl === undefined) {
      const problem = modelDataUrlProblem(url);
      if (problem) v.add("modelDataUrl", problem);
    }
  }
  if (args.modelArchive !== undefined) {
    if (typeof args.modelArchive !== "string" || !args.modelArchive.endsWith(".tar.gz")) {
      v.add(
        "modelArchive",
        `must be the path of a .tar.gz model archive; got ${JSON.stringify(args.modelArchive)}`,
      );
    } else if (!existsSync(args.modelArchive)) {
      v.add(
        "modelArchive",
        `${resolve(args.modelArchive)} does not exist (a relative path is read from the project directory)`,
      );
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
  if (instance && hasLocalInstanceStorage(instance) && args.kmsKeyArn !== undefined) {
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
    const routing = bg.trafficRouting ?? SCALABLE_ENDPOINT_DEFAULTS.blueGreen.trafficRouting;
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
};
