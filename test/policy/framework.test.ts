import { strict as assert } from "node:assert";
import {
  checkExemption,
  configWithDefaults,
  defineResourcePolicy,
  defineStackPolicy,
  exemptionTagKey,
  EXEMPTIONS_SCHEMA,
  onType,
  violationMessage,
  type PlatformStackPolicy,
} from "@ml-platform/policy/policies/framework";
import { exemptionTagUnknownPolicy } from "@ml-platform/policy/policies/exemptions";
import { messages, runResourcePolicy, runStackPolicy, unknown } from "./support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const BUCKET = AWS_TYPES.s3BucketV2;

/** A toy policy exercising every framework feature: config, fail-closed and deferred unknowns. */
const sample = defineResourcePolicy<{ maxRetention: number; forbidden: string[] }>({
  name: "sample-policy",
  family: "test",
  description: "Sample policy.",
  severity: "low",
  enforcementLevel: "mandatory",
  remediationSteps: "Do the right thing.",
  unknownValues: { behaviour: "mixed", detail: "retention fails closed, owner defers." },
  config: {
    maxRetention: { type: "integer", default: 30, minimum: 1, description: "Maximum retention in days." },
    forbidden: { type: "array", items: { type: "string" }, default: [], description: "Forbidden owners." },
  },
  validateConfig: (c) => (c.forbidden.includes("") ? ["forbidden must not contain an empty owner"] : []),
  rules: [
    onType<{ retention?: number; owner?: string }>(BUCKET, (props, ctx) => {
      const retention = ctx.probe("retention", () => props.retention);
      if (!retention.known) return ctx.failClosed(retention, "retention could exceed the maximum");
      if ((retention.value ?? 0) > ctx.config.maxRetention) {
        ctx.report({ property: "retention", problem: `is ${retention.value} days`, fix: "lower it" });
      }
      const owner = ctx.probe("owner", () => props.owner);
      if (!owner.known) return ctx.defer(owner);
      if (owner.value && ctx.config.forbidden.includes(owner.value)) {
        ctx.report({ property: "owner", problem: `is "${owner.value}"`, fix: "pick another owner" });
      }
    }),
  ],
});

const compliant = { type: BUCKET, name: "logs", props: { retention: 10, owner: "ml" } };

describe("policy framework", () => {
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
      assert.match(
        result.notApplicable ?? "",
        /only applies to resources of type '?aws:s3\/bucketV2:BucketV2/,
      );
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
      assert.equal(
        outOfRange.violations.length,
        2,
        "the config error, and the default maximum still applies",
      );
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
      const check = checkExemption(
        "sample-policy",
        { name: "n", urn: "u", props: { tags: "not-a-map" } },
        [],
      );
      assert.deepEqual(check, { exemptReason: undefined, invalid: [] });
    });
  });

  describe("configWithDefaults", () => {
    it("fills every default and keeps given values", () => {
      const { config, errors } = configWithDefaults<{ maxRetention: number }>(
        { maxRetention: 3 },
        sample.platform.config,
      );
      assert.deepEqual(errors, []);
      assert.deepEqual(config, { maxRetention: 3, forbidden: [], exemptions: [] });
    });

    it("returns fresh copies of defaults so policies cannot mutate each other's config", () => {
      const a = configWithDefaults<{ forbidden: string[] }>({}, sample.platform.config).config;
      a.forbidden.push("x");
      assert.deepEqual(
        configWithDefaults<{ forbidden: string[] }>({}, sample.platform.config).config.forbidden,
        [],
      );
    });
  });

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
  });
});

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
