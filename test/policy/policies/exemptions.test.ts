import { strict as assert } from "node:assert";
import { exemptionTagKey, type PlatformStackPolicy } from "@ml-platform/policy/framework";
import { exemptionTagUnknownPolicy } from "@ml-platform/policy/policies/exemptions";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { messages, runStackPolicy, unknown } from "../support/harness";

const BUCKET = AWS_TYPES.s3BucketV2;

describe("policy exemption-tag-unknown-policy", () => {
  const check = exemptionTagUnknownPolicy(() => ["iam-no-full-access", "sample-policy"]);
  const bucket = (tags: Record<string, string>) => ({ type: BUCKET, name: "b", props: { tags } });

  it("passes exemption tags that name a policy, and other tags", async () => {
    const result = await runStackPolicy(check, [
      bucket({ [exemptionTagKey("iam-no-full-access")]: "reason", team: "ml" }),
      { type: AWS_TYPES.iamRolePolicyAttachment, props: {} },
    ]);
    assert.deepEqual(result, { violations: [] });
  });

  it("reports a misspelt policy name with a suggestion", async () => {
    const result = await runStackPolicy(check, [
      bucket({ [exemptionTagKey("iam-no-ful-access")]: "reason" }),
    ]);
    assert.match(
      messages(result)[0],
      /tags\["ml-platform:policy-exempt:iam-no-ful-access"\] names no policy of this pack \("iam-no-ful-access"\), so it exempts nothing\. Fix: use "ml-platform:policy-exempt:iam-no-full-access"/,
    );
  });

  it("skips tags unknown during preview", async () => {
    const result = await runStackPolicy(check, [
      { type: BUCKET, name: "b", props: { tags: unknown.object } },
    ]);
    assert.deepEqual(result, { violations: [] });
  });

  it("is part of the pack and knows every policy in it", async () => {
    const { allPolicies } = await import("@ml-platform/policy/policies");
    const last = allPolicies[allPolicies.length - 1] as PlatformStackPolicy;
    assert.equal(last.name, "exemption-tag-unknown-policy");
    const resources = allPolicies.map((p, i) => ({
      type: BUCKET,
      name: `b${i}`,
      props: { tags: { [exemptionTagKey(p.name)]: "r" } },
    }));
    assert.deepEqual((await runStackPolicy(last, resources)).violations, []);
  });
});
