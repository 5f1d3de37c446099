/**
 * Remediations, unit level: each runs as the runtime's Remediate runs it (harness `runRemediation`), returns the
 * whole property bag with only its fix applied, leaves compliant, exempt and ambiguous resources alone, never
 * weakens a value, and the remediated resource then passes the policy it was remediated for.
 */
import { strict as assert } from "node:assert";
import { autoscalingScaleInCooldown } from "@ml-platform/policy/policies/autoscaling";
import { ec2Imdsv2Required } from "@ml-platform/policy/policies/ec2";
import { logGroupRetentionEncryption } from "@ml-platform/policy/policies/logs";
import { notebookNoRootAccess } from "@ml-platform/policy/policies/notebook";
import { s3PublicAccessBlock } from "@ml-platform/policy/policies/s3";
import { allPolicies } from "@ml-platform/policy/policies";
import {
  applyFixes,
  exemptionTagKey,
  fixPath,
  type PlatformPolicy,
  type PlatformResourcePolicy,
} from "@ml-platform/policy/framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import {
  messages,
  runRemediation,
  runResourcePolicy,
  runStackPolicy,
  unknown,
  urnOf,
  type ResourceInput,
  type RunOptions,
} from "./support/harness";

/** Remediates `resource`, asserts a bag came back, and returns it. */
async function remediated(policy: PlatformPolicy, resource: ResourceInput, options: RunOptions = {}) {
  const result = await runRemediation(policy, resource, options);
  assert.equal(result.deferred, undefined);
  assert.ok(result.properties, `${policy.name} did not remediate ${resource.type}`);
  return result.properties;
}

/** Asserts the policy leaves `resource` alone: no remediation at all. */
async function untouched(policy: PlatformPolicy, resource: ResourceInput, options: RunOptions = {}) {
  const result = await runRemediation(policy, resource, options);
  assert.equal(result.properties, undefined, `${policy.name} changed a resource it should leave alone`);
  assert.equal(result.deferred, undefined);
}

/** Asserts the resource, as remediated, passes the policy. */
async function passes(
  policy: PlatformResourcePolicy,
  type: string,
  props: Record<string, unknown>,
  options: RunOptions = {},
) {
  assert.deepEqual(messages(await runResourcePolicy(policy, { type, props }, options)), []);
}

describe("remediation framework", () => {
  it("applies fixes in place: missing parents created, siblings kept, no-ops dropped", () => {
    const props: Record<string, any> = { keep: 1, nested: { other: "x" } };
    const applied = applyFixes(props, [
      { property: "created.leaf", value: true },
      { property: "nested.leaf", value: "on" },
      { property: "keep", value: 1 },
    ]);
    assert.deepEqual(props, { keep: 1, nested: { other: "x", leaf: "on" }, created: { leaf: true } });
    assert.deepEqual(
      applied.map((f) => f.property),
      ["created.leaf", "nested.leaf"],
    );
  });

  it("raises a number to a minimum and never lowers one above it", () => {
    const props: Record<string, any> = { low: 10, high: 900 };
    applyFixes(props, [
      { property: "low", atLeast: 300 },
      { property: "high", atLeast: 300 },
      { property: "unset", atLeast: 300 },
    ]);
    assert.deepEqual(props, { low: 300, high: 900, unset: 300 });
  });

  it("leaves a parent that is not an object alone, and rejects paths that are not plain keys", () => {
    const props: Record<string, any> = { options: "literal", list: [1] };
    assert.deepEqual(
      applyFixes(props, [
        { property: "options.leaf", value: true },
        { property: "list.leaf", value: true },
      ]),
      [],
    );
    assert.deepEqual(props, { options: "literal", list: [1] });
    assert.throws(() => fixPath("ingress[0].cidrBlocks"), /dotted path of plain keys/);
  });

  it("offers remediation only on the policies that define one, each with a summary and its types", () => {
    const offering = allPolicies.filter((p) => p.platform.remediation).map((p) => p.name);
    assert.deepEqual(offering.sort(), [
      "autoscaling-scale-in-cooldown",
      "ec2-imdsv2-required",
      "log-group-retention-encryption",
      "notebook-no-root-access",
      "s3-public-access-block",
    ]);
    for (const policy of allPolicies) {
      const has = "remediateResource" in policy && policy.remediateResource !== undefined;
      assert.equal(has, !!policy.platform.remediation, policy.name);
      // Off by default: no policy ships at the remediate level.
      assert.notEqual(policy.enforcementLevel, "remediate", policy.name);
    }
  });

  it("is not applicable to other types, and leaves exempt and misconfigured resources alone", async () => {
    const other = await runRemediation(notebookNoRootAccess, { type: AWS_TYPES.s3Bucket, props: {} });
    assert.ok(other.notApplicable);
    const rooted = { type: AWS_TYPES.sagemakerNotebookInstance, name: "explore", props: {} };
    await untouched(notebookNoRootAccess, {
      ...rooted,
      props: { tags: { [exemptionTagKey("notebook-no-root-access")]: "vendor image needs sudo" } },
    });
    await untouched(notebookNoRootAccess, rooted, {
      config: { exemptions: [{ resource: "explore", reason: "vendor image needs sudo" }] },
    });
    await untouched(
      logGroupRetentionEncryption,
      { type: AWS_TYPES.cloudwatchLogGroup, props: {} },
      {
        config: { defaultRetentionDays: 90, maxRetentionDays: 30 },
      },
    );
  });

  it("remediates when an exemption has no reason (it is not honoured)", async () => {
    const props = await remediated(notebookNoRootAccess, {
      type: AWS_TYPES.sagemakerNotebookInstance,
      props: { tags: { [exemptionTagKey("notebook-no-root-access")]: "" } },
    });
    assert.equal(props.rootAccess, "Disabled");
  });

  it("returns secrets as secrets and values unknown during preview as placeholders", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Secret } = require("@pulumi/policy/policy") as { Secret: new (v: unknown) => unknown };
    const props = await remediated(notebookNoRootAccess, {
      type: AWS_TYPES.sagemakerNotebookInstance,
      props: { roleArn: unknown.string, tags: { token: new Secret("s3cr3t") as string } },
    });
    assert.equal(props.rootAccess, "Disabled");
    assert.equal(props.roleArn, unknown.string);
    const token = (props.tags as Record<string, Record<string, unknown>>).token;
    assert.equal(token.value, "s3cr3t");
    assert.equal(Object.keys(token).length, 2, "serialized as a secret (signature and value)");
  });
});

describe("ec2-imdsv2-required remediation", () => {
  const types = [AWS_TYPES.ec2Instance, AWS_TYPES.ec2SpotInstanceRequest, AWS_TYPES.ec2LaunchTemplate];

  it("requires IMDSv2 on every launch surface, keeping the other metadata options and properties", async () => {
    for (const type of types) {
      const props = {
        instanceType: "t3.micro",
        metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 },
      };
      const fixed = await remediated(ec2Imdsv2Required, { type, props });
      assert.deepEqual(fixed, {
        instanceType: "t3.micro",
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
      });
      await passes(ec2Imdsv2Required, type, fixed);

      const unset = await remediated(ec2Imdsv2Required, { type, props: { instanceType: "t3.micro" } });
      assert.deepEqual(unset, { instanceType: "t3.micro", metadataOptions: { httpTokens: "required" } });
      await passes(ec2Imdsv2Required, type, unset);
    }
  });

  it("leaves compliant instances, a disabled endpoint, template-supplied settings and unknowns alone", async () => {
    const instance = AWS_TYPES.ec2Instance;
    await untouched(ec2Imdsv2Required, {
      type: instance,
      props: { metadataOptions: { httpTokens: "required" } },
    });
    await untouched(ec2Imdsv2Required, {
      type: instance,
      props: { metadataOptions: { httpEndpoint: "disabled", httpTokens: "optional" } },
    });
    await untouched(ec2Imdsv2Required, { type: instance, props: { launchTemplate: { id: "lt-123" } } });
    // Unknown during preview: reported by the policy (fail closed), not overwritten.
    await untouched(ec2Imdsv2Required, { type: instance, props: { metadataOptions: unknown.object } });
  });
});

describe("notebook-no-root-access remediation", () => {
  const NOTEBOOK = AWS_TYPES.sagemakerNotebookInstance;

  it('sets rootAccess "Disabled" where it is unset or Enabled, changing nothing else', async () => {
    for (const rootAccess of [undefined, "Enabled"]) {
      const props = { instanceType: "ml.t3.medium", ...(rootAccess ? { rootAccess } : {}) };
      const fixed = await remediated(notebookNoRootAccess, { type: NOTEBOOK, props });
      assert.deepEqual(fixed, { instanceType: "ml.t3.medium", rootAccess: "Disabled" });
      await passes(notebookNoRootAccess, NOTEBOOK, fixed);
    }
    await untouched(notebookNoRootAccess, { type: NOTEBOOK, props: { rootAccess: "Disabled" } });
  });

  it("does not overwrite an unknown value during preview (the runtime reports it can't run)", async () => {
    const result = await runRemediation(notebookNoRootAccess, {
      type: NOTEBOOK,
      props: { rootAccess: unknown.string },
    });
    assert.equal(result.properties, undefined);
    assert.match(result.deferred ?? "", /can't run remediation 'notebook-no-root-access' during preview/);
  });
});

describe("autoscaling-scale-in-cooldown remediation", () => {
  const POLICY = AWS_TYPES.appautoscalingPolicy;
  const targetTracking = (config: Record<string, unknown> | undefined) => ({
    type: POLICY,
    props: {
      policyType: "TargetTrackingScaling",
      resourceId: "endpoint/ep/variant/AllTraffic",
      ...(config ? { targetTrackingScalingPolicyConfiguration: config } : {}),
    },
  });
  const tracking = {
    targetValue: 70,
    predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
  };

  it("sets a missing or too short scale-in cooldown to the configured minimum", async () => {
    for (const [config, min] of [
      [{}, 300],
      [{ minScaleInCooldownSeconds: 120 }, 120],
    ] as const) {
      for (const cooldown of [undefined, 0, 60]) {
        const given = {
          ...tracking,
          scaleOutCooldown: 30,
          ...(cooldown === undefined ? {} : { scaleInCooldown: cooldown }),
        };
        const fixed = await remediated(autoscalingScaleInCooldown, targetTracking(given), { config });
        assert.deepEqual(fixed, targetTracking({ ...given, scaleInCooldown: min }).props);
        await passes(autoscalingScaleInCooldown, POLICY, fixed, { config });
      }
    }
  });

  it("never lowers a longer cooldown, and leaves step scaling, disableScaleIn and a missing configuration alone", async () => {
    await untouched(autoscalingScaleInCooldown, targetTracking({ ...tracking, scaleInCooldown: 900 }));
    await untouched(
      autoscalingScaleInCooldown,
      targetTracking({ ...tracking, scaleInCooldown: 900, disableScaleIn: true }),
    );
    await untouched(autoscalingScaleInCooldown, targetTracking(undefined));
    await untouched(autoscalingScaleInCooldown, {
      type: POLICY,
      props: {
        policyType: "StepScaling",
        stepScalingPolicyConfiguration: { cooldown: 0, stepAdjustments: [{ scalingAdjustment: -1 }] },
      },
    });
  });
});

describe("log-group-retention-encryption remediation", () => {
  const GROUP = AWS_TYPES.cloudwatchLogGroup;

  it("sets an unset retention to the configured default", async () => {
    const fixed = await remediated(logGroupRetentionEncryption, {
      type: GROUP,
      props: { name: "/aws/lambda/fn" },
    });
    assert.deepEqual(fixed, { name: "/aws/lambda/fn", retentionInDays: 30 });
    await passes(logGroupRetentionEncryption, GROUP, fixed);
    const config = { defaultRetentionDays: 90, maxRetentionDays: 365 };
    const ninety = await remediated(logGroupRetentionEncryption, { type: GROUP, props: {} }, { config });
    assert.deepEqual(ninety, { retentionInDays: 90 });
  });

  it("never changes a retention that is set, nor adds a KMS key", async () => {
    for (const retentionInDays of [0, 14, 3653]) {
      await untouched(logGroupRetentionEncryption, { type: GROUP, props: { retentionInDays } });
    }
    await untouched(
      logGroupRetentionEncryption,
      { type: GROUP, props: { retentionInDays: 14 } },
      {
        config: { requireKmsKey: true },
      },
    );
  });

  it("rejects a default outside the allowed range in config", () => {
    const validate = logGroupRetentionEncryption.platform.metadata as unknown as {
      validateConfig: (c: Record<string, number>) => string[];
    };
    assert.match(
      validate.validateConfig({ defaultRetentionDays: 60, minRetentionDays: 1, maxRetentionDays: 30 }).join(),
      /defaultRetentionDays \(60\) must be within/,
    );
  });
});

describe("s3-public-access-block remediation", () => {
  const BLOCK = AWS_TYPES.s3BucketPublicAccessBlock;
  const BUCKET = AWS_TYPES.s3Bucket;
  const ALL_ON = {
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  };

  it("turns all four settings on, keeping the bucket reference, and the stack then passes", async () => {
    const given = { bucket: "data-abc123", blockPublicAcls: true, blockPublicPolicy: false };
    const fixed = await remediated(s3PublicAccessBlock, { type: BLOCK, name: "data-pab", props: given });
    assert.deepEqual(fixed, { bucket: "data-abc123", ...ALL_ON });
    const stack = [
      { type: BUCKET, name: "data", props: { id: "data-abc123", bucket: "data-abc123" } },
      {
        type: BLOCK,
        name: "data-pab",
        props: fixed,
        propertyDependencies: { bucket: [urnOf(BUCKET, "data")] },
      },
    ];
    assert.deepEqual(messages(await runStackPolicy(s3PublicAccessBlock, stack)), []);
  });

  it("leaves a full block and exempt blocks alone, and is not applicable to buckets", async () => {
    await untouched(s3PublicAccessBlock, { type: BLOCK, props: { bucket: "b", ...ALL_ON } });
    await untouched(
      s3PublicAccessBlock,
      { type: BLOCK, name: "site-pab", props: { bucket: "b" } },
      {
        config: { exemptions: [{ resource: "site-pab", reason: "public website assets behind a CDN" }] },
      },
    );
    assert.ok((await runRemediation(s3PublicAccessBlock, { type: BUCKET, props: {} })).notApplicable);
  });
});
