import {
  CONCURRENT_REQUESTS_PER_MODEL_METRIC,
  INVOCATIONS_PER_INSTANCE_METRIC,
  SAGEMAKER_SERVICE_NAMESPACE,
  SAGEMAKER_VARIANT_DIMENSION,
} from "@ml-platform/aws-facts/autoscaling";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContextOutput } from "./lib/aws-context";
import { hasLocalInstanceStorage } from "@ml-platform/aws-facts/instance-types";
import {
  keyDirectory,
  modelExecutionPolicy,
  parseS3Url,
  renderPolicy,
  s3ObjectPrefixArn,
  SERVICE_PRINCIPALS,
} from "@ml-platform/aws-facts/iam-policies";
import { endpointNameFor, endpointNamePrefix } from "./lib/naming";
import { createServiceRole } from "./lib/service-role";
import { componentType, withLegacyTypeAlias } from "./lib/type-token";
import { ArgProblems, checkInstanceType, throwIfInvalid } from "./lib/validation";
import {
  defaultImageTag,
  modelDataUrlProblem,
  SCALABLE_ENDPOINT_DEFAULTS as DEFAULTS,
  validateScalableEndpointArgs,
  type BlueGreenDeploymentArgs,
  type ScalableEndpointArgs,
} from "./scalable-endpoint.args";

export {
  DEFAULT_CONTAINER_ENVIRONMENT,
  defaultImageTag,
  modelDataUrlProblem,
  modelKeyProblem,
  SCALABLE_ENDPOINT_DEFAULTS,
  TRAFFIC_ROUTING_TYPES,
  ScalingMetric,
  TrafficRouting,
  validateScalableEndpointArgs,
  type BlueGreenDeploymentArgs,
  type ScalableEndpointArgs,
} from "./scalable-endpoint.args";

export const SCALABLE_ENDPOINT_TYPE = componentType("ScalableEndpoint");
/** The token before the components were a package; existing stacks' URNs carry it (see withLegacyTypeAlias). */
export const SCALABLE_ENDPOINT_LEGACY_TYPE = "ml-platform:sagemaker:ScalableEndpoint";

/** The one production variant's name. Explicit, because the scalable target's resourceId contains it. */
export const VARIANT_NAME = "AllTraffic";
export const SCALABLE_DIMENSION = SAGEMAKER_VARIANT_DIMENSION;
export const SCALING_METRIC = INVOCATIONS_PER_INSTANCE_METRIC;
/**
 * The predefined high-resolution metric: concurrent requests per model (queued ones included), emitted every
 * 10 s, so scale-out reacts in ~30 s instead of minutes.
 */
export const HIGH_RESOLUTION_SCALING_METRIC = CONCURRENT_REQUESTS_PER_MODEL_METRIC;
/** `scalingMetric` values and the predefined metric each selects. */
export const SCALING_METRICS = {
  invocationsPerInstance: SCALING_METRIC,
  concurrentRequestsPerModel: HIGH_RESOLUTION_SCALING_METRIC,
} as const;

/**
 * A SageMaker real-time endpoint serving a PyTorch model, with instance autoscaling on invocations per instance.
 *
 * - Model and EndpointConfiguration are auto-named (never `name`): a change creates a new configuration and updates
 *   the Endpoint in place. The old ones are kept on delete (`retainOnDelete`), so an endpoint that auto-rollback
 *   returned to them keeps working (docs/architecture.md, "Day 2").
 * - The Endpoint's name is `<base>-<digest of the variant shape and auto-rollback>` so that an instance-type change,
 *   which UpdateEndpoint refuses on an autoscaled variant, becomes a create-before-delete replacement (see
 *   docs/architecture.md, "Changing the endpoint's instance type"). Grant invocation on `invokeArnPattern`.
 * - Scaling: an Application Auto Scaling target on `endpoint/<name>/variant/AllTraffic` and a TargetTrackingScaling
 *   policy wired to the target's outputs, with explicit cooldowns.
 * - Optional blue/green deployments that roll back on a CloudWatch alarm on the variant's Invocation5XXErrors.
 */
export class ScalableEndpoint extends pulumi.ComponentResource {
  /** The endpoint's name (what the inference function invokes). */
  readonly endpointName: pulumi.Output<string>;
  /** The endpoint's ARN (lower case). It changes when the endpoint is replaced. */
  readonly endpointArn: pulumi.Output<string>;
  /**
   * `arn:<partition>:sagemaker:<region>:<account>:endpoint/<base>-*`: every generation of this endpoint's name, in
   * lower case as SageMaker ARNs are. Grant `sagemaker:InvokeEndpoint` on this rather than on `endpointArn`:
   * a replacement (instance-type change) then leaves the grant unchanged, so callers still running against the old
   * endpoint keep access until they move, and the new one is invokable from its creation.
   */
  readonly invokeArnPattern: pulumi.Output<string>;
  /**
   * Instances the variant runs right after any UpdateEndpoint (a model rollout, a blue/green update), whatever
   * autoscaling had reached: UpdateEndpoint's RetainAllVariantProperties defaults to false and the provider does not
   * expose it (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html), so the variant
   * restarts from the configuration's initialInstanceCount and autoscaling scales it up again from there.
   */
  readonly rolloutInstanceCount: number;
  /** The production variant's name, `AllTraffic`. */
  readonly variantName: string;
  readonly endpoint: aws.sagemaker.Endpoint;
  readonly endpointConfiguration: aws.sagemaker.EndpointConfiguration;
  readonly scalingTarget?: aws.appautoscaling.Target;
  readonly scalingPolicy?: aws.appautoscaling.Policy;
  readonly rollbackAlarm?: aws.cloudwatch.MetricAlarm;

  constructor(name: string, args: ScalableEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfInvalid(SCALABLE_ENDPOINT_TYPE, name, validateScalableEndpointArgs(args, { name }));
    super(SCALABLE_ENDPOINT_TYPE, name, {}, withLegacyTypeAlias(opts, SCALABLE_ENDPOINT_LEGACY_TYPE));

    const instance = checkInstanceType(new ArgProblems(), "instanceType", args.instanceType, "sagemaker")!;
    const autoscaling = args.autoscaling ?? DEFAULTS.autoscaling;
    const minCapacity = args.minCapacity ?? DEFAULTS.minCapacity;
    const maxCapacity = args.maxCapacity ?? DEFAULTS.maxCapacity;
    const initialInstanceCount = args.initialInstanceCount ?? minCapacity;
    const tags = { ...args.tags, "ml-platform:component": SCALABLE_ENDPOINT_LEGACY_TYPE };
    const endpointNameBase = (args.endpointNameBase ?? name).toLowerCase();
    const endpointName = endpointNameFor(endpointNameBase, {
      variants: { [VARIANT_NAME]: args.instanceType },
      autoRollback: args.blueGreen !== undefined,
    });
    this.variantName = VARIANT_NAME;

    const ctx = awsContextOutput(this);
    this.invokeArnPattern = ctx.apply(
      (c) =>
        `arn:${c.partition}:sagemaker:${c.region}:${c.accountId}:endpoint/${endpointNamePrefix(endpointNameBase)}*`,
    );
    this.rolloutInstanceCount = initialInstanceCount;
    // Created before the model's role, whose policy lets SageMaker read it (see modelExecutionPolicy).
    this.rollbackAlarm = args.blueGreen && this.createRollbackAlarm(name, endpointName, args.blueGreen, tags);
    const image = aws.sagemaker.getPrebuiltEcrImageOutput(
      {
        repositoryName: args.imageRepository ?? DEFAULTS.imageRepository,
        imageTag: args.imageTag ?? defaultImageTag(instance),
      },
      { parent: this },
    );

    const { role, policy: rolePolicy } = createServiceRole(this, `${name}-model`, {
      service: SERVICE_PRINCIPALS.sagemaker,
      description: `Execution role of the SageMaker model behind endpoint ${endpointNameBase}`,
      policy: renderPolicy(
        { ctx, image, modelDataUrl: args.modelDataUrl, alarm: this.rollbackAlarm?.arn },
        (r) => {
          const problem = modelDataUrlProblem(r.modelDataUrl);
          if (problem) throw new Error(`${SCALABLE_ENDPOINT_TYPE} "${name}": modelDataUrl ${problem}`);
          const s3 = parseS3Url(r.modelDataUrl)!;
          return modelExecutionPolicy({
            ctx: r.ctx,
            artifactPrefixArn: s3ObjectPrefixArn(r.ctx.partition, s3.bucket, keyDirectory(s3.key)),
            ecrRepositoryArn: `arn:${r.ctx.partition}:ecr:${r.ctx.region}:${r.image.registryId}:repository/${r.image.repositoryName}`,
            endpointNamePrefix: endpointNameBase,
            ...(r.alarm !== undefined ? { rollbackAlarmArns: [r.alarm] } : {}),
          });
        },
      ),
      tags,
    });

    const archive = args.modelArchive !== undefined ? this.uploadArchive(name, args, tags) : undefined;
    const model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        executionRoleArn: role.arn,
        primaryContainer: {
          image: image.registryPath,
          // From the uploaded object when there is one, so the model waits for the upload.
          modelDataUrl: archive?.url ?? args.modelDataUrl,
          environment: {
            ...(args.containerEnvironment ?? DEFAULTS.containerEnvironment),
            ...(archive ? { MODEL_ARCHIVE_SHA256: archive.sha256 } : {}),
          },
        },
        enableNetworkIsolation: args.enableNetworkIsolation ?? DEFAULTS.enableNetworkIsolation,
        tags,
      },
      // CreateModel checks the role can read the artifact and pull the image: the policy must exist first.
      // Kept on delete: when a blue/green update is rolled back by its alarm, SageMaker returns the endpoint to the
      // old configuration (and this model) but reports InService, so the provider records success and Pulumi would
      // delete what the endpoint still uses; the next update then fails ("Could not find endpoint configuration").
      // https://github.com/hashicorp/terraform-provider-aws/issues/46663, .../issues/48997. Models cost nothing.
      { parent: this, dependsOn: [rolePolicy], retainOnDelete: true },
    );

    // The key exists whatever the instance type, and is passed only to types without local instance storage (which
    // SageMaker refuses a key for): an instance-type change then never deletes the key, which may be protected.
    const keyArn =
      args.kmsKeyArn ??
      new aws.kms.Key(
        `${name}-key`,
        {
          description: `Encrypts the storage volumes of endpoint ${endpointNameBase}`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          tags,
        },
        { parent: this, ...((args.protectKey ?? DEFAULTS.protectKey) ? { protect: true } : {}) },
      ).arn;
    const kmsKeyArn = hasLocalInstanceStorage(instance) ? undefined : keyArn;

    // No `name`: every argument of an endpoint configuration forces replacement, and only an auto-name lets the new
    // one be created before the old one is deleted; a fixed name is deleted first, which fails the live endpoint's
    // update with "Could not find endpoint configuration"
    // (https://github.com/hashicorp/terraform-provider-aws/issues/40048).
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
      // Kept on delete, like the model: after an auto-rollback the endpoint runs this configuration again.
      { parent: this, retainOnDelete: true },
    );

    let deploymentConfig: aws.types.input.sagemaker.EndpointDeploymentConfig | undefined;
    if (args.blueGreen && this.rollbackAlarm) {
      const bg = { ...DEFAULTS.blueGreen, ...args.blueGreen };
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
          serviceNamespace: SAGEMAKER_SERVICE_NAMESPACE,
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
    this.registerOutputs({
      endpointName: this.endpointName,
      endpointArn: this.endpointArn,
      invokeArnPattern: this.invokeArnPattern,
      rolloutInstanceCount: this.rolloutInstanceCount,
    });
  }

  /** Uploads `modelArchive` to `modelDataUrl`; the URL it returns depends on the upload. */
  private uploadArchive(
    name: string,
    args: ScalableEndpointArgs,
    tags: Record<string, string>,
  ): { url: pulumi.Output<string>; sha256: string } {
    const s3 = pulumi.output(args.modelDataUrl).apply((url) => {
      const parsed = parseS3Url(url);
      if (!parsed)
        throw new Error(`${SCALABLE_ENDPOINT_TYPE} "${name}": modelDataUrl ${modelDataUrlProblem(url)}`);
      return parsed;
    });
    const object = new aws.s3.BucketObjectv2(
      `${name}-model-archive`,
      {
        bucket: s3.bucket,
        key: s3.key,
        source: new pulumi.asset.FileAsset(args.modelArchive!),
        contentType: "application/gzip",
        tags,
      },
      { parent: this },
    );
    const sha256 = createHash("sha256").update(readFileSync(args.modelArchive!)).digest("hex");
    return { url: pulumi.interpolate`s3://${object.bucket}/${object.key}`, sha256 };
  }

  /** The alarm on the variant's 5xx errors that rolls a blue/green update back. */
  private createRollbackAlarm(
    name: string,
    endpointName: string,
    blueGreen: BlueGreenDeploymentArgs,
    tags: Record<string, string>,
  ): aws.cloudwatch.MetricAlarm {
    const bg = { ...DEFAULTS.blueGreen, ...blueGreen };
    return new aws.cloudwatch.MetricAlarm(
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
  }
}
