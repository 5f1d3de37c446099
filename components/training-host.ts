import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContextOutput } from "./lib/aws-context";
import {
  renderPolicy,
  ssmManagedInstanceCoreArn,
  trainingHostPolicy,
} from "@ml-platform/aws-facts/iam-policies";
import { defaultAmiParameter } from "@ml-platform/aws-facts/ami-parameters";
import { defaultVpcIdOutput } from "./lib/default-vpc";
import { createServiceRole } from "./lib/service-role";
import { componentType, withLegacyTypeAlias } from "./lib/type-token";
import { throwIfInvalid } from "./lib/validation";
import {
  TRAINING_HOST_DEFAULTS,
  validateTrainingHostArgs,
  type TrainingHostArgs,
} from "./training-host.args";

export {
  TRAINING_HOST_DEFAULTS,
  validateTrainingHostArgs,
  type TrainingHostArgs,
} from "./training-host.args";

export const TRAINING_HOST_TYPE = componentType("TrainingHost");
/** The token before the components were a package; existing stacks' URNs carry it (see withLegacyTypeAlias). */
export const TRAINING_HOST_LEGACY_TYPE = "ml-platform:ec2:TrainingHost";

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
    throwIfInvalid(TRAINING_HOST_TYPE, name, validateTrainingHostArgs(args, { name }));
    super(TRAINING_HOST_TYPE, name, {}, withLegacyTypeAlias(opts, TRAINING_HOST_LEGACY_TYPE));

    const tags = { ...args.tags, "ml-platform:component": TRAINING_HOST_LEGACY_TYPE };
    const ctx = awsContextOutput(this);
    const dataPrefix = args.dataPrefix ?? TRAINING_HOST_DEFAULTS.dataPrefix;
    const artifactPrefix = args.artifactPrefix ?? TRAINING_HOST_DEFAULTS.artifactPrefix;

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
        // Explicit: an account without a default VPC (common under Control Tower) fails here, at preview, with a
        // message naming what to set, instead of at launch with VPCIdNotSpecified.
        vpcId: args.vpcId ?? defaultVpcIdOutput(this, "subnetId and vpcId"),
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
    (args.sshCidrs ?? TRAINING_HOST_DEFAULTS.sshCidrs).forEach((cidr, i) => {
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
    const amiParameter = args.amiParameter ?? defaultAmiParameter(args.instanceType)!;
    const ami = aws.ssm.getParameterOutput({ name: amiParameter }, { parent: this });
    const spot = args.spot ?? TRAINING_HOST_DEFAULTS.spot;

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
        associatePublicIpAddress: args.associatePublicIp ?? TRAINING_HOST_DEFAULTS.associatePublicIp,
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          // 2 hops, so training containers (docker on the host) can still reach IMDSv2.
          httpPutResponseHopLimit: 2,
        },
        rootBlockDevice: {
          volumeType: "gp3",
          volumeSize: args.rootVolumeGb ?? TRAINING_HOST_DEFAULTS.rootVolumeGb,
          encrypted: true,
          deleteOnTermination: true,
          ...(args.rootVolumeKmsKeyArn !== undefined ? { kmsKeyId: args.rootVolumeKmsKeyArn } : {}),
        },
        // One-time, terminated on interruption: a persistent request stays open when the instance is destroyed or
        // replaced and launches an unmanaged instance
        // (https://github.com/hashicorp/terraform-provider-aws/issues/38142, .../pull/41206); a one-time request
        // closes once fulfilled (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-requests.html), so none
        // is ever left behind.
        ...(spot
          ? {
              instanceMarketOptions: {
                marketType: "spot",
                spotOptions: { spotInstanceType: "one-time", instanceInterruptionBehavior: "terminate" },
              },
            }
          : {}),
        tags: { ...tags, Name: name },
        volumeTags: tags,
      },
      {
        parent: this,
        ignoreChanges: ["ami"],
        dependsOn: [rolePolicy, ssmCore],
        // EC2 can't change a Spot instance's type in place, which is what the provider tries (stop, modify, start):
        // "You can't change the instance type of a Spot Instance"
        // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-resize.html). Replace it instead.
        ...(spot ? { replaceOnChanges: ["instanceType"] } : {}),
      },
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
