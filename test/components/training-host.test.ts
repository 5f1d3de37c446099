import { strict as assert } from "node:assert";
import { TrainingHost, type TrainingHostArgs } from "@ml-platform/components";
import { policyDocument, runWithMocks, type MockRun } from "../support/mock-components";
import { assertOnlyChildren, assertRejected } from "../support/captured-assertions";
import { CHILDREN, TYPES as T } from "../support/type-tokens";
import { wildcardMatches } from "@ml-platform/aws-facts/iam-document";
import { loadFixtures } from "../../tools/lib/data-source-fixtures";

const AMI_PARAMETER =
  "/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id";
const BUCKET_ARN = "arn:aws:s3:::ml-platform-test-artifacts-1a2b3c4";
const base: TrainingHostArgs = {
  instanceType: "g5.2xlarge",
  amiParameter: AMI_PARAMETER,
  rootVolumeGb: 200,
  spot: false,
  bucketArn: BUCKET_ARN,
};

function build(args: Partial<TrainingHostArgs> = {}): Promise<MockRun> {
  return runWithMocks(() => new TrainingHost("ml-platform-test-training", { ...base, ...args }));
}

describe("TrainingHost", () => {
  let run: MockRun;
  before(async () => {
    run = await build();
    assert.equal(run.error, undefined, String(run.error));
  });

  it("parents every child to the component", () => {
    assertOnlyChildren(run, T.trainingComponent, CHILDREN[T.trainingComponent]!);
  });

  it("resolves the AMI from the SSM parameter once and ignores later AMI releases", () => {
    const instance = run.one(T.instance);
    assert.equal(instance.inputs.ami, "ami-0a1b2c3d4e5f60718"); // the fixture's answer for the DLAMI parameter
    assert.ok(!String(instance.inputs.ami).startsWith("resolve:ssm:"));
    assert.deepEqual(instance.options.ignoreChanges, ["ami"]);
  });

  it("requires IMDSv2, encrypts a gp3 root volume and asks for no public IP", () => {
    const instance = run.one(T.instance);
    assert.equal(instance.inputs.instanceType, "g5.2xlarge");
    assert.deepEqual(instance.inputs.metadataOptions, {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 2,
    });
    assert.deepEqual(instance.inputs.rootBlockDevice, {
      volumeType: "gp3",
      volumeSize: 200,
      encrypted: true,
      deleteOnTermination: true,
    });
    assert.equal(instance.inputs.associatePublicIpAddress, false);
    assert.equal(instance.inputs.instanceMarketOptions, undefined);
    assert.deepEqual(instance.inputs.vpcSecurityGroupIds, [run.one(T.sg).outputs.id]);
    assert.equal(
      instance.inputs.securityGroups,
      undefined,
      "securityGroups is deprecated and forces replacement",
    );
  });

  it("has a security group with no ingress by default, no inline rules, and explicit HTTPS egress", () => {
    const sg = run.one(T.sg);
    assert.equal(sg.inputs.ingress, undefined);
    assert.equal(sg.inputs.egress, undefined);
    assert.equal(run.ofType(T.ingress).length, 0);
    const egress = run.one(T.egress);
    assert.equal(egress.inputs.securityGroupId, sg.outputs.id);
    assert.deepEqual(
      [egress.inputs.ipProtocol, egress.inputs.fromPort, egress.inputs.toPort, egress.inputs.cidrIpv4],
      ["tcp", 443, 443, "0.0.0.0/0"],
    );
  });

  it("gets an instance profile with bucket prefixes and the partition-aware SSM core policy", () => {
    const role = run.one(T.role);
    assert.equal(policyDocument(role, "assumeRolePolicy").Statement[0]!.Action[0], "sts:AssumeRole");
    assert.equal(run.one(T.profile).inputs.role, role.outputs.name);
    assert.equal(run.one(T.instance).inputs.iamInstanceProfile, run.one(T.profile).outputs.name);
    assert.equal(
      run.one(T.attachment).inputs.policyArn,
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
    const doc = policyDocument(run.one(T.rolePolicy));
    assert.deepEqual(
      doc.Statement.map((s) => [s.Sid, s.Action, s.Resource]),
      [
        ["ListProjectPrefixes", ["s3:ListBucket"], [BUCKET_ARN]],
        ["ReadTrainingData", ["s3:GetObject"], [`${BUCKET_ARN}/data/*`]],
        ["WriteModelArtifacts", ["s3:GetObject", "s3:PutObject"], [`${BUCKET_ARN}/models/*`]],
      ],
    );
    const instance = run.one(T.instance);
    assert.ok(instance.dependencies.includes(run.one(T.rolePolicy).urn));
    assert.ok(instance.dependencies.includes(run.one(T.attachment).urn));
  });

  it("opens SSH only from the configured CIDRs, IPv4 and IPv6", async () => {
    const ssh = await build({ sshCidrs: ["203.0.113.0/24", "2001:db8::/48"], keyName: "ops" });
    const rules = ssh.ofType(T.ingress);
    assert.deepEqual(
      rules.map((r) => [
        r.inputs.ipProtocol,
        r.inputs.fromPort,
        r.inputs.toPort,
        r.inputs.cidrIpv4,
        r.inputs.cidrIpv6,
      ]),
      [
        ["tcp", 22, 22, "203.0.113.0/24", undefined],
        ["tcp", 22, 22, undefined, "2001:db8::/48"],
      ],
    );
    for (const rule of rules) assert.equal(rule.inputs.securityGroupId, ssh.one(T.sg).outputs.id);
    assert.equal(ssh.one(T.instance).inputs.keyName, "ops");
  });

  it("picks the AMI by accelerator when no parameter is given: the GPU DLAMI on GPUs, Amazon Linux 2023 on CPUs", async () => {
    // The fixtures answer the DLAMI parameters and the Amazon Linux ones with different image ids.
    const fixtures = loadFixtures();
    const imageOf = (path: string) =>
      fixtures.ssmParameters.find((p) => wildcardMatches(p.name, path))!.value;
    const expected: [string, string][] = [
      ["g5.2xlarge", imageOf(AMI_PARAMETER)],
      ["m5.xlarge", imageOf("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")],
    ];
    assert.notEqual(expected[0]![1], expected[1]![1]);
    for (const [instanceType, image] of expected) {
      const host = await build({ instanceType, amiParameter: undefined });
      assert.equal(host.error, undefined, String(host.error));
      assert.equal(host.one(T.instance).inputs.ami, image, instanceType);
    }
  });

  it("runs as one-time Spot when asked, so no request outlives the host, and replaces it on a type change", async () => {
    // A persistent request stays open when its instance is destroyed or replaced and launches an unmanaged one
    // (hashicorp/terraform-provider-aws#38142); a one-time request closes once fulfilled. EC2 can't change a Spot
    // instance's type in place, so the host must be replaced instead.
    const spot = await build({ spot: true });
    assert.deepEqual(spot.one(T.instance).inputs.instanceMarketOptions, {
      marketType: "spot",
      spotOptions: { spotInstanceType: "one-time", instanceInterruptionBehavior: "terminate" },
    });
    assert.deepEqual(spot.one(T.instance).options.replaceOnChanges, ["instanceType"]);
    assert.deepEqual(run.one(T.instance).options.replaceOnChanges, []);
  });

  it("launches into a given subnet with the security group in its VPC", async () => {
    const placed = await build({ subnetId: "subnet-0123456789abcdef0", vpcId: "vpc-0123456789abcdef0" });
    assert.equal(placed.one(T.instance).inputs.subnetId, "subnet-0123456789abcdef0");
    assert.equal(placed.one(T.sg).inputs.vpcId, "vpc-0123456789abcdef0");
  });

  it("without a subnet, puts the security group in the default VPC it looks up (a missing one fails at preview)", () => {
    // Not left to EC2: accounts without a default VPC would only fail at launch, with VPCIdNotSpecified.
    assert.equal(run.one(T.sg).inputs.vpcId, loadFixtures().defaultVpcId);
    assert.equal(run.one(T.instance).inputs.subnetId, undefined);
  });

  describe("validation", () => {
    const cases: [string, Partial<TrainingHostArgs>, string, RegExp][] = [
      ["SSH from the whole internet", { sshCidrs: ["0.0.0.0/0"] }, "sshCidrs[0]", /whole IPv4 internet/],
      [
        "SSH from the whole IPv6 internet",
        { sshCidrs: ["10.0.0.0/8", "::/0"] },
        "sshCidrs[1]",
        /whole IPv6 internet/,
      ],
      ["the /1 trick", { sshCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }, "sshCidrs[1]", /wider than/],
      ["a malformed CIDR", { sshCidrs: ["10.0.0.0/40"] }, "sshCidrs[0]", /prefix length/],
      ["a SageMaker type", { instanceType: "ml.g5.2xlarge" }, "instanceType", /no "ml\." prefix/],
      [
        "an AMI id instead of a parameter",
        { amiParameter: "ami-0123456789abcdef0" },
        "amiParameter",
        /SSM parameter path/,
      ],
      ["a 4 GB root volume", { rootVolumeGb: 4 }, "rootVolumeGb", /8 to 16384/],
      [
        "the GPU Deep Learning AMI on a CPU type",
        { instanceType: "m5.xlarge", amiParameter: AMI_PARAMETER },
        "amiParameter",
        /GPU Deep Learning AMI, which does not support m5\.xlarge/,
      ],
      [
        "an x86_64 image on a Graviton type",
        {
          instanceType: "m7g.xlarge",
          amiParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        },
        "amiParameter",
        /x86_64 image but m7g\.xlarge is arm64/,
      ],
      [
        "no AMI for an accelerator without a default image",
        { instanceType: "inf2.xlarge", amiParameter: undefined },
        "amiParameter",
        /required for inf2\.xlarge/,
      ],
      ["a subnet without a VPC", { subnetId: "subnet-0123456789abcdef0" }, "vpcId", /required with subnetId/],
      [
        "a malformed VPC id",
        { subnetId: "subnet-0123456789abcdef0", vpcId: "vpc-XYZ" },
        "vpcId",
        /"vpc-XYZ" is not a VPC id/,
      ],
      ["a bad data prefix", { dataPrefix: "/data" }, "dataPrefix", /relative S3 key prefix ending in "\/"/],
    ];
    it("rejects a component name too long for the role's auto-name (IAM's 64 characters)", async () => {
      const failed = await runWithMocks(() => new TrainingHost("t".repeat(52), base));
      assert.match(
        String((failed.error as Error).message),
        /name: "t+" can't prefix IAM role names: .* at most 51 characters/,
      );
      assert.deepEqual(failed.resources, []);
      const ok = await runWithMocks(() => new TrainingHost("t".repeat(51), base));
      assert.equal(ok.error, undefined, String(ok.error));
      assert.equal(String(ok.one(T.role).outputs.name).length, 64);
    });
    for (const [title, overrides, property, reason] of cases) {
      it(`rejects ${title}`, async () => {
        const failed = await build(overrides);
        assertRejected(failed, property, reason);
      });
    }
  });
});
