/**
 * Hardening on every sibling type that carries the same setting: Spot Instance requests launch like instances,
 * the default security group has ingress rules too, and an instance that leaves a setting to a launch template
 * of the same stack is judged by what the template sets.
 */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { StackResourceInput } from "../harness";
import type { CorpusCase } from "./types";

const SUBNET = "subnet-0123456789abcdef0";
const spot = (props: Record<string, unknown>): StackResourceInput => ({
  type: AWS_TYPES.ec2SpotInstanceRequest,
  name: "spot-trainer",
  props: {
    ami: "ami-0123456789abcdef0",
    instanceType: "m5.large",
    subnetId: SUBNET,
    metadataOptions: { httpTokens: "required" },
    rootBlockDevice: { encrypted: true },
    ...props,
  },
});
const instance = (
  props: Record<string, unknown>,
  links: Partial<StackResourceInput> = {},
): StackResourceInput => ({
  type: AWS_TYPES.ec2Instance,
  name: "trainer",
  props: {
    ami: "ami-0123456789abcdef0",
    instanceType: "m5.large",
    subnetId: SUBNET,
    rootBlockDevice: { encrypted: true },
    ...props,
  },
  ...links,
});
const template = (metadataOptions: unknown, name = "trainer-template"): StackResourceInput => ({
  type: AWS_TYPES.ec2LaunchTemplate,
  name,
  props: { name, id: `lt-${name}`, ...(metadataOptions === undefined ? {} : { metadataOptions }) },
});
const defaultGroup = (cidrBlocks: string[], ipv6CidrBlocks: string[] = []): StackResourceInput => ({
  type: AWS_TYPES.ec2DefaultSecurityGroup,
  name: "default",
  props: {
    vpcId: "vpc-0123",
    ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks, ipv6CidrBlocks }],
  },
});

const one = (
  policy: string,
  description: string,
  resource: StackResourceInput,
  caught: boolean,
): CorpusCase => ({
  description,
  policy,
  resources: [resource],
  caught,
});
const inherited = (description: string, resources: StackResourceInput[], caught: boolean): CorpusCase => ({
  description,
  policy: "ec2-launch-template-inherited",
  resources,
  caught,
});
const byId = { propertyDependencies: { launchTemplate: ["trainer-template"] } };

export const SIBLING_TYPES: readonly CorpusCase[] = [
  one(
    "ec2-imdsv2-required",
    "Spot request with httpTokens optional",
    spot({ metadataOptions: { httpTokens: "optional" } }),
    true,
  ),
  one(
    "ec2-imdsv2-required",
    "Spot request without metadata options or template",
    spot({ metadataOptions: undefined }),
    true,
  ),
  one("ec2-imdsv2-required", "Spot request requiring IMDSv2", spot({}), false),
  one(
    "ec2-imdsv2-required",
    "instance leaving metadata options to its launch template is not flagged for it",
    instance({ launchTemplate: { id: "lt-trainer-template" } }),
    false,
  ),
  one("ec2-no-public-ip", "Spot request with a public IP", spot({ associatePublicIpAddress: true }), true),
  one(
    "ec2-no-public-ip",
    "Spot request without subnet in the default VPC",
    spot({ subnetId: undefined }),
    true,
  ),
  one("ec2-no-public-ip", "Spot request in a private subnet", spot({}), false),
  one(
    "ec2-ebs-encrypted",
    "Spot request with an unencrypted root volume",
    spot({ rootBlockDevice: { encrypted: false } }),
    true,
  ),
  one(
    "ec2-ebs-encrypted",
    "Spot request with an unencrypted data volume",
    spot({ ebsBlockDevices: [{ deviceName: "/dev/sdf" }] }),
    true,
  ),
  one("sg-no-public-ingress", "default security group open to 0.0.0.0/0", defaultGroup(["0.0.0.0/0"]), true),
  one("sg-no-public-ingress", "default security group open to ::/0", defaultGroup([], ["::/0"]), true),
  one(
    "sg-no-public-ingress",
    "default security group open to two halves of the internet",
    defaultGroup(["0.0.0.0/1", "128.0.0.0/1"]),
    true,
  ),
  one(
    "sg-no-public-ingress",
    "default security group limited to the VPC",
    defaultGroup(["10.0.0.0/16"]),
    false,
  ),
  inherited(
    "instance on a template of this stack that requires IMDSv2",
    [template({ httpTokens: "required" }), instance({ launchTemplate: { id: "lt-trainer-template" } }, byId)],
    false,
  ),
  inherited(
    "instance on a template of this stack that leaves IMDSv1 on",
    [template({ httpTokens: "optional" }), instance({ launchTemplate: { id: "lt-trainer-template" } }, byId)],
    true,
  ),
  inherited(
    "instance on a template (found by name) without metadata options",
    [template(undefined), instance({ launchTemplate: { name: "trainer-template" } })],
    true,
  ),
  inherited(
    "instance on a template from outside the stack",
    [instance({ launchTemplate: { id: "lt-0abc" } })],
    true,
  ),
  inherited(
    "Spot request on a template of this stack that requires IMDSv2",
    [
      template({ httpTokens: "required" }),
      { ...spot({ metadataOptions: undefined, launchTemplate: { id: "lt-trainer-template" } }), ...byId },
    ],
    false,
  ),
  inherited(
    "instance without a subnet on a template of this stack that places it in a subnet",
    [
      {
        ...template({ httpTokens: "required" }),
        props: {
          ...template({ httpTokens: "required" }).props,
          networkInterfaces: [{ subnetId: SUBNET, associatePublicIpAddress: "false" }],
        },
      },
      instance({ subnetId: undefined, launchTemplate: { id: "lt-trainer-template" } }, byId),
    ],
    false,
  ),
  inherited(
    "instance without a subnet on a template that names none either (default VPC)",
    [
      template({ httpTokens: "required" }),
      instance({ subnetId: undefined, launchTemplate: { id: "lt-trainer-template" } }, byId),
    ],
    true,
  ),
  inherited(
    "Spot request without a subnet on a template from outside the stack",
    [spot({ subnetId: undefined, launchTemplate: { name: "shared-template" } })],
    true,
  ),
  one(
    "ec2-no-public-ip",
    "instance leaving its placement to a launch template is not flagged for the default VPC",
    instance({ subnetId: undefined, launchTemplate: { id: "lt-trainer-template" } }),
    false,
  ),
  inherited(
    "instance with its own metadata options is judged by ec2-imdsv2-required, not here",
    [instance({ metadataOptions: { httpTokens: "required" }, launchTemplate: { id: "lt-0abc" } })],
    false,
  ),
];
