import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContextOutput } from "./lib/aws-context";
import {
  renderPolicy,
  ssmManagedInstanceCoreArn,
  trainingHostPolicy,
} from "@ml-platform/aws-facts/iam-policies";
import { createServiceRole } from "./lib/service-role";
import {
  checkEc2Id,
  checkIamRoleBaseName,
  checkInstanceType,
  checkInteger,
  checkKeyPrefixes,
  checkSshCidr,
  checkTags,
  throwIfInvalid,
  Violations,
  type Violation,
} from "./lib/validation";

export const TRAINING_HOST_TYPE = "ml-platform:ec2:TrainingHost";

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
  /** Size of the encrypted gp3 root volume in GB, 8-16384. It must be at least the AMI's snapshot. Default: `150`. */
  rootVolumeGb?: number;
  /** Run as a persistent Spot instance that stops (not terminates) on interruption. Default: `false` (on-demand). */
  spot?: boolean;
  /**
   * CIDR blocks allowed to SSH (tcp/22). `0.0.0.0/0`, `::/0` and anything wider than /8 (IPv4) or /16 (IPv6) are
   * rejected. Default: `[]` (no ingress at all: use Session Manager).
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
   * ingress stays closed either way. Default: `false`.
   */
  associatePublicIp?: boolean;
  /** ARN of the project bucket. */
  bucketArn: pulumi.Input<string>;
  /** Key prefix the host may read training data from. Default: `"data/"`. */
  dataPrefix?: string;
  /** Key prefix the host may write model artifacts to. Default: `"models/"`. */
  artifactPrefix?: string;
  /** KMS key for the root volume. Default: the account's default EBS key (aws/ebs). */
  rootVolumeKmsKeyArn?: pulumi.Input<string>;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

const DEFAULTS = { rootVolumeGb: 150, dataPrefix: "data/", artifactPrefix: "models/" } as const;

export function validateTrainingHostArgs(args: TrainingHostArgs, name?: string): Violation[] {
  const v = new Violations();
  // The role is auto-named `<name>-role-<7 hex>`.
  if (name !== undefined) checkIamRoleBaseName(v, name, "-role");
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
  (args.sshCidrs ?? []).forEach((cidr, i) => {
    const result = checkSshCidr(cidr);
    if (!result.ok) v.add(`sshCidrs[${i}]`, result.reason);
  });
  const duplicates = (args.sshCidrs ?? []).filter((c, i, all) => all.indexOf(c) !== i);
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
}

/**
 * An EC2 host for PyTorch training on the AWS Deep Learning AMI: IMDSv2 only, encrypted gp3 root volume, no public
 * IP unless asked, a security group with no ingress unless SSH CIDRs are configured, an instance profile that can
 * read training data and write model artifacts in the project bucket plus Session Manager, and an optional
 * persistent Spot mode.
 */
export class TrainingHost extends pulumi.ComponentResource {
  /** The EC2 instance id. */
  readonly instanceId: pulumi.Output<string>;
  /** The host's private IP address. */
  readonly privateIp: pulumi.Output<string>;
  /** The security group id (add rules to it from your program if you need more). */
  readonly securityGroupId: pulumi.Output<string>;
  /** The instance profile's role ARN. */
  readonly roleArn: pulumi.Output<string>;
  readonly instance: aws.ec2.Instance;

  constructor(name: string, args: TrainingHostArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfInvalid(TRAINING_HOST_TYPE, name, validateTrainingHostArgs(args, name));
    super(TRAINING_HOST_TYPE, name, {}, opts);

    const tags = { ...args.tags, "ml-platform:component": TRAINING_HOST_TYPE };
    const ctx = awsContextOutput(this);
    const dataPrefix = args.dataPrefix ?? DEFAULTS.dataPrefix;
    const artifactPrefix = args.artifactPrefix ?? DEFAULTS.artifactPrefix;

    const { role, policy: rolePolicy } = createServiceRole(this, name, {
      service: "ec2.amazonaws.com",
      description: `Instance profile role of training host ${name}`,
      policy: renderPolicy({ bucketArn: args.bucketArn }, (r) =>
        trainingHostPolicy({ bucketArn: r.bucketArn, dataPrefix, artifactPrefix }),
      ),
      tags,
    });
    const ssmCore = new aws.iam.RolePolicyAttachment(
      `${name}-ssm-core`,
      { role: role.name, policyArn: ctx.apply((c) => ssmManagedInstanceCoreArn(c.partition)) },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name, tags },
      { parent: this },
    );

    // Rules are separate resources (never inline ingress/egress): AWS's default allow-all egress is removed by the
    // provider, so egress is exactly what is declared here.
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        description: `Training host ${name}: no ingress unless SSH CIDRs are configured; HTTPS egress`,
        ...(args.vpcId !== undefined ? { vpcId: args.vpcId } : {}),
        tags,
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-egress-https`,
      {
        securityGroupId: securityGroup.id,
        description: "HTTPS to AWS APIs (SSM, S3, ECR) and package repositories",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        tags,
      },
      { parent: this },
    );
    (args.sshCidrs ?? []).forEach((cidr, i) => {
      const v6 = cidr.includes(":");
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-ssh-${i}`,
        {
          securityGroupId: securityGroup.id,
          description: `SSH from ${cidr}`,
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ...(v6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
          tags,
        },
        { parent: this },
      );
    });

    // Resolved once at deployment; `ignoreChanges: ["ami"]` below keeps a later AMI release from replacing the host
    // (a `resolve:ssm:` AMI string would be re-read and diffed on every run).
    const ami = aws.ssm.getParameterOutput({ name: args.amiParameter }, { parent: this });

    this.instance = new aws.ec2.Instance(
      name,
      {
        // insecureValue: an AMI id is public, and `value` would mark it secret, hiding it in every plan and diff.
        ami: ami.insecureValue,
        instanceType: args.instanceType,
        iamInstanceProfile: profile.name,
        vpcSecurityGroupIds: [securityGroup.id],
        ...(args.subnetId !== undefined ? { subnetId: args.subnetId } : {}),
        ...(args.keyName !== undefined ? { keyName: args.keyName } : {}),
        associatePublicIpAddress: args.associatePublicIp ?? false,
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          // 2 hops, so training containers (docker on the host) can still reach IMDSv2.
          httpPutResponseHopLimit: 2,
        },
        rootBlockDevice: {
          volumeType: "gp3",
          volumeSize: args.rootVolumeGb ?? DEFAULTS.rootVolumeGb,
          encrypted: true,
          deleteOnTermination: true,
          ...(args.rootVolumeKmsKeyArn !== undefined ? { kmsKeyId: args.rootVolumeKmsKeyArn } : {}),
        },
        ...(args.spot
          ? {
              instanceMarketOptions: {
                marketType: "spot",
                spotOptions: { spotInstanceType: "persistent", instanceInterruptionBehavior: "stop" },
              },
            }
          : {}),
        tags: { ...tags, Name: name },
        volumeTags: tags,
      },
      { parent: this, ignoreChanges: ["ami"], dependsOn: [rolePolicy, ssmCore] },
    );

    this.instanceId = this.instance.id;
    this.privateIp = this.instance.privateIp;
    this.securityGroupId = securityGroup.id;
    this.roleArn = role.arn;
    this.registerOutputs({
      instanceId: this.instanceId,
      privateIp: this.privateIp,
      securityGroupId: this.securityGroupId,
      roleArn: this.roleArn,
    });
  }
}
