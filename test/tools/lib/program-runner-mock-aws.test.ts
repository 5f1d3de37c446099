import { strict as assert } from "node:assert";
import { loadFixtures, parseFixtures, FixturesError } from "../../../tools/lib/data-source-fixtures";
import {
  answerInvoke,
  mockResourceState,
  renderPolicyDocument,
  UnansweredInvokeError,
} from "../../../tools/lib/mock-aws";
import { AWS_INVOKES, AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const fixtures = loadFixtures();
const ctx = { fixtures, region: "us-west-2" };
const urn = (type: string, name: string) => `urn:pulumi:dev::ml-platform::${type}::${name}`;

describe("program runner: mock AWS provider", () => {
  describe("data sources", () => {
    it("answers getRegion with v7's `region` and the deprecated `name`", () => {
      const r = answerInvoke(AWS_INVOKES.getRegion, {}, ctx);
      assert.equal(r.region, "us-west-2");
      assert.equal(r.name, "us-west-2");
    });

    it("answers getCallerIdentity and getPartition from the fixtures", () => {
      const id = answerInvoke(AWS_INVOKES.getCallerIdentity, {}, ctx);
      assert.equal(id.accountId, "123456789012");
      assert.equal(id.arn, "arn:aws:iam::123456789012:user/preview");
      const p = answerInvoke(AWS_INVOKES.getPartition, {}, ctx);
      assert.deepEqual([p.partition, p.dnsSuffix], ["aws", "amazonaws.com"]);
    });

    it("answers the Deep Learning AMI SSM parameter by pattern, and refuses an unknown parameter by name", () => {
      const name =
        "/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id";
      const r = answerInvoke(AWS_INVOKES.ssmGetParameter, { name }, ctx);
      assert.match(String(r.value), /^ami-[0-9a-f]+$/);
      assert.equal(r.name, name);
      assert.throws(
        () => answerInvoke(AWS_INVOKES.ssmGetParameter, { name: "/my/app/secret" }, ctx),
        (err: unknown) => err instanceof UnansweredInvokeError && /"\/my\/app\/secret"/.test(err.message),
      );
    });

    it("computes the prebuilt ECR image path from the inputs and the region", () => {
      const r = answerInvoke(
        AWS_INVOKES.sagemakerGetPrebuiltEcrImage,
        { repositoryName: "pytorch-inference", imageTag: "2.6.0-gpu-py312" },
        ctx,
      );
      assert.equal(
        r.registryPath,
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.6.0-gpu-py312",
      );
      const hk = answerInvoke(
        AWS_INVOKES.sagemakerGetPrebuiltEcrImage,
        { repositoryName: "pytorch-inference", region: "ap-east-1" },
        ctx,
      );
      assert.equal(hk.registryId, "871362719292");
      assert.equal(hk.imageTag, "1", "the provider's default tag");
    });

    it("names the token of an unknown data source", () => {
      assert.throws(
        () => answerInvoke(AWS_INVOKES.ec2GetVpc, {}, ctx),
        /no answer for data source aws:ec2\/getVpc:getVpc/,
      );
    });

    it("renders policy documents as the provider does", () => {
      const doc = renderPolicyDocument({
        statements: [
          {
            sid: "Read",
            actions: ["s3:GetObject", "s3:ListBucket", "s3:GetObject"],
            resources: ["arn:aws:s3:::b/*"],
            conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["true"] }],
          },
          {
            effect: "Deny",
            notActions: ["iam:*"],
            notResources: ["*"],
            principals: [{ type: "*", identifiers: ["*"] }],
          },
        ],
      });
      assert.deepEqual(doc, {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Read",
            Effect: "Allow",
            Action: ["s3:ListBucket", "s3:GetObject"],
            Resource: "arn:aws:s3:::b/*",
            Condition: { Bool: { "aws:SecureTransport": "true" } },
          },
          { Effect: "Deny", NotAction: "iam:*", NotResource: "*", Principal: "*" },
        ],
      });
    });
  });

  describe("resources", () => {
    it("auto-names only when the name is absent, deterministically", () => {
      const type = AWS_TYPES.sagemakerEndpoint;
      const a = mockResourceState(type, "ep", urn(type, "ep"), {}, ctx);
      const b = mockResourceState(type, "ep", urn(type, "ep"), {}, ctx);
      assert.deepEqual(a, b);
      assert.match(String(a.computed.name), /^ep-[0-9a-f]{7}$/);
      const named = mockResourceState(type, "ep", urn(type, "ep"), { name: "Explicit" }, ctx);
      assert.equal(named.computed.name, undefined, "an explicit name is an input, not recomputed");
      assert.equal(
        named.computed.arn,
        "arn:aws:sagemaker:us-west-2:123456789012:endpoint/explicit",
        "SageMaker ARNs are lowercase",
      );
    });

    it("gives Lambda functions a version only when published, and aliases an ARN on the function", () => {
      const type = AWS_TYPES.lambdaFunction;
      const published = mockResourceState(type, "fn", urn(type, "fn"), { publish: true, name: "fn" }, ctx);
      assert.equal(published.computed.version, "1");
      assert.equal(published.computed.qualifiedArn, "arn:aws:lambda:us-west-2:123456789012:function:fn:1");
      const unpublished = mockResourceState(type, "fn", urn(type, "fn"), { name: "fn" }, ctx);
      assert.equal(unpublished.computed.version, "$LATEST");
      const alias = mockResourceState(
        AWS_TYPES.lambdaAlias,
        "live",
        urn(AWS_TYPES.lambdaAlias, "live"),
        { name: "live", functionName: "fn", functionVersion: "1" },
        ctx,
      );
      assert.equal(alias.computed.arn, "arn:aws:lambda:us-west-2:123456789012:function:fn:live");
    });

    it("uses the fixture partition in ARNs", () => {
      const cn = { fixtures: { ...fixtures, partition: "aws-cn" as const }, region: "cn-north-1" };
      const role = mockResourceState(AWS_TYPES.iamRole, "r", urn(AWS_TYPES.iamRole, "r"), {}, cn);
      assert.match(String(role.computed.arn), /^arn:aws-cn:iam::123456789012:role\/r-[0-9a-f]{7}$/);
    });

    it("gives EC2 instances and security groups AWS-shaped ids", () => {
      const i = mockResourceState(AWS_TYPES.ec2Instance, "host", urn(AWS_TYPES.ec2Instance, "host"), {}, ctx);
      assert.match(i.id, /^i-[0-9a-f]{17}$/);
      assert.equal(i.computed.publicIp, undefined);
      const sg = mockResourceState(AWS_TYPES.ec2SecurityGroup, "sg", urn("x", "sg"), {}, ctx);
      assert.match(sg.id, /^sg-[0-9a-f]{17}$/);
      assert.equal(sg.computed.vpcId, fixtures.defaultVpcId);
    });
  });

  describe("fixture file", () => {
    it("the shipped file is valid", () => {
      assert.equal(fixtures.callerIdentity.accountId, "123456789012");
    });

    it("a bad edit names the field and the rule", () => {
      assert.throws(
        () =>
          parseFixtures(
            "callerIdentity: {accountId: x, arn: a, userId: u}\npartition: mars\ndefaultRegion: us-east-1\n",
            "f.yaml",
          ),
        (err: unknown) =>
          err instanceof FixturesError &&
          /callerIdentity\.accountId: must be a 12-digit AWS account id/.test(err.message) &&
          /partition: /.test(err.message),
      );
    });
  });
});
