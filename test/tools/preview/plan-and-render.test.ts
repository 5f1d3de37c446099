import { strict as assert } from "node:assert";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { displayType, keyInputs, optionFlags, planLines } from "../../../tools/preview/plan";
import { sortViolations, type PreviewReport, type ReportedViolation } from "../../../tools/preview/preview";
import { renderText, wrapText } from "../../../tools/preview/render-text";
import { NO_OPTIONS } from "../../aws-facts/pricing/graph-builder";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const STACK = "urn:pulumi:dev::ml-platform::pulumi:pulumi:Stack::ml-platform-dev";

function resource(
  type: string,
  name: string,
  parent: string | undefined,
  inputs: Record<string, unknown> = {},
  options: Partial<CapturedResource["options"]> = {},
): CapturedResource {
  return {
    type,
    name,
    urn: `urn:pulumi:dev::ml-platform::${type}::${name}`,
    custom: !type.startsWith("pulumi:") && !type.startsWith("ml-platform:"),
    ...(parent ? { parent } : {}),
    dependencies: [],
    propertyDependencies: {},
    inputs,
    outputs: {},
    options: { ...NO_OPTIONS, ...options },
  };
}

describe("offline preview: plan and text rendering", () => {
  it("displays types as the Pulumi CLI does", () => {
    assert.equal(
      displayType(AWS_TYPES.sagemakerEndpointConfiguration),
      "aws:sagemaker:EndpointConfiguration",
    );
    assert.equal(
      displayType("ml-platform:sagemaker:ScalableEndpoint"),
      "ml-platform:sagemaker:ScalableEndpoint",
    );
    assert.equal(displayType("pulumi:pulumi:Stack"), "pulumi:pulumi:Stack");
  });

  it("draws components and their children as a tree in registration order", () => {
    const stack = { ...resource("pulumi:pulumi:Stack", "ml-platform-dev", undefined), urn: STACK };
    const component = resource("ml-platform:sagemaker:ScalableEndpoint", "endpoint", STACK);
    const config = resource(AWS_TYPES.sagemakerEndpointConfiguration, "cfg", component.urn, {
      productionVariants: [
        { variantName: "AllTraffic", instanceType: "ml.m5.large", initialInstanceCount: 2 },
      ],
    });
    const policy = resource(AWS_TYPES.appautoscalingPolicy, "scaling", component.urn, {
      policyType: "TargetTrackingScaling",
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 150,
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });
    const bucket = resource(AWS_TYPES.s3Bucket, "bucket", STACK, {}, { protect: true });
    const lines = planLines([stack, component, config, policy, bucket]);
    assert.deepEqual(
      lines.map((l) => `${l.prefix}${l.type} ${l.name}`),
      [
        "pulumi:pulumi:Stack ml-platform-dev",
        "├─ ml-platform:sagemaker:ScalableEndpoint endpoint",
        "│  ├─ aws:sagemaker:EndpointConfiguration cfg",
        "│  └─ aws:appautoscaling:Policy scaling",
        "└─ aws:s3:Bucket bucket",
      ],
    );
    assert.equal(lines[2].info, "variant AllTraffic: ml.m5.large×2");
    assert.equal(
      lines[3].info,
      "type=TargetTrackingScaling  target=150  scaleInCooldown=300  scaleOutCooldown=60",
    );
    assert.equal(lines[4].info, "[protect]");
  });

  /** [type, inputs, the key inputs the plan shows]: what a reviewer looks at per type, nothing for unknown types. */
  const keyInputCases: readonly (readonly [string, Record<string, unknown>, readonly string[]])[] = [
    [
      AWS_TYPES.lambdaFunction,
      {
        runtime: "nodejs22.x",
        memorySize: 256,
        timeout: 30,
        reservedConcurrentExecutions: 5,
        publish: true,
        role: "arn:aws:iam::123456789012:role/r",
      },
      ["runtime=nodejs22.x", "memory=256", "timeout=30", "reserved=5", "publish=true"],
    ],
    [
      AWS_TYPES.vpcSecurityGroupIngressRule,
      { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.20.0.0/16" },
      ["tcp/22 10.20.0.0/16"],
    ],
    [
      AWS_TYPES.iamRolePolicyAttachment,
      { policyArn: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess" },
      ["policy=AmazonSageMakerFullAccess"],
    ],
    ["aws:unknown/thing:Thing", { a: 1 }, []],
  ];
  for (const [type, inputs, expected] of keyInputCases) {
    it(`shows the key inputs reviewers look at: ${type}`, () => {
      assert.deepEqual(keyInputs(resource(type, "r", STACK, inputs)), expected);
    });
  }

  it("flags resource options", () => {
    const r = resource(
      AWS_TYPES.ec2Instance,
      "host",
      STACK,
      {},
      {
        ignoreChanges: ["ami"],
        customTimeouts: { create: "60m", delete: "30m" },
        retainOnDelete: true,
      },
    );
    assert.deepEqual(optionFlags(r), [
      "retainOnDelete",
      "ignoreChanges: ami",
      "timeouts: create 60m, delete 30m",
    ]);
  });

  it("orders violations by enforcement level, then severity, policy and resource", () => {
    const v = (
      policyName: string,
      enforcementLevel: "mandatory" | "advisory",
      severity: ReportedViolation["severity"],
      resourceName: string,
    ): ReportedViolation => ({
      policyName,
      policyPackName: "p",
      policyPackVersion: "1",
      enforcementLevel,
      severity,
      message: "",
      description: "",
      urn: "",
      resourceName,
      phase: "analyze",
      skippedOnUnknown: false,
    });
    const sorted = sortViolations([
      v("b", "advisory", "critical", "x"),
      v("a", "mandatory", "low", "y"),
      v("c", "mandatory", "critical", "z"),
      v("c", "mandatory", "critical", "a"),
      v("d", "advisory", "unspecified", "x"),
    ]);
    assert.deepEqual(
      sorted.map((x) => `${x.enforcementLevel}/${x.severity}/${x.policyName}/${x.resourceName}`),
      [
        "mandatory/critical/c/a",
        "mandatory/critical/c/z",
        "mandatory/low/a/y",
        "advisory/critical/b/x",
        "advisory/unspecified/d/x",
      ],
    );
  });

  it("wraps long messages with a hanging indent for list items", () => {
    assert.equal(
      wrapText("problems:\n  - endpoint.minCapacity must be at most initialInstanceCount", 40, "  "),
      "  problems:\n    - endpoint.minCapacity must be at\n      most initialInstanceCount",
    );
  });

  describe("renderText", () => {
    const violation: ReportedViolation = {
      policyName: "iam-no-full-access",
      policyPackName: "ml-platform",
      policyPackVersion: "0.1.0",
      enforcementLevel: "mandatory",
      severity: "critical",
      description: "No FullAccess.",
      message:
        'No FullAccess.\naws:iam/rolePolicyAttachment:RolePolicyAttachment "extra": AmazonSageMakerFullAccess',
      remediationSteps: "Attach a least-privilege policy.",
      url: "docs/policies.md#iam-no-full-access",
      urn: "urn:pulumi:dev::ml-platform::aws:iam/rolePolicyAttachment:RolePolicyAttachment::extra",
      resourceName: "extra",
      resourceType: AWS_TYPES.iamRolePolicyAttachment,
      phase: "analyze",
      skippedOnUnknown: false,
    };
    const report: PreviewReport = {
      schemaVersion: 1,
      projectDir: "/repo",
      policyPack: { status: "ok", name: "ml-platform", version: "0.1.0", dir: "/repo/policy" },
      stacks: [
        {
          stack: "dev",
          project: "ml-platform",
          status: "ok",
          resources: [],
          resourceCounts: {},
          outputs: { bucketName: "b-1234567" },
          policy: {
            ran: true,
            configFile: "/repo/policy/config/dev.json",
            violations: [violation],
            counts: { mandatory: 1, advisory: 0, remediate: 0 },
          },
          cost: { status: "skipped", reason: "test" },
          diagnostics: [],
          timings: { programMs: 1, analysisMs: 1, costMs: 0 },
        },
      ],
      summary: { stacks: 1, failedStacks: 0, mandatoryViolations: 1, advisoryViolations: 0 },
      exitCode: 1,
      timings: { totalMs: 1, packStartupMs: 1, packReadyMs: 1, programsWallMs: 1, analysisMs: 1 },
    };

    it("groups a violation under its level and severity, with its message without the description, and the remediation", () => {
      const text = renderText(report, { color: false });
      assert.match(
        text,
        /Policies \(ml-platform@0\.1\.0, config policy\/config\/dev\.json\):\n {4}✖ mandatory \(1\)\n {6}critical\n {8}iam-no-full-access\n {10}- aws:iam\/rolePolicyAttachment:RolePolicyAttachment "extra": AmazonSageMakerFullAccess\n {12}Remediation: Attach a least-privilege policy\.\n {12}See docs\/policies\.md#iam-no-full-access/,
      );
      assert.match(text, /bucketName: "b-1234567"/);
      assert.match(text, /1 mandatory policy violation\(s\): `pulumi up` would be blocked\./);
      assert.ok(!text.includes("\u001b["));
    });

    it("shows each remediation as a change, only when there are some", () => {
      assert.doesNotMatch(renderText(report, { color: false }), /Remediations/);
      const stack = report.stacks[0];
      const remediated: PreviewReport = {
        ...report,
        stacks: [
          {
            ...stack,
            policy: {
              ...stack.policy,
              remediations: [
                {
                  policyName: "instance-imdsv2",
                  policyPackName: "fixes",
                  policyPackVersion: "1.0.0",
                  description: "IMDSv2.",
                  urn: "urn:pulumi:dev::ml-platform::aws:ec2/instance:Instance::host",
                  resourceName: "host",
                  resourceType: AWS_TYPES.ec2Instance,
                  changes: [
                    {
                      path: "metadataOptions.httpTokens",
                      kind: "change",
                      before: "optional",
                      after: "required",
                    },
                    { path: "associatePublicIpAddress", kind: "add", after: false },
                  ],
                },
              ],
            },
          },
        ],
      };
      const text = renderText(remediated, { color: false });
      assert.match(
        text,
        /Remediations \(1, applied before the checks; the remediated inputs are deployed\):\n {4}~ instance-imdsv2: host \(aws:ec2:Instance\)\n {8}metadataOptions\.httpTokens: "optional" → "required"\n {8}associatePublicIpAddress: \(unset\) → false\n/,
      );
      assert.match(text, /dev .* 1 mandatory, 0 advisory, 1 remediated/);
    });

    it("colours only when asked", () => {
      const text = renderText(report, { color: true });
      assert.ok(text.includes("\u001b[31m✖ mandatory\u001b[39m"), "mandatory in red");
    });
  });
});
