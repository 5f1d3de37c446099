/**
 * Remediation end to end: the compiled pack runs over gRPC as the CLI runs it, configured with a stack's policy
 * config in which one policy is raised to `remediate`. As the engine does, each failing resource goes through
 * Remediate, and Analyze (AnalyzeStack for the stack rule) then judges the remediated properties: the resource is
 * fixed and passes. With the stack's config as committed, nothing is remediated.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_UNKNOWN_SENTINEL, type PolicyConfigFile, type PolicyViolation } from "../../tools/analyzer";
import type { CapturedResource } from "../../tools/lib/resource-graph";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { captured, POLICY_DIR, usePolicyPack } from "./support/e2e";

const byPolicy = (violations: readonly PolicyViolation[], name: string) =>
  violations.filter((v) => v.policyName === name);

/** policy/config/<stack>.json as committed, with `policy` raised to the remediate level. */
function configWithRemediation(stack: string, policy: string): PolicyConfigFile {
  const config = JSON.parse(readFileSync(join(POLICY_DIR, "config", `${stack}.json`), "utf8"));
  return { ...config, [policy]: { ...config[policy], enforcementLevel: "remediate" } };
}

interface Case {
  readonly policy: string;
  readonly stack: string;
  readonly resource: CapturedResource;
  /** The changes the remediation must make, as documented for the policy. */
  readonly changes: readonly { path: string; kind: string; after: unknown }[];
}

const cases: Case[] = [
  {
    policy: "ec2-imdsv2-required",
    stack: "prod",
    resource: captured(AWS_TYPES.ec2Instance, "trainer", {
      ami: "ami-0123456789abcdef0",
      instanceType: "t3.micro",
      associatePublicIpAddress: false,
      metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 },
    }),
    changes: [{ path: "metadataOptions.httpTokens", kind: "change", after: "required" }],
  },
  {
    policy: "ec2-imdsv2-required",
    stack: "dev",
    resource: captured(AWS_TYPES.ec2LaunchTemplate, "trainer-template", { instanceType: "t3.micro" }),
    changes: [{ path: "metadataOptions", kind: "add", after: { httpTokens: "required" } }],
  },
  {
    policy: "ec2-imdsv2-required",
    stack: "dev",
    resource: captured(AWS_TYPES.ec2SpotInstanceRequest, "spot-trainer", {
      ami: "ami-0123456789abcdef0",
      instanceType: "t3.micro",
      metadataOptions: { httpTokens: "optional" },
    }),
    changes: [{ path: "metadataOptions.httpTokens", kind: "change", after: "required" }],
  },
  {
    policy: "ec2-imdsv2-required",
    stack: "prod",
    resource: captured(AWS_TYPES.ec2LaunchConfiguration, "workers-lc", {
      imageId: "ami-0123456789abcdef0",
      instanceType: "t3.micro",
      metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 },
    }),
    changes: [{ path: "metadataOptions.httpTokens", kind: "change", after: "required" }],
  },
  {
    policy: "notebook-no-root-access",
    stack: "prod",
    resource: captured(AWS_TYPES.sagemakerNotebookInstance, "explore", {
      instanceType: "ml.t3.medium",
      roleArn: "arn:aws:iam::123456789012:role/notebook",
      rootAccess: "Enabled",
    }),
    changes: [{ path: "rootAccess", kind: "change", after: "Disabled" }],
  },
  {
    // dev's minimum is 120 seconds, prod's 300 (policy/config/<stack>.json).
    policy: "autoscaling-scale-in-cooldown",
    stack: "dev",
    resource: captured(AWS_TYPES.appautoscalingPolicy, "invocations", {
      policyType: "TargetTrackingScaling",
      resourceId: "endpoint/ep/variant/AllTraffic",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      serviceNamespace: "sagemaker",
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 70,
        scaleOutCooldown: 60,
        scaleInCooldown: 30,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
      },
    }),
    changes: [
      { path: "targetTrackingScalingPolicyConfiguration.scaleInCooldown", kind: "change", after: 120 },
    ],
  },
  {
    policy: "autoscaling-scale-in-cooldown",
    stack: "prod",
    resource: captured(AWS_TYPES.appautoscalingPolicy, "invocations", {
      policyType: "TargetTrackingScaling",
      resourceId: "endpoint/ep/variant/AllTraffic",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      serviceNamespace: "sagemaker",
      targetTrackingScalingPolicyConfiguration: { targetValue: 70, scaleOutCooldown: 60 },
    }),
    changes: [{ path: "targetTrackingScalingPolicyConfiguration.scaleInCooldown", kind: "add", after: 300 }],
  },
  {
    // The schema default of defaultRetentionDays (30) is within dev's and prod's allowed range.
    policy: "log-group-retention-encryption",
    stack: "dev",
    resource: captured(AWS_TYPES.cloudwatchLogGroup, "fn-logs", { name: "/aws/lambda/fn" }),
    changes: [{ path: "retentionInDays", kind: "add", after: 30 }],
  },
];

describe("policy pack end to end: remediation over gRPC", function () {
  this.timeout(120_000);
  const pack = usePolicyPack();

  for (const c of cases) {
    it(`${c.policy} (${c.stack}): a failing ${c.resource.type} is remediated, then passes`, async () => {
      await pack().configure(configWithRemediation(c.stack, c.policy));
      const before = byPolicy((await pack().analyze(c.resource)).violations, c.policy);
      assert.ok(before.length > 0, "the resource fails the policy before remediation");
      // Analyze reports a policy at the remediate level as mandatory (the runtime's server.js).
      assert.equal(before[0].enforcementLevel, "mandatory");

      const result = await pack().remediate(c.resource);
      assert.deepEqual(result.skipped, []);
      assert.deepEqual(
        result.remediations.map((r) => r.policyName),
        [c.policy],
      );
      assert.deepEqual(
        result.remediations[0].changes.map(({ path, kind, after }) => ({ path, kind, after })),
        c.changes,
      );
      // The whole bag comes back: every input the program set is still there.
      for (const key of Object.keys(c.resource.inputs)) assert.ok(key in result.properties, key);

      const fixed = captured(c.resource.type, c.resource.name, result.properties);
      assert.deepEqual(byPolicy((await pack().analyze(fixed)).violations, c.policy), []);
      // Remediating the remediated resource changes nothing.
      assert.deepEqual((await pack().remediate(fixed)).remediations, []);
    });
  }

  it("s3-public-access-block (prod): a block with settings off is remediated, then the stack passes", async () => {
    await pack().configure(configWithRemediation("prod", "s3-public-access-block"));
    const bucket = captured(AWS_TYPES.s3Bucket, "artifacts", { forceDestroy: false });
    const block = captured(
      AWS_TYPES.s3BucketPublicAccessBlock,
      "artifacts-pab",
      { bucket: "artifacts-id", blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true },
      { propertyDependencies: { bucket: [bucket.urn] }, dependencies: [bucket.urn] },
    );
    const before = byPolicy(
      (await pack().analyzeStack([bucket, block])).violations,
      "s3-public-access-block",
    );
    assert.equal(before.length, 1);
    assert.equal(before[0].enforcementLevel, "mandatory");

    const analysis = await pack().analyzeCapturedStack([bucket, block]);
    assert.deepEqual(
      analysis.remediations.map((r) => [r.policyName, r.urn]),
      [["s3-public-access-block", block.urn]],
    );
    assert.deepEqual(
      analysis.remediations[0].changes.map(({ path, kind, after }) => ({ path, kind, after })),
      [
        { path: "blockPublicPolicy", kind: "change", after: true },
        { path: "restrictPublicBuckets", kind: "add", after: true },
      ],
    );
    assert.deepEqual(byPolicy(analysis.violations, "s3-public-access-block"), []);
  });

  it("does not overwrite a value unknown during preview: the remediation is skipped and Analyze fails closed", async () => {
    await pack().configure(configWithRemediation("prod", "notebook-no-root-access"));
    const notebook = captured(AWS_TYPES.sagemakerNotebookInstance, "explore", {
      instanceType: "ml.t3.medium",
      rootAccess: ENGINE_UNKNOWN_SENTINEL,
    });
    const result = await pack().remediate(notebook);
    assert.deepEqual(result.remediations, []);
    assert.equal(result.skipped.length, 1);
    assert.ok(result.skipped[0].skippedOnUnknown, result.skipped[0].message);
    const analyzed = byPolicy((await pack().analyze(notebook)).violations, "notebook-no-root-access");
    assert.equal(analyzed.length, 1);
    assert.equal(analyzed[0].enforcementLevel, "mandatory");
    assert.match(analyzed[0].message, /rootAccess is unknown during preview/);
  });

  it("leaves step scaling alone (arrays read through the runtime's remediation proxies), still reporting it", async () => {
    await pack().configure(configWithRemediation("prod", "autoscaling-scale-in-cooldown"));
    const step = captured(AWS_TYPES.appautoscalingPolicy, "step", {
      policyType: "StepScaling",
      resourceId: "endpoint/ep/variant/AllTraffic",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      serviceNamespace: "sagemaker",
      stepScalingPolicyConfiguration: {
        adjustmentType: "ChangeInCapacity",
        cooldown: 0,
        stepAdjustments: [{ metricIntervalUpperBound: "0", scalingAdjustment: -1 }],
      },
    });
    const result = await pack().remediate(step);
    assert.deepEqual(result.remediations, []);
    assert.deepEqual(result.skipped, []);
    const analyzed = byPolicy((await pack().analyze(step)).violations, "autoscaling-scale-in-cooldown");
    assert.equal(analyzed.length, 1);
    assert.match(analyzed[0].message, /stepScalingPolicyConfiguration\.cooldown is 0 seconds/);
  });

  it("remediates nothing with the stacks' configs as committed (remediation is off by default)", async () => {
    for (const stack of ["dev", "prod"]) {
      await pack().configure(join(POLICY_DIR, "config", `${stack}.json`));
      for (const c of cases) {
        const result = await pack().remediate(c.resource);
        assert.deepEqual(result.remediations, [], `${stack}: ${c.policy}`);
      }
    }
  });
});
