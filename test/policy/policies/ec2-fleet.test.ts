import { strict as assert } from "node:assert";
import { ec2EbsEncrypted, ec2Imdsv2Required, ec2NoPublicIp } from "@ml-platform/policy/policies/ec2";
import { instanceSizeEc2 } from "@ml-platform/policy/policies/instance-size";
import { messages, runRemediation, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const SUBNET = "subnet-0123456789abcdef0";

/** A launch configuration that passes every EC2 rule; each case mutates a copy. */
function launchConfiguration(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    imageId: "ami-0123456789abcdef0",
    instanceType: "m5.xlarge",
    associatePublicIpAddress: false,
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    rootBlockDevice: { volumeType: "gp3", volumeSize: 100, encrypted: true },
    ebsBlockDevices: [
      { deviceName: "/dev/sdf", volumeSize: 500, encrypted: true },
      { deviceName: "/dev/sdg", noDevice: true },
    ],
  };
  mutate(props);
  return { type: AWS_TYPES.ec2LaunchConfiguration, name: "workers-lc", props };
}

const specification = () => ({
  ami: "ami-0123456789abcdef0",
  instanceType: "m5.xlarge",
  subnetId: SUBNET,
  associatePublicIpAddress: false,
  rootBlockDevices: [{ volumeSize: 100, encrypted: true }],
  ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 500, encrypted: true }],
});

/** A Spot Fleet request with two launch specifications that pass every rule but IMDSv2 (which they cannot set). */
function fleet(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    iamFleetRole: "arn:aws:iam::123456789012:role/fleet",
    targetCapacity: 2,
    launchSpecifications: [specification(), { ...specification(), instanceType: "c5.2xlarge" }],
  };
  mutate(props);
  return { type: AWS_TYPES.ec2SpotFleetRequest, name: "workers-fleet", props };
}

/** A Spot Fleet request on a launch template, with instance-type overrides. */
function templateFleet(overrides: unknown[]) {
  return fleet((p) => {
    delete p.launchSpecifications;
    p.launchTemplateConfigs = [
      { launchTemplateSpecification: { id: "lt-workers", version: "1" }, overrides },
    ];
  });
}

const run = async (policy: Parameters<typeof runResourcePolicy>[0], resource: any, config = {}) =>
  messages(await runResourcePolicy(policy, resource, { config }));

describe("EC2 hardening on launch configurations and Spot Fleet launch specifications", () => {
  it("passes the compliant launch configuration under every rule, and the fleet under all but IMDSv2", async () => {
    for (const policy of [ec2Imdsv2Required, ec2EbsEncrypted, ec2NoPublicIp, instanceSizeEc2]) {
      assert.deepEqual(await run(policy, launchConfiguration()), [], policy.name);
    }
    for (const policy of [ec2EbsEncrypted, ec2NoPublicIp, instanceSizeEc2]) {
      assert.deepEqual(await run(policy, fleet()), [], policy.name);
    }
    assert.deepEqual(await run(ec2Imdsv2Required, templateFleet([{ instanceType: "m5.large" }])), []);
  });

  describe("instance-size-ec2", () => {
    it("reports an oversized or accelerated launch configuration type under a restrictive config", async () => {
      const big = await run(
        instanceSizeEc2,
        launchConfiguration((p) => (p.instanceType = "m5.8xlarge")),
      );
      assert.equal(big.length, 1);
      assert.match(big[0], /instanceType is "m5\.8xlarge", size 8xlarge exceeds the maximum 2xlarge/);
      const gpu = launchConfiguration((p) => (p.instanceType = "g5.xlarge"));
      assert.match((await run(instanceSizeEc2, gpu, { allowAccelerators: false }))[0], /accelerated/);
    });

    it("checks each launch specification's type, naming its index", async () => {
      const result = await run(
        instanceSizeEc2,
        fleet((p) => (p.launchSpecifications[1].instanceType = "r5.24xlarge")),
      );
      assert.equal(result.length, 1);
      assert.match(result[0], /launchSpecifications\[1\]\.instanceType is "r5\.24xlarge", size 24xlarge/);
    });

    it("checks launch template overrides, which replace the template's type", async () => {
      const result = await run(
        instanceSizeEc2,
        templateFleet([{ instanceType: "m5.large" }, { instanceType: "p4d.24xlarge" }]),
      );
      assert.equal(result.length, 1);
      assert.match(result[0], /launchTemplateConfigs\[0\]\.overrides\[1\]\.instanceType is "p4d\.24xlarge"/);
      const requirements = await run(
        instanceSizeEc2,
        templateFleet([{ instanceRequirements: { vcpuCount: { min: 2 }, memoryMib: { min: 4096 } } }]),
      );
      assert.equal(requirements.length, 1);
      assert.match(
        requirements[0],
        /launchTemplateConfigs\[0\]\.overrides\[0\]\.instanceRequirements\.allowedInstanceTypes is unset/,
      );
    });

    it("fails closed on an unknown specification list or type", async () => {
      const list = await run(
        instanceSizeEc2,
        fleet((p) => (p.launchSpecifications = unknown.array)),
      );
      assert.match(list[0], /fails closed/);
      const type = await run(
        instanceSizeEc2,
        launchConfiguration((p) => (p.instanceType = unknown.string)),
      );
      assert.match(type[0], /fails closed/);
    });
  });

  describe("ec2-imdsv2-required", () => {
    it('reports a launch configuration with httpTokens "optional" or unset', async () => {
      for (const mutate of [
        (p: Record<string, any>) => (p.metadataOptions.httpTokens = "optional"),
        (p: Record<string, any>) => delete p.metadataOptions,
      ]) {
        const result = await run(ec2Imdsv2Required, launchConfiguration(mutate));
        assert.equal(result.length, 1);
        assert.match(result[0], /metadataOptions\.httpTokens/);
      }
    });

    it("reports every launch specification, which has no metadata options to require IMDSv2", async () => {
      const result = await run(ec2Imdsv2Required, fleet());
      assert.equal(result.length, 2);
      assert.match(
        result[0],
        /launchSpecifications\[0\]\.metadataOptions cannot be set.*Fix: use launchTemplateConfigs/,
      );
      assert.match(result[1], /launchSpecifications\[1\]\.metadataOptions/);
    });

    it("never remediates a Spot Fleet request, whose launch specifications have no metadata options to set", async () => {
      const result = await runRemediation(ec2Imdsv2Required, fleet());
      assert.equal(result.properties, undefined);
      assert.match(result.notApplicable ?? "", /only applies to resources of type/);
    });
  });

  describe("ec2-ebs-encrypted", () => {
    it("reports the launch configuration's unencrypted or missing root and data volumes", async () => {
      const cases: [ReturnType<typeof launchConfiguration>, RegExp][] = [
        [
          launchConfiguration((p) => (p.rootBlockDevice.encrypted = false)),
          /rootBlockDevice\.encrypted is false/,
        ],
        [launchConfiguration((p) => delete p.rootBlockDevice), /no rootBlockDevice/],
        [
          launchConfiguration((p) => delete p.ebsBlockDevices[0].encrypted),
          /ebsBlockDevices\[0\]\.encrypted is null: volume \/dev\/sdf/,
        ],
      ];
      for (const [resource, pattern] of cases) {
        const result = await run(ec2EbsEncrypted, resource);
        assert.equal(result.length, 1, String(pattern));
        assert.match(result[0], pattern);
      }
    });

    it("reports each launch specification's unencrypted root or data volume, and a missing root", async () => {
      const cases: [ReturnType<typeof fleet>, RegExp][] = [
        [
          fleet((p) => (p.launchSpecifications[1].rootBlockDevices[0].encrypted = false)),
          /launchSpecifications\[1\]\.rootBlockDevices\[0\]\.encrypted is false/,
        ],
        [
          fleet((p) => delete p.launchSpecifications[0].rootBlockDevices),
          /launchSpecifications\[0\]\.rootBlockDevices is unset/,
        ],
        [
          fleet((p) => (p.launchSpecifications[0].ebsBlockDevices[0].encrypted = false)),
          /launchSpecifications\[0\]\.ebsBlockDevices\[0\]\.encrypted is false/,
        ],
      ];
      for (const [resource, pattern] of cases) {
        const result = await run(ec2EbsEncrypted, resource);
        assert.equal(result.length, 1, String(pattern));
        assert.match(result[0], pattern);
      }
    });

    it("with accountDefaultEncryption, unset passes and explicit false still fails", async () => {
      const config = { accountDefaultEncryption: true };
      const unset = fleet((p) => {
        delete p.launchSpecifications[0].rootBlockDevices;
        delete p.launchSpecifications[1].ebsBlockDevices[0].encrypted;
      });
      assert.deepEqual(await run(ec2EbsEncrypted, unset, config), []);
      assert.deepEqual(
        await run(
          ec2EbsEncrypted,
          launchConfiguration((p) => delete p.rootBlockDevice),
          config,
        ),
        [],
      );
      const explicit = launchConfiguration((p) => (p.rootBlockDevice.encrypted = false));
      assert.equal((await run(ec2EbsEncrypted, explicit, config)).length, 1);
    });

    it("fails closed on an unknown flag", async () => {
      const resource = fleet(
        (p) => (p.launchSpecifications[0].ebsBlockDevices[0].encrypted = unknown.boolean),
      );
      assert.match((await run(ec2EbsEncrypted, resource))[0], /fails closed/);
    });
  });

  describe("ec2-no-public-ip", () => {
    it("reports a launch configuration that associates a public IP", async () => {
      const result = await run(
        ec2NoPublicIp,
        launchConfiguration((p) => (p.associatePublicIpAddress = true)),
      );
      assert.equal(result.length, 1);
      assert.match(result[0], /associatePublicIpAddress is true/);
      const unset = launchConfiguration((p) => delete p.associatePublicIpAddress);
      assert.deepEqual(await run(ec2NoPublicIp, unset), []);
    });

    it("reports a public launch specification, and one without subnet (default VPC)", async () => {
      const publicIp = await run(
        ec2NoPublicIp,
        fleet((p) => (p.launchSpecifications[1].associatePublicIpAddress = true)),
      );
      assert.equal(publicIp.length, 1);
      assert.match(publicIp[0], /launchSpecifications\[1\]\.associatePublicIpAddress is true/);
      const defaultVpc = fleet((p) => {
        delete p.launchSpecifications[0].associatePublicIpAddress;
        delete p.launchSpecifications[0].subnetId;
      });
      assert.match(
        (await run(ec2NoPublicIp, defaultVpc))[0],
        /launchSpecifications\[0\]\.subnetId .*default VPC/,
      );
      const computedSubnet = fleet((p) => {
        delete p.launchSpecifications[0].associatePublicIpAddress;
        p.launchSpecifications[0].subnetId = unknown.string;
      });
      assert.deepEqual(await run(ec2NoPublicIp, computedSubnet), []);
    });
  });
});
