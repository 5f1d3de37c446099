import { strict as assert } from "node:assert";
import { ec2EbsEncrypted, ec2Imdsv2Required, ec2NoPublicIp } from "@ml-platform/policy/policies/ec2";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const INSTANCE = AWS_TYPES.ec2Instance;
const LAUNCH_TEMPLATE = AWS_TYPES.ec2LaunchTemplate;
const VOLUME = AWS_TYPES.ebsVolume;

/** A training host that passes every EC2 rule; each case mutates a copy. */
function instance(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    ami: "ami-0123456789abcdef0",
    instanceType: "g5.2xlarge",
    subnetId: "subnet-0123456789abcdef0",
    vpcSecurityGroupIds: ["sg-0123456789abcdef0"],
    associatePublicIpAddress: false,
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
    rootBlockDevice: { volumeType: "gp3", volumeSize: 200, encrypted: true },
    ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 500, encrypted: true }],
  };
  mutate(props);
  return { type: INSTANCE, name: "trainer", props };
}

/** A launch template that passes every EC2 rule (its booleans are strings, as in the provider schema). */
function template(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    imageId: "ami-0123456789abcdef0",
    instanceType: "g5.2xlarge",
    metadataOptions: { httpTokens: "required" },
    blockDeviceMappings: [
      { deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 100 } },
      { deviceName: "/dev/sdb", virtualName: "ephemeral0" },
    ],
    networkInterfaces: [{ associatePublicIpAddress: "false", subnetId: "subnet-0123456789abcdef0" }],
  };
  mutate(props);
  return { type: LAUNCH_TEMPLATE, name: "trainer-lt", props };
}

describe("EC2 hardening policies", () => {
  const all = [ec2Imdsv2Required, ec2EbsEncrypted, ec2NoPublicIp];

  it("passes the compliant instance, launch template and volume", async () => {
    for (const policy of all) {
      assert.deepEqual(messages(await runResourcePolicy(policy, instance())), [], policy.name);
      assert.deepEqual(messages(await runResourcePolicy(policy, template())), [], policy.name);
    }
    const volume = { type: VOLUME, props: { availabilityZone: "us-east-1a", size: 10, encrypted: true } };
    assert.deepEqual(messages(await runResourcePolicy(ec2EbsEncrypted, volume)), []);
  });

  describe("ec2-imdsv2-required", () => {
    it('reports httpTokens "optional" or unset on instances and templates', async () => {
      const cases = [
        instance((p) => (p.metadataOptions.httpTokens = "optional")),
        instance((p) => delete p.metadataOptions),
        template((p) => (p.metadataOptions = { httpTokens: "optional" })),
        template((p) => delete p.metadataOptions),
      ];
      for (const c of cases) {
        const result = messages(await runResourcePolicy(ec2Imdsv2Required, c));
        assert.equal(result.length, 1, JSON.stringify(c.props.metadataOptions));
        assert.match(
          result[0],
          /metadataOptions.httpTokens .*Fix: set metadataOptions.httpTokens to "required"/,
        );
      }
    });

    it("passes when the metadata endpoint is disabled altogether", async () => {
      const c = instance((p) => (p.metadataOptions = { httpEndpoint: "disabled" }));
      assert.deepEqual(messages(await runResourcePolicy(ec2Imdsv2Required, c)), []);
    });

    it("fails closed on unknown metadata options", async () => {
      const c = instance((p) => (p.metadataOptions.httpTokens = unknown.string));
      assert.match(messages(await runResourcePolicy(ec2Imdsv2Required, c))[0], /fails closed/);
    });
  });

  describe("ec2-ebs-encrypted", () => {
    it("reports an unencrypted or missing root device and unencrypted data volumes", async () => {
      const cases: [ReturnType<typeof instance>, RegExp][] = [
        [instance((p) => (p.rootBlockDevice.encrypted = false)), /rootBlockDevice.encrypted is false/],
        [instance((p) => delete p.rootBlockDevice.encrypted), /rootBlockDevice.encrypted is null/],
        [instance((p) => delete p.rootBlockDevice), /no rootBlockDevice/],
        [
          instance((p) => (p.ebsBlockDevices[0].encrypted = false)),
          /ebsBlockDevices\[0\].encrypted .*\/dev\/sdf/,
        ],
      ];
      for (const [c, pattern] of cases) {
        const result = messages(await runResourcePolicy(ec2EbsEncrypted, c));
        assert.equal(result.length, 1);
        assert.match(result[0], pattern);
      }
    });

    it('reads LaunchTemplate string booleans: "false" and unset are reported, instance-store mappings skipped', async () => {
      for (const value of ["false", undefined]) {
        const c = template((p) => (p.blockDeviceMappings[0].ebs.encrypted = value));
        const result = messages(await runResourcePolicy(ec2EbsEncrypted, c));
        assert.equal(result.length, 1);
        assert.match(result[0], /blockDeviceMappings\[0\].ebs.encrypted/);
      }
    });

    it("reports an unencrypted ebs.Volume", async () => {
      const volume = { type: VOLUME, props: { availabilityZone: "us-east-1a", size: 10 } };
      assert.match(messages(await runResourcePolicy(ec2EbsEncrypted, volume))[0], /encrypted is null/);
    });

    it("with accountDefaultEncryption, unset flags pass but explicit false still fails", async () => {
      const config = { accountDefaultEncryption: true };
      const unset = instance((p) => {
        delete p.rootBlockDevice.encrypted;
        delete p.ebsBlockDevices[0].encrypted;
      });
      assert.deepEqual(messages(await runResourcePolicy(ec2EbsEncrypted, unset, { config })), []);
      const explicit = instance((p) => (p.rootBlockDevice.encrypted = false));
      assert.equal(messages(await runResourcePolicy(ec2EbsEncrypted, explicit, { config })).length, 1);
    });

    it("fails closed on an unknown flag", async () => {
      const c = instance((p) => (p.rootBlockDevice.encrypted = unknown.boolean));
      assert.match(messages(await runResourcePolicy(ec2EbsEncrypted, c))[0], /fails closed/);
    });
  });

  describe("ec2-no-public-ip", () => {
    it("reports associatePublicIpAddress true", async () => {
      const c = instance((p) => (p.associatePublicIpAddress = true));
      assert.match(
        messages(await runResourcePolicy(ec2NoPublicIp, c))[0],
        /associatePublicIpAddress is true/,
      );
    });

    it("reports an instance without subnet (default VPC) but not one with a subnet from another resource", async () => {
      const defaultVpc = instance((p) => {
        delete p.associatePublicIpAddress;
        delete p.subnetId;
      });
      assert.match(messages(await runResourcePolicy(ec2NoPublicIp, defaultVpc))[0], /default VPC/);
      const computedSubnet = instance((p) => {
        delete p.associatePublicIpAddress;
        p.subnetId = unknown.string;
      });
      assert.deepEqual(messages(await runResourcePolicy(ec2NoPublicIp, computedSubnet)), []);
    });

    it('reports a launch template interface with associatePublicIpAddress "true"', async () => {
      const c = template((p) => (p.networkInterfaces[0].associatePublicIpAddress = "true"));
      assert.match(
        messages(await runResourcePolicy(ec2NoPublicIp, c))[0],
        /networkInterfaces\[0\].associatePublicIpAddress/,
      );
    });

    it("fails closed on an unknown associatePublicIpAddress", async () => {
      const c = instance((p) => (p.associatePublicIpAddress = unknown.boolean));
      assert.match(messages(await runResourcePolicy(ec2NoPublicIp, c))[0], /fails closed/);
    });
  });
});
