/**
 * Hardening on every type that carries the same setting, beyond the instance and the security group: root
 * volumes an instance, Spot request or Auto Scaling group takes from a launch template of the stack, the
 * template's own volumes and interfaces, every ingress-rule type, and every data- or key-holding type's
 * protection.
 */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { StackResourceInput } from "../harness";
import type { CorpusCase } from "./types";

const SUBNET = "subnet-0123456789abcdef0";

const template = (blockDeviceMappings?: unknown[], name = "workers", extra = {}): StackResourceInput => ({
  type: AWS_TYPES.ec2LaunchTemplate,
  name,
  props: {
    name,
    id: `lt-${name}`,
    metadataOptions: { httpTokens: "required" },
    networkInterfaces: [{ subnetId: SUBNET, associatePublicIpAddress: "false" }],
    ...(blockDeviceMappings ? { blockDeviceMappings } : {}),
    ...extra,
  },
});
const root = (encrypted?: string, deviceName = "/dev/xvda") => [
  { deviceName, ebs: { volumeSize: 100, ...(encrypted ? { encrypted } : {}) } },
];
const dataOnly = [{ deviceName: "/dev/sdf", ebs: { encrypted: "true" } }];

const launcher = (type: string, props: Record<string, unknown> = {}): StackResourceInput => ({
  type,
  name: "trainer",
  props: {
    ami: "ami-0123456789abcdef0",
    instanceType: "m5.large",
    subnetId: SUBNET,
    metadataOptions: { httpTokens: "required" },
    launchTemplate: { id: "lt-workers" },
    ...props,
  },
  propertyDependencies: { launchTemplate: ["workers"] },
});
const group = (props: Record<string, unknown>, links: Record<string, string[]> = {}): StackResourceInput => ({
  type: AWS_TYPES.autoscalingGroup,
  name: "workers-asg",
  props: { minSize: 0, maxSize: 2, vpcZoneIdentifiers: [SUBNET], ...props },
  propertyDependencies: links,
});
const byTemplate = { launchTemplate: { id: "lt-workers", version: "$Latest" } };
const linked = { launchTemplate: ["workers"] };

const inherited = (description: string, resources: StackResourceInput[], caught: boolean): CorpusCase => ({
  description,
  policy: "ec2-launch-template-inherited",
  resources,
  caught,
});
const one = (policy: string, description: string, resource: StackResourceInput, caught: boolean) => ({
  description,
  policy,
  resources: [resource],
  caught,
});
const resource = (type: string, props: Record<string, unknown>, protect = false): StackResourceInput => ({
  type,
  name: "subject",
  props,
  opts: { protect },
});

const ROOT_VOLUMES: CorpusCase[] = [
  inherited(
    "instance whose template encrypts the root device",
    [template(root("true")), launcher(AWS_TYPES.ec2Instance)],
    false,
  ),
  inherited(
    "instance whose template leaves the root device unencrypted",
    [template(root("false")), launcher(AWS_TYPES.ec2Instance)],
    true,
  ),
  inherited(
    "instance whose template maps no root device (the AMI snapshot decides)",
    [template(), launcher(AWS_TYPES.ec2Instance)],
    true,
  ),
  inherited(
    "Spot request whose template encrypts /dev/sda1",
    [template(root("true", "/dev/sda1")), launcher(AWS_TYPES.ec2SpotInstanceRequest)],
    false,
  ),
  inherited(
    "Spot request whose template maps only a data volume",
    [template(dataOnly), launcher(AWS_TYPES.ec2SpotInstanceRequest)],
    true,
  ),
  inherited(
    "Auto Scaling group on a template that encrypts the root device",
    [template(root("true")), group(byTemplate, linked)],
    false,
  ),
  inherited(
    "Auto Scaling group on a template that maps no root device",
    [template(), group(byTemplate, linked)],
    true,
  ),
  inherited(
    "Auto Scaling group whose mixed-instances override names an unencrypted template",
    [
      template(root("true")),
      template(root("false"), "gpu"),
      group({
        mixedInstancesPolicy: {
          launchTemplate: {
            launchTemplateSpecification: { launchTemplateName: "workers" },
            overrides: [
              { instanceType: "g5.xlarge", launchTemplateSpecification: { launchTemplateName: "gpu" } },
            ],
          },
        },
      }),
    ],
    true,
  ),
  inherited(
    "Auto Scaling group on a template from outside the stack",
    [group({ launchTemplate: { name: "shared-workers" } })],
    true,
  ),
  inherited(
    "Spot Fleet request on a template that maps no root device",
    [
      template(),
      {
        type: AWS_TYPES.ec2SpotFleetRequest,
        name: "fleet",
        props: { launchTemplateConfigs: [{ launchTemplateSpecification: { name: "workers" } }] },
      },
    ],
    true,
  ),
  inherited(
    "EC2 Fleet on a template that encrypts the root device",
    [
      template(root("true")),
      {
        type: AWS_TYPES.ec2Fleet,
        name: "fleet",
        props: {
          launchTemplateConfigs: [
            { launchTemplateSpecification: { launchTemplateId: "lt-workers", version: "1" } },
          ],
        },
        propertyDependencies: { launchTemplateConfigs: ["workers"] },
      },
    ],
    false,
  ),
  one(
    "ec2-ebs-encrypted",
    "instance leaving its root volume to a launch template is not flagged for it",
    launcher(AWS_TYPES.ec2Instance),
    false,
  ),
  one(
    "ec2-ebs-encrypted",
    "launch template with an unencrypted data mapping",
    template([{ deviceName: "/dev/sdf", ebs: { encrypted: "false" } }]),
    true,
  ),
  one("ec2-ebs-encrypted", "launch template with an encrypted root mapping", template(root("true")), false),
  one(
    "ec2-ebs-encrypted",
    "standalone volume without encryption",
    resource(AWS_TYPES.ebsVolume, { size: 100, availabilityZone: "us-east-1a" }),
    true,
  ),
  one(
    "ec2-ebs-encrypted",
    "standalone encrypted volume",
    resource(AWS_TYPES.ebsVolume, { size: 100, availabilityZone: "us-east-1a", encrypted: true }),
    false,
  ),
];

const sgRule = (type: string, cidr: Record<string, unknown>) =>
  resource(AWS_TYPES.ec2SecurityGroupRule, {
    type,
    securityGroupId: "sg-0123",
    protocol: "tcp",
    fromPort: 22,
    toPort: 22,
    ...cidr,
  });
const ingressRule = (cidr: Record<string, unknown>) =>
  resource(AWS_TYPES.vpcSecurityGroupIngressRule, {
    securityGroupId: "sg-0123",
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    ...cidr,
  });
const SG = "sg-no-public-ingress";

const INGRESS_AND_PUBLIC_IP: CorpusCase[] = [
  one(SG, "security-group rule open to 0.0.0.0/0", sgRule("ingress", { cidrBlocks: ["0.0.0.0/0"] }), true),
  one(SG, "security-group rule open to ::/0", sgRule("ingress", { ipv6CidrBlocks: ["::/0"] }), true),
  one(SG, "egress security-group rule to 0.0.0.0/0", sgRule("egress", { cidrBlocks: ["0.0.0.0/0"] }), false),
  one(SG, "VPC ingress rule open to 0.0.0.0/0", ingressRule({ cidrIpv4: "0.0.0.0/0" }), true),
  one(SG, "VPC ingress rule open to ::/0", ingressRule({ cidrIpv6: "::/0" }), true),
  one(SG, "VPC ingress rule limited to the VPC", ingressRule({ cidrIpv4: "10.0.0.0/16" }), false),
  one(
    "ec2-no-public-ip",
    "launch template whose interface associates a public IP",
    template(undefined, "public", {
      networkInterfaces: [{ subnetId: SUBNET, associatePublicIpAddress: "true" }],
    }),
    true,
  ),
  one("ec2-no-public-ip", "launch template whose interface has no public IP", template(), false),
];

const spec = (props: Record<string, unknown> = {}) => ({
  ami: "ami-0123456789abcdef0",
  instanceType: "m5.large",
  subnetId: SUBNET,
  rootBlockDevices: [{ volumeSize: 100, encrypted: true }],
  ...props,
});
const spotFleet = (...launchSpecifications: Record<string, unknown>[]) =>
  resource(AWS_TYPES.ec2SpotFleetRequest, {
    iamFleetRole: "arn:aws:iam::123456789012:role/fleet",
    targetCapacity: 2,
    launchSpecifications,
  });
const launchConfiguration = (props: Record<string, unknown> = {}) =>
  resource(AWS_TYPES.ec2LaunchConfiguration, {
    imageId: "ami-0123456789abcdef0",
    instanceType: "m5.large",
    metadataOptions: { httpTokens: "required" },
    rootBlockDevice: { encrypted: true },
    ...props,
  });
const SIZE = "instance-size-ec2";

/** Launchers that carry an instance's settings inline: Spot Fleet launch specifications, launch configurations. */
const INLINE_LAUNCHERS: CorpusCase[] = [
  one(
    SIZE,
    "Spot Fleet launch specification of a 24xlarge type",
    spotFleet(spec(), spec({ instanceType: "m5.24xlarge" })),
    true,
  ),
  one(
    SIZE,
    "Spot Fleet launch specifications within the size cap",
    spotFleet(spec(), spec({ instanceType: "c5.xlarge" })),
    false,
  ),
  one(
    SIZE,
    "Spot Fleet template override of a metal type",
    resource(AWS_TYPES.ec2SpotFleetRequest, {
      iamFleetRole: "arn:aws:iam::123456789012:role/fleet",
      targetCapacity: 1,
      launchTemplateConfigs: [
        {
          launchTemplateSpecification: { id: "lt-workers", version: "1" },
          overrides: [{ instanceType: "m5.metal" }],
        },
      ],
    }),
    true,
  ),
  one(
    SIZE,
    "launch configuration of an 18xlarge type",
    launchConfiguration({ instanceType: "c5.18xlarge" }),
    true,
  ),
  one(SIZE, "launch configuration within the size cap", launchConfiguration(), false),
  one(
    "ec2-imdsv2-required",
    "Spot Fleet launch specification (no metadata options)",
    spotFleet(spec()),
    true,
  ),
  one(
    "ec2-imdsv2-required",
    "launch configuration with IMDSv1 allowed",
    launchConfiguration({ metadataOptions: { httpTokens: "optional" } }),
    true,
  ),
  one("ec2-imdsv2-required", "launch configuration requiring IMDSv2", launchConfiguration(), false),
  one(
    "ec2-ebs-encrypted",
    "Spot Fleet launch specification with an unencrypted data volume",
    spotFleet(spec({ ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] })),
    true,
  ),
  one(
    "ec2-ebs-encrypted",
    "Spot Fleet launch specification without a root device",
    spotFleet(spec({ rootBlockDevices: undefined })),
    true,
  ),
  one(
    "ec2-ebs-encrypted",
    "Spot Fleet launch specification with encrypted volumes",
    spotFleet(spec()),
    false,
  ),
  one(
    "ec2-ebs-encrypted",
    "launch configuration with an unencrypted root volume",
    launchConfiguration({ rootBlockDevice: { encrypted: false } }),
    true,
  ),
  one(
    "ec2-ebs-encrypted",
    "launch configuration with an encrypted root volume",
    launchConfiguration(),
    false,
  ),
  one(
    "ec2-no-public-ip",
    "Spot Fleet launch specification with a public IP",
    spotFleet(spec({ associatePublicIpAddress: true })),
    true,
  ),
  one(
    "ec2-no-public-ip",
    "Spot Fleet launch specification without a subnet (default VPC)",
    spotFleet(spec({ subnetId: undefined })),
    true,
  ),
  one("ec2-no-public-ip", "Spot Fleet launch specification in a subnet", spotFleet(spec()), false),
  one(
    "ec2-no-public-ip",
    "launch configuration with a public IP",
    launchConfiguration({ associatePublicIpAddress: true }),
    true,
  ),
  one(
    "ec2-no-public-ip",
    "launch configuration without a public IP",
    launchConfiguration({ associatePublicIpAddress: false }),
    false,
  ),
];

const PROTECT = "stateful-resources-protected";
const PROTECTION: CorpusCase[] = [
  one(PROTECT, "unprotected EBS volume", resource(AWS_TYPES.ebsVolume, { size: 100 }), true),
  one(PROTECT, "unprotected EFS file system", resource(AWS_TYPES.efsFileSystem, {}), true),
  one(PROTECT, "unprotected BucketV2", resource(AWS_TYPES.s3BucketV2, {}), true),
  one(PROTECT, "unprotected DynamoDB table", resource(AWS_TYPES.dynamodbTable, { hashKey: "id" }), true),
  one(PROTECT, "protected KMS key", resource(AWS_TYPES.kmsKey, {}, true), false),
  one(PROTECT, "protected notebook instance", resource(AWS_TYPES.sagemakerNotebookInstance, {}, true), false),
];

export const SIBLING_SETTINGS: readonly CorpusCase[] = [
  ...ROOT_VOLUMES,
  ...INGRESS_AND_PUBLIC_IP,
  ...INLINE_LAUNCHERS,
  ...PROTECTION,
];
