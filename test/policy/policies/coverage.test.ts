import { strict as assert } from "node:assert";
import { allPolicies } from "@ml-platform/policy/policies";
import { checkedTypes, COVERAGE_POLICY_NAME } from "@ml-platform/policy/policies/coverage";
import type { PlatformStackPolicy } from "@ml-platform/policy/framework";
import { AWS_SURFACES } from "@ml-platform/aws-facts/coverage/aws-surfaces.generated";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { messages, runStackPolicy } from "../support/harness";

const policy = allPolicies.find((p) => p.name === COVERAGE_POLICY_NAME) as PlatformStackPolicy;
const run = (...types: string[]) =>
  runStackPolicy(
    policy,
    types.map((type, i) => ({ type, name: `r${i}`, props: {} })),
  );

describe("policy resource-type-not-checked", () => {
  it("reports an enumerated type no policy checks, naming the type and what it can do", async () => {
    const result = await run("aws:autoscaling/group:Group", "aws:sagemaker/domain:Domain");
    assert.equal(result.violations.length, 2);
    assert.match(
      messages(result)[0],
      /type is aws:autoscaling\/group:Group, a type that launches compute and sets scaling, not checked by ml-platform policies/,
    );
  });

  it("stays silent on checked types and on types that grant, launch and scale nothing", async () => {
    assert.deepEqual(
      await run(
        AWS_TYPES.iamRole,
        AWS_TYPES.ec2Instance,
        AWS_TYPES.appautoscalingScheduledAction,
        AWS_TYPES.s3BucketV2,
      ),
      { violations: [] },
    );
  });

  it("reports aws-native IAM and compute types and CloudFormation stacks of either provider", async () => {
    const result = await run(
      "aws-native:iam:Role",
      "aws-native:ec2:Instance",
      "aws-native:cloudformation:Stack",
      "aws:cloudformation/stack:Stack",
      "aws-native:s3:Bucket",
    );
    assert.equal(result.violations.length, 4);
    assert.match(messages(result)[2], /a CloudFormation stack, whose template can create any resource/);
  });

  it("agrees with the docs table: every enumerated type is either checked or reported", async () => {
    const checked = checkedTypes(allPolicies.filter((p) => p.name !== COVERAGE_POLICY_NAME));
    for (const { token } of AWS_SURFACES) {
      const reported = (await run(token)).violations.length > 0;
      assert.equal(reported, !checked.has(token), token);
    }
  });

  it("honours an exemption with a reason", async () => {
    const result = await runStackPolicy(policy, [{ type: "aws:ec2/fleet:Fleet", name: "fleet", props: {} }], {
      config: { exemptions: [{ resource: "fleet", reason: "reviewed by the capacity team" }] },
    });
    assert.deepEqual(result.violations, []);
  });
});
