import { strict as assert } from "node:assert";
import { checkExemption, exemptionTagKey } from "@ml-platform/policy/framework";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { compliant, sample } from "../support/sample-policy";

describe("exemptions", () => {
  const violating = { ...compliant, props: { retention: 90 } };

  it("honours a tag exemption with a reason", async () => {
    const tags = {
      [exemptionTagKey("sample-policy")]: "archive bucket: retention set by legal in TICKET-12",
    };
    const result = await runResourcePolicy(sample, { ...violating, props: { ...violating.props, tags } });
    assert.deepEqual(result.violations, []);
  });

  it("reports a tag exemption without a reason and still checks the resource", async () => {
    const tags = { [exemptionTagKey("sample-policy")]: "  " };
    const result = await runResourcePolicy(sample, { ...violating, props: { ...violating.props, tags } });
    const texts = messages(result);
    assert.equal(texts.length, 2);
    assert.match(
      texts[0],
      /tags\["ml-platform:policy-exempt:sample-policy"\] exempts the resource without a written reason/,
    );
    assert.match(texts[1], /retention is 90 days/);
  });

  it("ignores an exemption tag for another policy", async () => {
    const tags = { [exemptionTagKey("other-policy")]: "reason" };
    const result = await runResourcePolicy(sample, { ...violating, props: { ...violating.props, tags } });
    assert.equal(result.violations.length, 1);
  });

  it("honours a config exemption by logical name or by URN, with a reason", async () => {
    const byName = await runResourcePolicy(sample, violating, {
      config: { exemptions: [{ resource: "logs", reason: "legal hold" }] },
    });
    assert.deepEqual(byName.violations, []);
    const byUrn = await runResourcePolicy(sample, violating, {
      config: {
        exemptions: [
          { resource: "urn:pulumi:dev::ml-platform::aws:s3/bucketV2:BucketV2::logs", reason: "x" },
        ],
      },
    });
    assert.deepEqual(byUrn.violations, []);
    const other = await runResourcePolicy(sample, violating, {
      config: { exemptions: [{ resource: "other", reason: "x" }] },
    });
    assert.equal(other.violations.length, 1);
  });

  it("reports a config exemption without a reason as a violation", async () => {
    const result = await runResourcePolicy(sample, violating, {
      config: { exemptions: [{ resource: "logs" }] },
    });
    const texts = messages(result);
    assert.equal(texts.length, 2);
    assert.match(
      texts[0],
      /policy config "sample-policy"\.exemptions\[0\] exempts the resource without a written reason/,
    );
  });

  it("does not exempt on an unknown tag value (the policy runs, nothing else is reported)", async () => {
    const tags = { [exemptionTagKey("sample-policy")]: unknown.string };
    const result = await runResourcePolicy(sample, { ...violating, props: { ...violating.props, tags } });
    assert.deepEqual(messages(result).length, 1);
    assert.match(messages(result)[0], /retention is 90 days/);
  });

  it("reads nothing but the policy's own tag", () => {
    const check = checkExemption("sample-policy", { name: "n", urn: "u", props: { tags: "not-a-map" } }, []);
    assert.deepEqual(check, { exemptReason: undefined, invalid: [] });
  });
});
