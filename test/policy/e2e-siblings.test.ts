/**
 * End-to-end for hardening on sibling types: the compiled pack, started as the CLI starts it and driven over gRPC
 * with the prod config. A stack whose Auto Scaling group and instance take their root volume from a launch
 * template is judged by that template (the instance alone is no longer flagged for leaving it), and an unprotected
 * EBS volume is a mandatory violation.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import type { PolicyViolation } from "../../tools/analyzer";
import type { CapturedResource } from "../../tools/lib/resource-graph";
import { captured, POLICY_DIR, usePolicyPack } from "./support/e2e";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const SUBNET = "subnet-0123456789abcdef0";
const byPolicy = (violations: readonly PolicyViolation[], name: string) =>
  violations.filter((v) => v.policyName === name);

/** A launch template, an instance and an Auto Scaling group launched from it, the template's root mapping given. */
function stack(rootEncrypted: string): CapturedResource[] {
  const template = captured(AWS_TYPES.ec2LaunchTemplate, "workers", {
    name: "workers",
    metadataOptions: { httpTokens: "required" },
    networkInterfaces: [{ subnetId: SUBNET, associatePublicIpAddress: "false" }],
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, encrypted: rootEncrypted } }],
  });
  const reference = { launchTemplate: { id: "workers-id" } };
  const links = { propertyDependencies: { launchTemplate: [template.urn] } };
  const instance = captured(
    AWS_TYPES.ec2Instance,
    "trainer",
    { ami: "ami-0123456789abcdef0", instanceType: "m5.large", ...reference },
    links,
  );
  const group = captured(
    AWS_TYPES.autoscalingGroup,
    "workers-asg",
    { minSize: 0, maxSize: 2, vpcZoneIdentifiers: [SUBNET], ...reference },
    links,
  );
  return [template, instance, group];
}

describe("sibling hardening end to end (CLI runner + gRPC, prod config)", function () {
  this.timeout(180_000);
  const pack = usePolicyPack({ project: "ml-platform", stack: "prod", tags: {} });
  before(async () => {
    await pack().configure(join(POLICY_DIR, "config", "prod.json"));
  });

  it("an instance leaving its root volume to a launch template is not flagged by ec2-ebs-encrypted", async () => {
    const [, instance] = stack("true");
    assert.deepEqual(byPolicy((await pack().analyze(instance)).violations, "ec2-ebs-encrypted"), []);
  });

  it("the instance and the group are judged by the template's root mapping", async () => {
    const policy = "ec2-launch-template-inherited";
    assert.deepEqual(byPolicy((await pack().analyzeStack(stack("true"))).violations, policy), []);
    const found = byPolicy((await pack().analyzeStack(stack("false"))).violations, policy);
    assert.deepEqual(found.map((v) => v.urn.split("::").pop()).sort(), ["trainer", "workers-asg"]);
    for (const v of found) {
      assert.equal(v.enforcementLevel, "mandatory");
      assert.match(v.message, /left to launch template "workers", whose root mapping \/dev\/xvda/);
    }
  });

  it("an unprotected EBS volume is a mandatory stateful-resources-protected violation", async () => {
    const volume = (protect: boolean) =>
      captured(
        AWS_TYPES.ebsVolume,
        "scratch",
        { availabilityZone: "us-east-1a", size: 100, encrypted: true },
        { options: { protect } },
      );
    const policy = "stateful-resources-protected";
    assert.deepEqual(byPolicy((await pack().analyze(volume(true))).violations, policy), []);
    const [v] = byPolicy((await pack().analyze(volume(false))).violations, policy);
    assert.equal(v?.enforcementLevel, "mandatory");
    assert.match(v.message, /Volume "scratch": protect \(resource option\) is not set/);
  });
});
