import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContextOutput } from "./lib/aws-context";
import {
  notebookExecutionPolicy,
  renderPolicy,
  trainingJobExecutionPolicy,
  type AwsContext,
} from "@ml-platform/aws-facts/iam-policies";
import { IDLE_STOP_MINUTES_TAG, idleStopMinutesTagValue } from "@ml-platform/aws-facts/platform-tags";
import { NAME_PREFIX_MAX_LENGTH, NAME_PREFIX_PATTERN, projectNamePrefix } from "./lib/naming";
import { createServiceRole } from "./lib/service-role";
import {
  IDLE_STOP_MAX_MINUTES,
  IDLE_STOP_MIN_MINUTES,
  idleStopOnStartBase64,
} from "./lib/notebook-idle-stop";
import {
  checkEc2Id,
  checkIamRoleBaseName,
  checkInstanceType,
  checkInteger,
  checkKeyPrefixes,
  checkSageMakerBaseName,
  checkTags,
  throwIfInvalid,
  Violations,
  type Violation,
} from "./lib/validation";

export const NOTEBOOK_INSTANCE_TYPE = "ml-platform:sagemaker:NotebookInstance";

/** Notebook platforms SageMaker still supports (Amazon Linux 1 and the older AL2 images are deprecated). */
export const NOTEBOOK_PLATFORMS = ["notebook-al2-v3", "notebook-al2023-v1"] as const;

export interface NotebookInstanceArgs {
  /**
   * SageMaker ML instance type, with the `ml.` prefix.
   * Default: `"ml.t3.medium"` (2 vCPU, 4 GiB: what the original setup used; enough to explore and launch jobs).
   */
  instanceType?: string;
  /** Size of the ML storage volume in GB, 5-16384. Default: `50`. */
  volumeSizeGb?: number;
  /**
   * Stop the notebook after this many minutes without kernel or terminal activity (10-1440), through an on-start
   * lifecycle configuration. The configuration also carries the minutes as data, in the tag
   * `ml-platform:idle-stop-minutes` (`IDLE_STOP_MINUTES_TAG` in `@ml-platform/aws-facts/platform-tags`), which the
   * cost estimator and the `monthly-budget` policy read to price the notebook for working hours instead of 730 h.
   * Default: undefined (no auto-stop).
   */
  idleStopMinutes?: number;
  /**
   * VPC subnet to attach the notebook to. Together with `securityGroupIds` it disables direct internet access
   * (`directInternetAccess: "Disabled"`): the notebook then reaches AWS through the VPC (endpoints or NAT). Give both
   * or neither. Default: undefined (SageMaker-managed network with direct internet access).
   */
  subnetId?: pulumi.Input<string>;
  /** Security groups for the notebook's VPC interface (1-5). Required with `subnetId`. Default: undefined. */
  securityGroupIds?: pulumi.Input<string>[];
  /** ARN of the project bucket the notebook reads and writes. */
  bucketArn: pulumi.Input<string>;
  /**
   * Lower-case prefix of everything the notebook may create in SageMaker (training and tuning jobs, models, endpoint
   * configs, endpoints are allowed only as `<namePrefix>-*`). Default: `<project>-<stack>` in lower case.
   */
  namePrefix?: string;
  /** KMS key (ARN or id) that encrypts the notebook's ML storage volume. Default: a new key with yearly rotation. */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * The project's own ECR repositories the notebook and its training jobs may pull from.
   * Default: the account's repositories named `<namePrefix>-*` in the deployment region.
   */
  ecrRepositoryArns?: pulumi.Input<string>[];
  /**
   * AWS Deep Learning Container repositories training jobs may pull (resolved per region with
   * `aws.sagemaker.getPrebuiltEcrImage`). Default: `["pytorch-training"]`.
   */
  prebuiltTrainingRepositories?: string[];
  /** Key prefix of training data in the bucket. Default: `"data/"`. */
  dataPrefix?: string;
  /** Key prefix of model artifacts in the bucket. Default: `"models/"`. */
  artifactPrefix?: string;
  /** Notebook platform (Amazon Linux version and JupyterLab). Default: `"notebook-al2023-v1"`. */
  platformIdentifier?: string;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

const DEFAULTS = {
  instanceType: "ml.t3.medium",
  volumeSizeGb: 50,
  dataPrefix: "data/",
  artifactPrefix: "models/",
  platformIdentifier: "notebook-al2023-v1",
  prebuiltTrainingRepositories: ["pytorch-training"],
} as const;

/** Every rule the arguments must satisfy; the stack-config layer reports the same violations against config keys. */
export function validateNotebookInstanceArgs(args: NotebookInstanceArgs, name?: string): Violation[] {
  const v = new Violations();
  // The notebook and its lifecycle configuration are auto-named `<name>-<7 hex>` and `<name>-idle-stop-<7 hex>`.
  if (name !== undefined) {
    checkSageMakerBaseName(v, name, "-idle-stop".length);
    // The longest role name: `<name>-training-role-<7 hex>`.
    checkIamRoleBaseName(v, name, "-training-role");
  }
  if (args.instanceType !== undefined) checkInstanceType(v, "instanceType", args.instanceType, "sagemaker");
  checkInteger(v, "volumeSizeGb", args.volumeSizeGb, 5, 16384, "GB");
  checkInteger(
    v,
    "idleStopMinutes",
    args.idleStopMinutes,
    IDLE_STOP_MIN_MINUTES,
    IDLE_STOP_MAX_MINUTES,
    "minutes",
  );
  const hasSubnet = args.subnetId !== undefined && args.subnetId !== "";
  const hasGroups = args.securityGroupIds !== undefined && args.securityGroupIds.length > 0;
  if (hasSubnet !== hasGroups) {
    v.add(
      hasSubnet ? "securityGroupIds" : "subnetId",
      "subnetId and securityGroupIds come together: a VPC-attached notebook (direct internet access disabled) " +
        "needs both; give both or neither",
    );
  }
  // An empty subnetId counts as none (hasSubnet above).
  if (args.subnetId !== "") checkEc2Id(v, "subnetId", args.subnetId, "subnet");
  if (args.securityGroupIds !== undefined) {
    v.check(args.securityGroupIds.length <= 5, "securityGroupIds", "at most 5 security groups");
    args.securityGroupIds.forEach((group, i) => checkEc2Id(v, `securityGroupIds[${i}]`, group, "sg"));
  }
  if (args.namePrefix !== undefined) {
    v.check(
      NAME_PREFIX_PATTERN.test(args.namePrefix) && args.namePrefix.length <= NAME_PREFIX_MAX_LENGTH,
      "namePrefix",
      `must be lower-case letters, digits and single hyphens, at most ${NAME_PREFIX_MAX_LENGTH} characters ` +
        `(SageMaker ARNs are lower case, so a mixed-case prefix would never match the IAM policy)`,
    );
  }
  checkKeyPrefixes(v, args);
  (args.prebuiltTrainingRepositories ?? []).forEach((repo, i) => {
    v.check(
      /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(repo),
      `prebuiltTrainingRepositories[${i}]`,
      `"${repo}" is not an ECR repository name`,
    );
  });
  if (args.platformIdentifier !== undefined) {
    v.check(
      (NOTEBOOK_PLATFORMS as readonly string[]).includes(args.platformIdentifier),
      "platformIdentifier",
      `must be one of ${NOTEBOOK_PLATFORMS.join(", ")}`,
    );
  }
  checkTags(v, args.tags);
  return [...v.items];
}

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
    throwIfInvalid(NOTEBOOK_INSTANCE_TYPE, name, validateNotebookInstanceArgs(args, name));
    super(NOTEBOOK_INSTANCE_TYPE, name, {}, opts);

    const namePrefix = args.namePrefix ?? projectNamePrefix(pulumi.getProject(), pulumi.getStack());
    const dataPrefix = args.dataPrefix ?? DEFAULTS.dataPrefix;
    const artifactPrefix = args.artifactPrefix ?? DEFAULTS.artifactPrefix;
    const tags = { ...args.tags, "ml-platform:component": NOTEBOOK_INSTANCE_TYPE };
    const ctx = awsContextOutput(this);
    const prebuilt = (args.prebuiltTrainingRepositories ?? DEFAULTS.prebuiltTrainingRepositories).map(
      (repo) => aws.sagemaker.getPrebuiltEcrImageOutput({ repositoryName: repo }, { parent: this }),
    );
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
        { parent: this },
      ).arn;

    const { role: trainingRole, policy: trainingPolicy } = createServiceRole(this, `${name}-training`, {
      service: "sagemaker.amazonaws.com",
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
      service: "sagemaker.amazonaws.com",
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
        instanceType: args.instanceType ?? DEFAULTS.instanceType,
        volumeSize: args.volumeSizeGb ?? DEFAULTS.volumeSizeGb,
        roleArn: role.arn,
        kmsKeyId: kmsKeyArn,
        rootAccess: "Disabled",
        instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
        platformIdentifier: args.platformIdentifier ?? DEFAULTS.platformIdentifier,
        // Explicit either way, so the plan (and the policy pack) never relies on AWS's default of Enabled.
        directInternetAccess: vpcAttached ? "Disabled" : "Enabled",
        ...(vpcAttached ? { subnetId: args.subnetId, securityGroups: args.securityGroupIds } : {}),
        ...(lifecycle ? { lifecycleConfigName: lifecycle.name } : {}),
        tags,
      },
      // The role's permissions must exist before SageMaker starts the instance as that role (IAM propagation).
      { parent: this, dependsOn: [rolePolicy, trainingPolicy] },
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
