/**
 * The arguments of the NotebookInstance component: their types, their defaults (written once, in
 * `NOTEBOOK_INSTANCE_DEFAULTS`) and the validator the component and the stack config both run.
 */
import type * as pulumi from "@pulumi/pulumi";
import { NAME_PREFIX_MAX_LENGTH, NAME_PREFIX_PATTERN } from "./lib/naming";
import { IDLE_STOP_MAX_MINUTES, IDLE_STOP_MIN_MINUTES } from "./lib/notebook-idle-stop";
import {
  ArgProblems,
  checkEc2Id,
  checkIamRoleBaseName,
  checkInstanceType,
  checkInteger,
  checkKeyPrefixes,
  checkSageMakerBaseName,
  checkTags,
  type ArgsValidator,
} from "./lib/validation";

/** Notebook platforms SageMaker still supports (Amazon Linux 1 and the older AL2 images are deprecated). */
export const NotebookPlatform = {
  /** Amazon Linux 2. */
  Al2V3: "notebook-al2-v3",
  /** Amazon Linux 2023. */
  Al2023V1: "notebook-al2023-v1",
} as const;
export type NotebookPlatform = (typeof NotebookPlatform)[keyof typeof NotebookPlatform];
export const NOTEBOOK_PLATFORMS: readonly NotebookPlatform[] = Object.values(NotebookPlatform);

export interface NotebookInstanceArgs {
  /**
   * SageMaker ML instance type, with the `ml.` prefix.
   * Default: `NOTEBOOK_INSTANCE_DEFAULTS.instanceType` (2 vCPU, 4 GiB: enough to explore and launch jobs).
   */
  instanceType?: string;
  /** Size of the ML storage volume in GB, 5-16384. Default: `NOTEBOOK_INSTANCE_DEFAULTS.volumeSizeGb`. */
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
   * `aws.sagemaker.getPrebuiltEcrImage`). Default: `NOTEBOOK_INSTANCE_DEFAULTS.prebuiltTrainingRepositories`.
   */
  prebuiltTrainingRepositories?: string[];
  /** Key prefix of training data in the bucket. Default: `NOTEBOOK_INSTANCE_DEFAULTS.dataPrefix`. */
  dataPrefix?: string;
  /** Key prefix of model artifacts in the bucket. Default: `NOTEBOOK_INSTANCE_DEFAULTS.artifactPrefix`. */
  artifactPrefix?: string;
  /**
   * Protect the notebook instance (its ML volume holds the users' work) and the KMS key this component creates for
   * it: a replacement or `pulumi destroy` then stops instead. Roles, policies and the lifecycle configuration stay
   * replaceable. Prefer this to `protect` in the component's options, which every child would inherit.
   * Default: `NOTEBOOK_INSTANCE_DEFAULTS.protect`.
   */
  protect?: boolean;
  /**
   * Notebook platform (Amazon Linux version and JupyterLab).
   * Default: `NOTEBOOK_INSTANCE_DEFAULTS.platformIdentifier`.
   */
  platformIdentifier?: NotebookPlatform;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Every default of `NotebookInstanceArgs`, written once (the JSDoc above cites these). */
export const NOTEBOOK_INSTANCE_DEFAULTS = {
  instanceType: "ml.t3.medium",
  volumeSizeGb: 50,
  dataPrefix: "data/",
  artifactPrefix: "models/",
  platformIdentifier: "notebook-al2023-v1",
  protect: false,
  prebuiltTrainingRepositories: ["pytorch-training"],
} as const;

/** Every problem with the arguments (see `ArgsValidator`). */
export const validateNotebookInstanceArgs: ArgsValidator<NotebookInstanceArgs> = (args, options = {}) => {
  const name = options.name;
  const v = new ArgProblems();
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
};
