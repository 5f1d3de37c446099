import { strict as assert } from "node:assert";
import { unknownCheckingProxy } from "@pulumi/policy";
import fc from "fast-check";
import {
  DEFAULT_COST_ASSUMPTIONS,
  estimateStackCost,
  formatCostTable,
  freeTypeReason,
  isFreeType,
  isPricedType,
} from "@ml-platform/aws-facts/pricing";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { unknown } from "../../policy/support/harness";
import {
  assertUsd,
  BOOK,
  endpointStack,
  functionStack,
  linesOf,
  notebookStack,
  onlyLine,
  resource,
  TYPES,
} from "./graph-builder";

describe("pricing: estimateStackCost", () => {
  describe("one-entry prices", () => {
    it("prices a KMS key per key-month, a bucket per assumed GB and a log group per assumed GB ingested", () => {
      const estimate = estimateStackCost(
        [
          resource({ type: TYPES.kmsKey, name: "key" }),
          resource({ type: TYPES.bucket, name: "bucket" }),
          resource({ type: TYPES.logGroup, name: "logs", inputs: { retentionInDays: 14 } }),
        ],
        { region: "us-east-1", assumptions: { bucketStorageGb: 80 } },
      );
      assertUsd(onlyLine(estimate, "key", /KMS key/).monthlyMax, BOOK.kms.keyMonth!.usd);
      assertUsd(onlyLine(estimate, "bucket", /S3/).monthlyMax, 80 * BOOK.s3.standardGbMonth!.usd);
      const logs = onlyLine(estimate, "logs", /Logs ingestion/);
      assertUsd(
        logs.monthlyMax,
        DEFAULT_COST_ASSUMPTIONS.logIngestionGbPerMonth * BOOK.cloudwatch.logsIngestionGb!.usd,
      );
      assert.match(logs.basis, /retention 14 days/);
    });
  });

  describe("regions", () => {
    it("reports every priced item of an unknown region as unknown, with how to fix it", () => {
      const graph = [...notebookStack({}), ...endpointStack({}), ...functionStack(128, 3)];
      const estimate = estimateStackCost(graph, { region: "eu-west-3" });
      assert.ok(estimate.lines.length > 0);
      for (const line of estimate.lines) {
        assert.equal(line.status, "unknown", line.description);
        assert.match(line.reason!, /no price file for region eu-west-3/);
        assert.match(line.reason!, /pricing:refresh -- --region eu-west-3/);
      }
      assert.equal(estimate.totals.monthlyMax, 0);
      assert.equal(estimate.totals.unknownCount, estimate.lines.length);
      assert.match(formatCostTable(estimate), new RegExp(`\\+ ${estimate.lines.length} unknown`));
    });

    it("honours a resource's own region over the stack's", () => {
      const graph = notebookStack({}).map((r) =>
        r.type === TYPES.notebook ? { ...r, inputs: { ...r.inputs, region: "ap-south-1" } } : r,
      );
      const estimate = estimateStackCost(graph, { region: "us-east-1" });
      assert.ok(linesOf(estimate, "nb-instance").every((l) => l.status === "unknown"));
      assert.match(linesOf(estimate, "nb-instance")[0]!.reason!, /ap-south-1/);
    });

    it("uses the region of a resource's explicit provider", () => {
      const provider = resource({
        type: "pulumi:providers:aws",
        name: "eu",
        inputs: { region: "eu-central-1" },
      });
      const graph = notebookStack({}).map((r) =>
        r.type === TYPES.notebook
          ? { ...r, options: { ...r.options, provider: `${provider.urn}::04da6b54` } }
          : r,
      );
      const estimate = estimateStackCost([provider, ...graph], { region: "us-east-1" });
      assert.match(linesOf(estimate, "nb-instance")[0]!.reason!, /eu-central-1/);
    });
  });

  describe("coverage", () => {
    it("never calls a priced type free, and prices the compute and storage a platform team adds", () => {
      for (const type of Object.values(AWS_TYPES)) {
        assert.ok(!(isFreeType(type) && isPricedType(type)), type);
      }
      for (const type of [AWS_TYPES.autoscalingGroup, AWS_TYPES.ebsVolume, AWS_TYPES.ec2Instance]) {
        assert.ok(isPricedType(type), type);
      }
      assert.match(freeTypeReason(AWS_TYPES.iamRole) ?? "", /IAM/);
      assert.equal(
        freeTypeReason(AWS_TYPES.cloudwatchMetricAlarm),
        undefined,
        "alarms cost $0.10 a month each",
      );
    });

    it("lists resource types without a cost model instead of pricing them at zero", () => {
      const estimate = estimateStackCost(
        [
          resource({ type: TYPES.alarm, name: "rollback-alarm" }),
          resource({ type: TYPES.role, name: "exec-role" }),
        ],
        { region: "us-east-1" },
      );
      assert.equal(estimate.lines.length, 0);
      assert.deepEqual(
        estimate.notEstimated.map((n) => n.name),
        ["rollback-alarm"],
      );
      assert.equal(estimate.freeResourceCount, 1);
      assert.match(formatCostTable(estimate), /Not estimated[\s\S]*rollback-alarm/);
    });

    it("counts free types (IAM, launch templates, security groups) and lists costly unmodelled ones", () => {
      const estimate = estimateStackCost(
        [
          resource({ type: TYPES.role, name: "role" }),
          resource({ type: TYPES.launchTemplate, name: "template" }),
          resource({ type: TYPES.securityGroup, name: "sg" }),
          resource({ type: "aws:rds/instance:Instance", name: "db" }),
          resource({ type: "aws-native:sagemaker:Endpoint", name: "native-endpoint" }),
          resource({ type: "aws-native:iam:Role", name: "native-role" }),
          resource({ type: "random:index/randomId:RandomId", name: "suffix" }),
          resource({ type: "ml-platform:sagemaker:ScalableEndpoint", name: "component", custom: false }),
        ],
        { region: "us-east-1" },
      );
      assert.equal(estimate.freeResourceCount, 4);
      assert.deepEqual(
        estimate.notEstimated.map((n) => n.name),
        ["db", "native-endpoint"],
      );
    });
  });

  describe("inputs", () => {
    it("accepts a stack policy's resources (props proxied, unknowns throwing on access) without crashing", () => {
      const captured = endpointStack({ min: 1, max: 3 });
      const policyResources = captured.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        // The endpoint's name is unknown during preview: reading it throws UnknownValueError.
        props: unknownCheckingProxy(
          r.type === TYPES.endpoint ? { ...r.outputs, name: unknown.string } : { ...r.outputs },
        ),
        parent: r.parent ? { urn: r.parent } : undefined,
        dependencies: r.dependencies.map((urn) => ({ urn })),
        propertyDependencies: Object.fromEntries(
          Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((urn) => ({ urn }))]),
        ),
      }));
      const estimate = estimateStackCost(policyResources, { region: "us-east-1" });
      const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
      assertUsd(line.monthlyMax, 3 * 730 * BOOK.sagemaker.hosting["ml.m5.large"]!.usd);
    });

    it("rejects invalid assumptions with the field and the rule", () => {
      assert.throws(
        () => estimateStackCost([], { assumptions: { trainingHostHoursPerMonth: 800 } }),
        /invalid cost assumptions: trainingHostHoursPerMonth: .*730/,
      );
      assert.throws(
        () => estimateStackCost([], { assumptions: { lambdaRequestsPerMonth: -1 } as never }),
        /lambdaRequestsPerMonth/,
      );
      assert.throws(() => estimateStackCost([], { assumptions: { hoursPerDay: 8 } as never }), /hoursPerDay/);
    });

    it("never throws on arbitrary props and keeps min ≤ max with unknowns out of the totals", () => {
      const types = Object.values(TYPES);
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              type: fc.constantFrom(...types, "aws:foo/bar:Baz", "random:index/randomId:RandomId"),
              name: fc.string({ minLength: 1, maxLength: 8 }),
              inputs: fc.dictionary(
                fc.constantFrom(
                  "instanceType",
                  "volumeSize",
                  "memorySize",
                  "provisionedConcurrentExecutions",
                  "productionVariants",
                  "minCapacity",
                  "maxCapacity",
                  "rootBlockDevice",
                  "minSize",
                  "maxSize",
                  "size",
                  "type",
                  "iops",
                  "launchTemplate",
                  "blockDeviceMappings",
                  "region",
                ),
                fc.oneof(
                  fc.anything(),
                  fc.constantFrom("ml.m5.large", "ml.t3.medium", "m5.large", "ml.m4.xlarge", "us-east-1"),
                  fc.nat(10),
                ),
              ),
            }),
            { maxLength: 12 },
          ),
          (specs) => {
            const graph: CapturedResource[] = specs.map((s, i) => resource({ ...s, name: `${s.name}-${i}` }));
            const estimate = estimateStackCost(graph, { region: "us-east-1" });
            let min = 0;
            let max = 0;
            for (const line of estimate.lines) {
              if (line.status === "unknown") {
                assert.equal(line.monthlyMax, null);
                assert.ok(line.reason);
                continue;
              }
              assert.ok(line.monthlyMin! <= line.monthlyMax! + 1e-9);
              min += line.monthlyMin!;
              max += line.monthlyMax!;
            }
            assert.ok(Math.abs(estimate.totals.monthlyMin - min) < 1e-6);
            assert.ok(Math.abs(estimate.totals.monthlyMax - max) < 1e-6);
            assert.equal(
              estimate.totals.unknownCount,
              estimate.lines.filter((l) => l.status === "unknown").length,
            );
            formatCostTable(estimate);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
