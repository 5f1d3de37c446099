/**
 * The arguments of the TrainingHost component: their types, their defaults (written once, in
 * `TRAINING_HOST_DEFAULTS`) and the validator the component and the stack config both run.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  amiParameterKind,
  cpuArchitecture,
  defaultAmiParameter,
} from "@ml-platform/aws-facts/ami-parameters";
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
   * Name of the public SSM parameter holding the AMI id. It is resolved at deployment time; later AMI releases (and
   * a changed parameter) don't replace the host (`ignoreChanges: ["ami"]`: use `pulumi up --replace` to move it).
   * A GPU image on a CPU type, or an image of the other processor architecture, is rejected.
   * Default: by the instance's accelerator (`defaultAmiParameter`): the PyTorch GPU Deep Learning AMI
   * (`/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id`) on
   * NVIDIA GPU types, Amazon Linux 2023 (`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<arch>`) on
   * CPU types; required for other accelerators.
   */
  amiParameter?: string;
  /**
   * Size of the encrypted gp3 root volume in GB, 8-16384. It must be at least the AMI's snapshot.
   * Default: `TRAINING_HOST_DEFAULTS.rootVolumeGb`.
   */
  rootVolumeGb?: number;
  /**
   * Run as a one-time Spot instance, terminated on interruption (its root volume with it: keep data and
   * checkpoints in the bucket). One-time, because a persistent request outlives the instance: destroying or
   * replacing the host leaves it open and it launches an unmanaged instance. A change of instance type replaces a
   * Spot host. Default: `TRAINING_HOST_DEFAULTS.spot` (on-demand).
   */
  spot?: boolean;
  /**
   * CIDR blocks allowed to SSH (tcp/22). `0.0.0.0/0`, `::/0` and anything wider than /8 (IPv4) or /16 (IPv6) are
   * rejected. Default: `TRAINING_HOST_DEFAULTS.sshCidrs` (no ingress at all: use Session Manager).
   */
  sshCidrs?: string[];
  /** EC2 key pair for SSH. Default: none (Session Manager or EC2 Instance Connect). */
  keyName?: pulumi.Input<string>;
  /** Subnet to launch in; requires `vpcId`. Default: the default VPC's default subnet for the AZ EC2 picks. */
  subnetId?: pulumi.Input<string>;
  /**
   * VPC of `subnetId`, for the security group. Required with `subnetId`; alone, it must be the region's default VPC
   * (the host then launches in one of its default subnets). Default: the default VPC, looked up with a data source,
   * so a region without one fails at preview, before anything is created, instead of at launch with
   * `VPCIdNotSpecified`.
   */
  vpcId?: pulumi.Input<string>;
  /**
   * Give the host a public IPv4 address. Needed in a public subnet without NAT so the SSM agent and S3 are reachable;
   * ingress stays closed either way. Default: `TRAINING_HOST_DEFAULTS.associatePublicIp`.
   */
  associatePublicIp?: boolean;
  /** ARN of the project bucket. */
  bucketArn: pulumi.Input<string>;
  /** Key prefix the host may read training data from. Default: `TRAINING_HOST_DEFAULTS.dataPrefix`. */
  dataPrefix?: string;
  /** Key prefix the host may write model artifacts to. Default: `TRAINING_HOST_DEFAULTS.artifactPrefix`. */
  artifactPrefix?: string;
  /** KMS key for the root volume. Default: the account's default EBS key (aws/ebs). */
  rootVolumeKmsKeyArn?: pulumi.Input<string>;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Every default of `TrainingHostArgs`, written once (the JSDoc above cites these). */
export const TRAINING_HOST_DEFAULTS = {
  rootVolumeGb: 150,
  spot: false,
  sshCidrs: [] as readonly string[],
  associatePublicIp: false,
  dataPrefix: "data/",
  artifactPrefix: "models/",
} as const;

/** Every problem with the arguments (see `ArgsValidator`). */
export const validateTrainingHostArgs: ArgsValidator<TrainingHostArgs> = (args, options = {}) => {
  const v = new ArgProblems();
  // The role is auto-named `<name>-role-<7 hex>`.
  if (options.name !== undefined) checkIamRoleBaseName(v, options.name, "-role");
  const instance = checkInstanceType(v, "instanceType", args.instanceType, "ec2");
  if (args.amiParameter === undefined) {
    if (instance && defaultAmiParameter(instance) === undefined) {
      v.add(
        "amiParameter",
        `is required for ${args.instanceType}: there is no default image for its accelerator or architecture; name ` +
          `the public SSM parameter of an AMI that supports it`,
      );
    }
  } else if (typeof args.amiParameter !== "string" || !SSM_PARAMETER_PATTERN.test(args.amiParameter)) {
    v.add(
      "amiParameter",
      `must be an SSM parameter path such as /aws/service/deeplearning/ami/x86_64/` +
        `oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id; got ${JSON.stringify(args.amiParameter)}`,
    );
  } else if (instance) {
    const kind = amiParameterKind(args.amiParameter);
    if (kind?.gpu && instance.accelerator !== "gpu") {
      v.add(
        "amiParameter",
        `is a GPU Deep Learning AMI, which does not support ${args.instanceType} (no GPU); use ` +
          `${defaultAmiParameter(instance) ?? "a CPU image"} or leave it unset`,
      );
    } else if (kind && kind.architecture !== cpuArchitecture(instance)) {
      v.add(
        "amiParameter",
        `is an ${kind.architecture} image but ${args.instanceType} is ${cpuArchitecture(instance)}`,
      );
    }
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
  if (args.subnetId !== undefined && args.vpcId === undefined) {
    v.add("vpcId", "is required with subnetId: the security group must be in the subnet's VPC");
  }
  checkEc2Id(v, "subnetId", args.subnetId, "subnet");
  checkEc2Id(v, "vpcId", args.vpcId, "vpc");
  checkKeyPrefixes(v, args);
  checkTags(v, args.tags);
  return [...v.items];
};
