/**
 * Root volumes taken from a launch template: an instance, Spot Instance request or Auto Scaling group that leaves
 * its root volume to a template of the stack is judged by the template's mapping for the root device (EC2
 * reserves /dev/xvda and /dev/sda1 for it, https://docs.aws.amazon.com/ebs/latest/userguide/device_naming.html);
 * ec2-ebs-encrypted no longer reports the instance for leaving it to the template.
 */
import { strict as assert } from "node:assert";
import { ec2EbsEncrypted } from "@ml-platform/policy/policies/ec2";
import { ec2LaunchTemplateInherited } from "@ml-platform/policy/policies/ec2-launch-template";
import {
  messages,
  runResourcePolicy,
  runStackPolicy,
  unknown,
  type StackResourceInput,
} from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const SUBNET = "subnet-0123456789abcdef0";

function template(blockDeviceMappings: unknown, name = "workers"): StackResourceInput {
  return {
    type: AWS_TYPES.ec2LaunchTemplate,
    name,
    props: {
      name,
      id: `lt-${name}`,
      metadataOptions: { httpTokens: "required" },
      networkInterfaces: [{ subnetId: SUBNET }],
      ...(blockDeviceMappings === undefined ? {} : { blockDeviceMappings }),
    },
  };
}
const rootMapping = (encrypted: unknown, deviceName = "/dev/xvda") => [
  { deviceName, ebs: { volumeSize: 100, ...(encrypted === undefined ? {} : { encrypted }) } },
];

function launcher(
  type: string,
  props: Record<string, unknown> = {},
  linkedTo = "workers",
): StackResourceInput {
  return {
    type,
    name: "trainer",
    props: {
      ami: "ami-0123456789abcdef0",
      subnetId: SUBNET,
      metadataOptions: { httpTokens: "required" },
      launchTemplate: { id: `lt-${linkedTo}` },
      ...props,
    },
    propertyDependencies: { launchTemplate: [linkedTo] },
  };
}
function group(props: Record<string, unknown>, links: Record<string, string[]> = {}): StackResourceInput {
  return {
    type: AWS_TYPES.autoscalingGroup,
    name: "workers-asg",
    props: { minSize: 0, maxSize: 2, vpcZoneIdentifiers: [SUBNET], ...props },
    propertyDependencies: links,
  };
}

const run = async (resources: StackResourceInput[], config?: Record<string, unknown>) =>
  messages(await runStackPolicy(ec2LaunchTemplateInherited, resources, { config }));

describe("root volumes from launch templates", () => {
  for (const type of [AWS_TYPES.ec2Instance, AWS_TYPES.ec2SpotInstanceRequest]) {
    describe(type, () => {
      it("passes when the template encrypts the root device (either reserved name, string or boolean)", async () => {
        for (const mappings of [rootMapping("true"), rootMapping(true, "/dev/sda1")]) {
          assert.deepEqual(await run([template(mappings), launcher(type)]), []);
        }
      });

      it("reports a template whose root mapping is unencrypted, naming the template and device", async () => {
        const [message, ...rest] = await run([template(rootMapping("false")), launcher(type)]);
        assert.deepEqual(rest, []);
        assert.match(
          message,
          /rootBlockDevice is left to launch template "workers", whose root mapping \/dev\/xvda has ebs.encrypted "false"/,
        );
      });

      it("reports a template that maps no root device (only a data volume, or nothing)", async () => {
        const dataOnly = [{ deviceName: "/dev/sdf", ebs: { encrypted: "true" } }];
        for (const mappings of [dataOnly, undefined]) {
          const found = await run([template(mappings), launcher(type)]);
          assert.equal(found.length, 1);
          assert.match(found[0], /maps no root device \(\/dev\/xvda or \/dev\/sda1\).*AMI snapshot/);
        }
      });

      it("lets an unset flag or missing root mapping pass with accountDefaultEncryption, never an explicit false", async () => {
        const config = { accountDefaultEncryption: true };
        assert.deepEqual(await run([template(undefined), launcher(type)], config), []);
        assert.deepEqual(await run([template(rootMapping(undefined)), launcher(type)], config), []);
        assert.equal((await run([template(rootMapping("false")), launcher(type)], config)).length, 1);
      });

      it("does not judge the template when the instance sets its own root volume", async () => {
        const own = launcher(type, { rootBlockDevice: { encrypted: true } });
        assert.deepEqual(await run([template(undefined), own]), []);
      });

      it("reports a template outside the stack, naming the root volume among what is left to it", async () => {
        const outside = { ...launcher(type, {}, "elsewhere"), propertyDependencies: {} };
        const [message] = await run([outside]);
        assert.match(message, /not in this stack, and rootBlockDevice are left to it/);
      });

      it("fails closed on template mappings unknown during preview", async () => {
        const [message] = await run([template(unknown.array), launcher(type)]);
        assert.match(message, /block device mappings of launch template "workers" are unknown/);
      });

      it("ec2-ebs-encrypted leaves the root volume to the named template, and still checks one without", async () => {
        const left = launcher(type);
        assert.deepEqual(messages(await runResourcePolicy(ec2EbsEncrypted, left)), []);
        const alone = { ...left, props: { ...left.props, launchTemplate: undefined } };
        assert.match(messages(await runResourcePolicy(ec2EbsEncrypted, alone)).join("\n"), /rootBlockDevice/);
      });
    });
  }

  describe(AWS_TYPES.autoscalingGroup, () => {
    it("judges the group's launchTemplate by its root mapping", async () => {
      const linked = { launchTemplate: ["workers"] };
      const props = { launchTemplate: { id: "lt-workers", version: "$Latest" } };
      assert.deepEqual(await run([template(rootMapping("true")), group(props, linked)]), []);
      const [message] = await run([template(rootMapping("false")), group(props, linked)]);
      assert.match(message, /Group "workers-asg": root volume is left to launch template "workers"/);
    });

    it("finds templates by id or name in a mixed instances policy, overrides included", async () => {
      const mixed = {
        mixedInstancesPolicy: {
          launchTemplate: {
            launchTemplateSpecification: { launchTemplateName: "workers" },
            overrides: [
              { instanceType: "m5.large" },
              { instanceType: "g5.xlarge", launchTemplateSpecification: { launchTemplateId: "lt-gpu" } },
            ],
          },
        },
      };
      const stack = [template(rootMapping("true")), template(undefined, "gpu"), group(mixed)];
      const found = await run(stack);
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(found[0], /launch template "gpu", which maps no root device/);
    });

    it("reports a group whose template is not in the stack; a launch configuration group is not judged here", async () => {
      const [message] = await run([group({ launchTemplate: { name: "shared" } })]);
      assert.match(message, /launchTemplate names a launch template that is not in this stack/);
      assert.deepEqual(await run([group({ launchConfiguration: "lc-workers" })]), []);
    });
  });

  describe("fleets", () => {
    const fleet = (type: string, spec: Record<string, unknown>) => ({
      type,
      name: "workers-fleet",
      props: { launchTemplateConfigs: [{ launchTemplateSpecification: spec }] },
    });
    it("a Spot Fleet request is judged by the template of each launch template config (by id or name)", async () => {
      const spot = AWS_TYPES.ec2SpotFleetRequest;
      assert.deepEqual(await run([template(rootMapping("true")), fleet(spot, { id: "lt-workers" })]), []);
      const [message] = await run([template(undefined), fleet(spot, { name: "workers" })]);
      assert.match(
        message,
        /SpotFleetRequest "workers-fleet": root volume is left to launch template "workers"/,
      );
    });

    it("an EC2 Fleet likewise, and one whose template is not in the stack is reported", async () => {
      const ec2Fleet = AWS_TYPES.ec2Fleet;
      const spec = { launchTemplateId: "lt-workers", version: "1" };
      assert.deepEqual(await run([template(rootMapping("true")), fleet(ec2Fleet, spec)]), []);
      assert.equal((await run([template(rootMapping("false")), fleet(ec2Fleet, spec)])).length, 1);
      const [outside] = await run([fleet(ec2Fleet, { launchTemplateName: "shared", version: "1" })]);
      assert.match(
        outside,
        /launchTemplateConfigs\[0\]\.launchTemplateSpecification names a launch template that is not in this stack/,
      );
    });
  });
});
