/**
 * The arguments of the TrainingHost component: their types, their defaults (written once, in
 * {@link TRAINING_HOST_DEFAULTS}) and the validator the component and the stack config both run.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  ArgProblems,
  checkEc2Id,
  checkIamRoleBaseName,
  checkInstanceType,
  checkInteger,
  checkKeyPrefixes,
  checkSshCidr,
  checkTags,
  type ArgsValidator,
} from "./lib/validation";

/** A public SSM parameter path, e.g. `/aws/service/deeplearning/ami/x86_64/…/latest/ami-id`. */
const SSM_PARAMETER_PATTERN = /^\/[A-Za-z0-9_.\-/]+$/;

export interface TrainingHostArgs {
  /** EC2 instance type, without the `ml.` prefix, e.g. `"g5.2xlarge"` (GPU) or `"m5.xlarge"` (CPU smoke tests). */
  instanceType: string;
  /**
   * Name of the public SSM parameter holding the AMI id, e.g.
   * `/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id`.
   * It is resolved at deployment time; later AMI releases don't replace the host (`ignoreChanges: ["ami"]`).
   */
  amiParameter: string;
  /**
   * Size of the encrypted gp3 root volume in GB, 8-16384. It must be at least the AMI's snapshot.
   * Default: {@link TRAINING_HOST_DEFAULTS.rootVolumeGb}.
   */
  rootVolumeGb?: number;
  /**
   * Run as a persistent Spot instance that stops (not terminates) on interruption.
   * Default: {@link TRAINING_HOST_DEFAULTS.spot} (on-demand).
   */
  spot?: boolean;
  /**
   * CIDR blocks allowed to SSH (tcp/22). `0.0.0.0/0`, `::/0` and anything wider than /8 (IPv4) or /16 (IPv6) are
   * rejected. Default: {@link TRAINING_HOST_DEFAULTS.sshCidrs} (no ingress at all: use Session Manager).
   */
  sshCidrs?: string[];
  /** EC2 key pair for SSH. Default: none (Session Manager or EC2 Instance Connect). */
  keyName?: pulumi.Input<string>;
  /** Subnet to launch in; requires `vpcId`. Default: the default VPC's default subnet for the AZ EC2 picks. */
  subnetId?: pulumi.Input<string>;
  /** VPC of `subnetId`, for the security group. Required with `subnetId`. Default: the default VPC. */
  vpcId?: pulumi.Input<string>;
  /**
   * Give the host a public IPv4 address. Needed in a public subnet without NAT so the SSM agent and S3 are reachable;
   * ingress stays closed either way. Default: {@link TRAINING_HOST_DEFAULTS.associatePublicIp}.
   */
  associatePublicIp?: boolean;
  /** ARN of the project bucket. */
  bucketArn: pulumi.Input<string>;
  /** Key prefix the host may read training data from. Default: {@link TRAINING_HOST_DEFAULTS.dataPrefix}. */
  dataPrefix?: string;
  /** Key prefix the host may write model artifacts to. Default: {@link TRAINING_HOST_DEFAULTS.artifactPrefix}. */
  artifactPrefix?: string;
  /** KMS key for the root volume. Default: the account's default EBS key (aws/ebs). */
  rootVolumeKmsKeyArn?: pulumi.Input<string>;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Every default of {@link TrainingHostArgs}, written once (the JSDoc above cites these). */
export const TRAINING_HOST_DEFAULTS = {
  rootVolumeGb: 150,
  spot: false,
  sshCidrs: [] as readonly string[],
  associatePublicIp: false,
  dataPrefix: "data/",
  artifactPrefix: "models/",
} as const;

/** Every problem with the arguments (see {@link ArgsValidator}). */
export const validateTrainingHostArgs: ArgsValidator<TrainingHostArgs> = (args, options = {}) => {
  const v = new ArgProblems();
  // The role is auto-named `<name>-role-<7 hex>`.
  if (options.name !== undefined) checkIamRoleBaseName(v, options.name, "-role");
  checkInstanceType(v, "instanceType", args.instanceType, "ec2");
  if (typeof args.amiParameter !== "string" || !SSM_PARAMETER_PATTERN.test(args.amiParameter)) {
    v.add(
      "amiParameter",
      `must be an SSM parameter path such as /aws/service/deeplearning/ami/x86_64/` +
        `oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id; got ${JSON.stringify(args.amiParameter)}`,
    );
  }
  checkInteger(v, "rootVolumeGb", args.rootVolumeGb, 8, 16384, "GB");
  if (args.spot !== undefined) v.check(typeof args.spot === "boolean", "spot", "must be true or false");
  (args.sshCidrs ?? TRAINING_HOST_DEFAULTS.sshCidrs).forEach((cidr, i) => {
    const result = checkSshCidr(cidr);
    if (!result.ok) v.add(`sshCidrs[${i}]`, result.reason);
  });
  const duplicates = (args.sshCidrs ?? TRAINING_HOST_DEFAULTS.sshCidrs).filter(
    (c, i, all) => all.indexOf(c) !== i,
  );
  v.check(duplicates.length === 0, "sshCidrs", `lists ${duplicates.join(", ")} more than once`);
  const hasSubnet = args.subnetId !== undefined;
  const hasVpc = args.vpcId !== undefined;
  if (hasSubnet !== hasVpc) {
    v.add(
      hasSubnet ? "vpcId" : "subnetId",
      "subnetId and vpcId come together: the security group must be in the subnet's VPC; give both or neither",
    );
  }
  checkEc2Id(v, "subnetId", args.subnetId, "subnet");
  checkEc2Id(v, "vpcId", args.vpcId, "vpc");
  checkKeyPrefixes(v, args);
  checkTags(v, args.tags);
  return [...v.items];
};
