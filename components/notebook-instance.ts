import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContextOutput } from "./lib/aws-context";
import {
  notebookExecutionPolicy,
  renderPolicy,
  trainingJobExecutionPolicy,
  type AwsContext,
  SERVICE_PRINCIPALS,
} from "@ml-platform/aws-facts/iam-policies";
import { IDLE_STOP_MINUTES_TAG, idleStopMinutesTagValue } from "@ml-platform/aws-facts/platform-tags";
import { projectNamePrefix } from "./lib/naming";
import { createServiceRole } from "./lib/service-role";
import { idleStopOnStartBase64 } from "./lib/notebook-idle-stop";
import { componentType, withLegacyTypeAlias } from "./lib/type-token";
import { throwIfInvalid } from "./lib/validation";
import {
  NOTEBOOK_INSTANCE_DEFAULTS,
  validateNotebookInstanceArgs,
  type NotebookInstanceArgs,
} from "./notebook-instance.args";

export {
  NOTEBOOK_INSTANCE_DEFAULTS,
  NOTEBOOK_PLATFORMS,
  NotebookPlatform,
  validateNotebookInstanceArgs,
  type NotebookInstanceArgs,
} from "./notebook-instance.args";

export const NOTEBOOK_INSTANCE_TYPE = componentType("NotebookInstance");
/** The token before the components were a package; existing stacks' URNs carry it (see withLegacyTypeAlias). */
export const NOTEBOOK_INSTANCE_LEGACY_TYPE = "ml-platform:sagemaker:NotebookInstance";

/**
 * A SageMaker notebook instance for exploring data and launching training jobs, hardened by default: root access
 * disabled, IMDSv2 only, the ML volume encrypted with a KMS key, no internet access when attached to a VPC, an
 * execution role scoped to the project (never AmazonSageMakerFullAccess), and an optional idle auto-stop.
 *
 * It also creates the training-job execution role: the one role the notebook may pass to SageMaker.
 */
export class NotebookInstance extends pulumi.ComponentResource {
  /** The notebook instance's name. */
  readonly notebookName: pulumi.Output<string>;
  /** The notebook's URL (`https://<name>.notebook.<region>.sagemaker.aws`); sign in through the console or IAM. */
  readonly url: pulumi.Output<string>;
  /** The notebook's execution role ARN. */
  readonly roleArn: pulumi.Output<string>;
  /** The role SageMaker training jobs launched from the notebook run as (the only role it may pass). */
  readonly trainingRoleArn: pulumi.Output<string>;
  /** The child resources, for platform teams that need to reference them. */
  readonly instance: aws.sagemaker.NotebookInstance;

  constructor(name: string, args: NotebookInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything, the component included: invalid input leaves nothing half-created.
    throwIfInvalid(NOTEBOOK_INSTANCE_TYPE, name, validateNotebookInstanceArgs(args, { name }));
    super(NOTEBOOK_INSTANCE_TYPE, name, {}, withLegacyTypeAlias(opts, NOTEBOOK_INSTANCE_LEGACY_TYPE));

    // Only what holds data or keys: the instance (its ML volume) and its key.
    const protect = args.protect ?? NOTEBOOK_INSTANCE_DEFAULTS.protect;
    const namePrefix = args.namePrefix ?? projectNamePrefix(pulumi.getProject(), pulumi.getStack());
    const dataPrefix = args.dataPrefix ?? NOTEBOOK_INSTANCE_DEFAULTS.dataPrefix;
    const artifactPrefix = args.artifactPrefix ?? NOTEBOOK_INSTANCE_DEFAULTS.artifactPrefix;
    const tags = { ...args.tags, "ml-platform:component": NOTEBOOK_INSTANCE_LEGACY_TYPE };
    const ctx = awsContextOutput(this);
    const prebuilt = (
      args.prebuiltTrainingRepositories ?? NOTEBOOK_INSTANCE_DEFAULTS.prebuiltTrainingRepositories
    ).map((repo) => aws.sagemaker.getPrebuiltEcrImageOutput({ repositoryName: repo }, { parent: this }));
    const ecrRepositoryArns = pulumi
      .all([ctx, pulumi.all(args.ecrRepositoryArns ?? []), pulumi.all(prebuilt)])
      .apply(([c, own, images]: [AwsContext, string[], { registryId: string; repositoryName: string }[]]) => [
        ...(args.ecrRepositoryArns
          ? own
          : [`arn:${c.partition}:ecr:${c.region}:${c.accountId}:repository/${namePrefix}-*`]),
        ...images.map(
          (i) => `arn:${c.partition}:ecr:${c.region}:${i.registryId}:repository/${i.repositoryName}`,
        ),
      ]);

    const kmsKeyArn =
      args.kmsKeyArn ??
      new aws.kms.Key(
        `${name}-key`,
        {
          description: `Encrypts the ML storage volume of notebook ${name}`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          tags,
        },
        { parent: this, protect },
      ).arn;

    const { role: trainingRole, policy: trainingPolicy } = createServiceRole(this, `${name}-training`, {
      service: SERVICE_PRINCIPALS.sagemaker,
      description: `SageMaker training jobs launched from notebook ${name}`,
      policy: renderPolicy({ ctx, bucketArn: args.bucketArn, ecrRepositoryArns }, (r) =>
        trainingJobExecutionPolicy({
          ctx: r.ctx,
          bucketArn: r.bucketArn,
          dataPrefix,
          artifactPrefix,
          ecrRepositoryArns: r.ecrRepositoryArns,
        }),
      ),
      tags,
    });
    const { role, policy: rolePolicy } = createServiceRole(this, name, {
      service: SERVICE_PRINCIPALS.sagemaker,
      description: `Execution role of SageMaker notebook ${name}, scoped to project prefix ${namePrefix}`,
      policy: renderPolicy(
        { ctx, bucketArn: args.bucketArn, trainingRoleArn: trainingRole.arn, ecrRepositoryArns },
        (r) =>
          notebookExecutionPolicy({
            ctx: r.ctx,
            namePrefix,
            bucketArn: r.bucketArn,
            trainingRoleArn: r.trainingRoleArn,
            ecrRepositoryArns: r.ecrRepositoryArns,
            ...(args.idleStopMinutes !== undefined ? { selfStopNotebookName: name } : {}),
          }),
      ),
      tags,
    });

    const lifecycle =
      args.idleStopMinutes === undefined
        ? undefined
        : new aws.sagemaker.NotebookInstanceLifecycleConfiguration(
            `${name}-idle-stop`,
            {
              onStart: idleStopOnStartBase64(args.idleStopMinutes),
              tags: { ...tags, [IDLE_STOP_MINUTES_TAG]: idleStopMinutesTagValue(args.idleStopMinutes) },
            },
            { parent: this },
          );

    const vpcAttached = args.subnetId !== undefined;
    this.instance = new aws.sagemaker.NotebookInstance(
      name,
      {
        instanceType: args.instanceType ?? NOTEBOOK_INSTANCE_DEFAULTS.instanceType,
        volumeSize: args.volumeSizeGb ?? NOTEBOOK_INSTANCE_DEFAULTS.volumeSizeGb,
        roleArn: role.arn,
        kmsKeyId: kmsKeyArn,
        rootAccess: "Disabled",
        instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
        platformIdentifier: args.platformIdentifier ?? NOTEBOOK_INSTANCE_DEFAULTS.platformIdentifier,
        // Explicit either way, so the plan (and the policy pack) never relies on AWS's default of Enabled.
        directInternetAccess: vpcAttached ? "Disabled" : "Enabled",
        ...(vpcAttached ? { subnetId: args.subnetId, securityGroups: args.securityGroupIds } : {}),
        ...(lifecycle ? { lifecycleConfigName: lifecycle.name } : {}),
        tags,
      },
      // The role's permissions must exist before SageMaker starts the instance as that role (IAM propagation).
      { parent: this, dependsOn: [rolePolicy, trainingPolicy], protect },
    );

    this.notebookName = this.instance.name;
    this.url = this.instance.url.apply((u) => (u.startsWith("https://") ? u : `https://${u}`));
    this.roleArn = role.arn;
    this.trainingRoleArn = trainingRole.arn;
    this.registerOutputs({
      notebookName: this.notebookName,
      url: this.url,
      roleArn: this.roleArn,
      trainingRoleArn: this.trainingRoleArn,
    });
  }
}
