import { strict as assert } from "node:assert";
import { defineResourcePolicy, EXEMPTIONS_SCHEMA, onType } from "@ml-platform/policy/framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { BUCKET, compliant, sample } from "../support/sample-policy";

describe("defineResourcePolicy", () => {
  it("sets the runtime metadata: severity, remediation, docs url, tags and a configSchema with exemptions", () => {
    assert.equal(sample.severity, "low");
    assert.equal(sample.remediationSteps, "Do the right thing.");
    assert.equal(sample.url, "docs/policies.md#sample-policy");
    assert.deepEqual(sample.tags, ["ml-platform", "test"]);
    assert.deepEqual(Object.keys(sample.configSchema!.properties), [
      "maxRetention",
      "forbidden",
      "exemptions",
    ]);
    assert.deepEqual(sample.configSchema!.properties.exemptions, EXEMPTIONS_SCHEMA);
    assert.deepEqual(sample.platform.resourceTypes, [BUCKET]);
  });

  it("rejects incomplete metadata at definition time", () => {
    const base = {
      name: "x-y",
      family: "test",
      description: "d",
      severity: "low" as const,
      enforcementLevel: "advisory" as const,
      remediationSteps: "r",
      unknownValues: { behaviour: "defer" as const, detail: "d" },
      rules: [onType(BUCKET, () => undefined)],
    };
    assert.throws(() => defineResourcePolicy({ ...base, name: "Not_Kebab" }), /kebab-case/);
    assert.throws(() => defineResourcePolicy({ ...base, remediationSteps: " " }), /remediationSteps/);
    assert.throws(
      () => defineResourcePolicy({ ...base, unknownValues: { behaviour: "defer", detail: "" } }),
      /unknownValues/,
    );
    assert.throws(
      () =>
        defineResourcePolicy<{ n: number }>({
          ...base,
          config: { n: { type: "integer", default: 1, description: "" } },
        }),
      /needs a description/,
    );
    assert.throws(() => defineResourcePolicy({ ...base, rules: [] }), /at least one rule/);
  });

  it("passes a compliant resource", async () => {
    const result = await runResourcePolicy(sample, compliant);
    assert.deepEqual(result, { violations: [] });
  });

  it("reports other resource types as not applicable, as validateResourceOfType does", async () => {
    const result = await runResourcePolicy(sample, { type: AWS_TYPES.s3BucketPolicy, props: {} });
    assert.match(result.notApplicable ?? "", /only applies to resources of type '?aws:s3\/bucketV2:BucketV2/);
  });

  it("builds messages naming the resource, the property and the fix, after the description", async () => {
    const result = await runResourcePolicy(sample, { ...compliant, props: { retention: 90 } });
    assert.deepEqual(messages(result), [
      'Sample policy.\naws:s3/bucketV2:BucketV2 "logs": retention is 90 days. Fix: lower it.',
    ]);
  });

  it("applies schema defaults itself when the harness does not (getConfig has no defaults outside the CLI)", async () => {
    const result = await runResourcePolicy(
      sample,
      { ...compliant, props: { retention: 31 } },
      { fillDefaults: false },
    );
    assert.equal(result.violations.length, 1);
    const within = await runResourcePolicy(sample, compliant, { fillDefaults: false });
    assert.equal(within.violations.length, 0);
  });

  it("uses configured values over defaults", async () => {
    const result = await runResourcePolicy(sample, compliant, {
      config: { maxRetention: 5, forbidden: ["ml"] },
    });
    assert.equal(result.violations.length, 2);
  });

  it("reports invalid config, then checks with the defaults", async () => {
    const wrongType = await runResourcePolicy(sample, compliant, { config: { maxRetention: "thirty" } });
    assert.match(messages(wrongType)[0], /config property "maxRetention" must be integer, got "thirty"/);
    const unknownKey = await runResourcePolicy(sample, compliant, { config: { maxRetension: 3 } });
    assert.match(messages(unknownKey)[0], /unknown config property "maxRetension"/);
    const crossCheck = await runResourcePolicy(sample, compliant, { config: { forbidden: [""] } });
    assert.match(messages(crossCheck)[0], /forbidden must not contain an empty owner/);
    const outOfRange = await runResourcePolicy(
      sample,
      { ...compliant, props: { retention: 31 } },
      {
        config: { maxRetention: 0 },
      },
    );
    assert.equal(outOfRange.violations.length, 2, "the config error, and the default maximum still applies");
  });

  it("fails closed on an unknown field when the policy says so", async () => {
    const result = await runResourcePolicy(sample, { ...compliant, props: { retention: unknown.number } });
    assert.equal(result.deferred, undefined);
    assert.match(
      messages(result)[0],
      /retention is unknown during preview, and this policy fails closed because/,
    );
  });

  it("defers on an unknown field as the runtime does (advisory 'can't run policy during preview')", async () => {
    const result = await runResourcePolicy(sample, {
      ...compliant,
      props: { retention: 1, owner: unknown.string },
    });
    assert.deepEqual(result.violations, []);
    assert.match(result.deferred ?? "", /can't run policy 'sample-policy' during preview: .*owner/);
  });
});
