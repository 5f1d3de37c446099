import { strict as assert } from "node:assert";
import { violationMessage } from "@ml-platform/policy/framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

describe("violationMessage", () => {
  it("names the resource type and name, the property, the problem and the fix", () => {
    assert.equal(
      violationMessage(AWS_TYPES.iamRole, "exec", {
        property: "managedPolicyArns[0]",
        problem: "is bad.",
        fix: "fix it.",
      }),
      'aws:iam/role:Role "exec": managedPolicyArns[0] is bad. Fix: fix it.',
    );
  });
});
