import { strict as assert } from "node:assert";
import { defineStackPolicy, exemptionTagKey } from "@ml-platform/policy/framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { messages, runResourcePolicy, runStackPolicy, unknown } from "../support/harness";
import { BUCKET, compliant, sample } from "../support/sample-policy";

describe("defineStackPolicy", () => {
  const mustHaveBucket = defineStackPolicy({
    name: "must-have-bucket",
    family: "test",
    description: "Every stack needs a bucket.",
    severity: "low",
    enforcementLevel: "mandatory",
    remediationSteps: "Add one.",
    unknownValues: { behaviour: "defer", detail: "n/a" },
    validateStack: (ctx) => {
      if (ctx.resourcesOfType(BUCKET).length === 0) {
        ctx.report(undefined, { property: "resources", problem: "has no bucket", fix: "add a bucket" });
      }
      for (const r of ctx.resourcesOfType(AWS_TYPES.s3BucketPolicy)) {
        ctx.report(r, { property: "policy", problem: "is not allowed", fix: "remove it" });
      }
    },
  });

  it("runs on a stack without matching resources (never notApplicable)", async () => {
    const result = await runStackPolicy(mustHaveBucket, [{ type: AWS_TYPES.iamRole, props: {} }]);
    assert.equal(result.notApplicable, undefined);
    assert.deepEqual(messages(result), [
      "Every stack needs a bucket.\nstack: resources has no bucket. Fix: add a bucket.",
    ]);
  });

  it("reports against the resource's URN and honours its exemption", async () => {
    const bucket = { type: BUCKET, name: "b", props: {} };
    const policyRes = { type: AWS_TYPES.s3BucketPolicy, name: "p", props: {} };
    const result = await runStackPolicy(mustHaveBucket, [bucket, policyRes]);
    assert.deepEqual(
      result.violations.map((v) => v.urn),
      ["urn:pulumi:dev::ml-platform::aws:s3/bucketPolicy:BucketPolicy::p"],
    );
    const exempt = await runStackPolicy(mustHaveBucket, [bucket, policyRes], {
      config: { exemptions: [{ resource: "p", reason: "needed for the CDN" }] },
    });
    assert.deepEqual(exempt.violations, []);
    const reasonless = await runStackPolicy(mustHaveBucket, [
      bucket,
      { ...policyRes, props: { tags: { [exemptionTagKey("must-have-bucket")]: "" } } },
    ]);
    assert.equal(reasonless.violations.length, 2);
  });

  it("words fail-closed and invalid-config findings exactly as a resource policy does", async () => {
    const strict = defineStackPolicy<{ limit: number }>({
      name: "bucket-retention-known",
      family: "test",
      description: "Retention must be known.",
      severity: "low",
      enforcementLevel: "mandatory",
      remediationSteps: "Set it.",
      unknownValues: { behaviour: "fail-closed", detail: "retention" },
      config: { limit: { type: "integer", default: 1, description: "A limit." } },
      validateStack: (ctx) => {
        for (const r of ctx.resourcesOfType(BUCKET)) {
          const retention = ctx.probe("retention", () => r.props.retention);
          if (!retention.known) ctx.failClosed(r, retention, "retention could exceed the maximum");
        }
      },
    });
    const stack = await runStackPolicy(
      strict,
      [{ type: BUCKET, name: "logs", props: { retention: unknown.number } }],
      {
        config: { limit: "x" },
      },
    );
    const resource = await runResourcePolicy(
      sample,
      { ...compliant, props: { retention: unknown.number } },
      { config: { maxRetention: "x" } },
    );
    const tail = (text: string) => text.slice(text.indexOf(": ") + 2);
    const [stackConfig, stackUnknown] = messages(stack).map((m) => m.split("\n")[1]);
    const [resourceConfig, resourceUnknown] = messages(resource).map((m) => m.split("\n")[1]);
    assert.equal(
      tail(stackConfig).replace("bucket-retention-known", "P").replace('"limit"', "F"),
      tail(resourceConfig).replace("sample-policy", "P").replace('"maxRetention"', "F"),
    );
    assert.equal(tail(stackUnknown), tail(resourceUnknown));
    assert.match(
      stackUnknown,
      /^aws:s3\/bucketV2:BucketV2 "logs": retention is unknown during preview, and this policy fails closed/,
    );
  });
});
