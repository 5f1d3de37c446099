import { strict as assert } from "node:assert";
import { unknownCheckingProxy } from "@pulumi/policy";
import fc from "fast-check";
import {
  estimateStackCost,
  formatCostTable,
  summarizeEstimate,
  type CostLine,
  type StackCostEstimate,
} from "@ml-platform/aws-facts/pricing";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { unknown } from "../../policy/support/harness";
import {
  endpointStack,
  functionStack,
  IDLE_STOP_SCRIPT,
  notebookStack,
  resource,
  TYPES,
} from "./graph-builder";

const cents = (usd: number | null) => (usd === null ? null : Math.round(usd * 100) / 100);

function linesOf(estimate: StackCostEstimate, name: string): CostLine[] {
  return estimate.lines.filter((l) => l.name === name);
}

function onlyLine(estimate: StackCostEstimate, name: string, match: RegExp): CostLine {
  const found = linesOf(estimate, name).filter((l) => match.test(l.description));
  assert.equal(found.length, 1, `one line for ${name} ${match}: ${JSON.stringify(estimate.lines, null, 1)}`);
  return found[0]!;
}

describe("pricing: estimateStackCost", () => {
  describe("known figures", () => {
    it("3 provisioned-concurrency environments × 128 MB × 730 h ≈ $4.11/month", () => {
      const estimate = estimateStackCost(functionStack(128, 3), { region: "us-east-1" });
      const line = onlyLine(estimate, "infer-provisioned", /provisioned concurrency/);
      assert.equal(line.status, "priced");
      assert.equal(line.unit, "GB-second");
      assert.deepEqual(line.quantity, { min: 985_500, max: 985_500 }); // 3 × 0.125 GB × 2,628,000 s
      assert.deepEqual(line.unitPrice, { min: 0.0000041667, max: 0.0000041667 });
      assert.ok(Math.abs(line.monthlyMin! - 4.1063) < 0.0001, String(line.monthlyMin));
      assert.equal(cents(line.monthlyMax), 4.11);
      assert.equal(line.confidence, "aws");
      assert.match(line.basis, /3 environments × 128 MB/);
      assert.match(formatCostTable(estimate), /\$4\.11/);
    });

    it("provisioned concurrency scales with memory and count (1,024 MB × 2)", () => {
      const estimate = estimateStackCost(functionStack(1024, 2), { region: "us-east-1" });
      const line = onlyLine(estimate, "infer-provisioned", /provisioned concurrency/);
      assert.equal(cents(line.monthlyMax), cents(2 * 1 * 730 * 3600 * 0.0000041667));
    });

    it("an ml.t3.medium notebook always on costs $36.50/month plus its storage", () => {
      const estimate = estimateStackCost(notebookStack({ volumeSize: 50 }), { region: "us-east-1" });
      const hours = onlyLine(estimate, "nb-instance", /instance-hours/);
      assert.deepEqual(hours.quantity, { min: 730, max: 730 });
      assert.equal(cents(hours.monthlyMin), 36.5);
      assert.equal(cents(hours.monthlyMax), 36.5);
      assert.match(hours.basis, /always on: 730 h/);
      const storage = onlyLine(estimate, "nb-instance", /ML storage/);
      assert.deepEqual(storage.quantity, { min: 50, max: 50 });
      assert.equal(cents(storage.monthlyMax), 7); // 50 GB × $0.14
      assert.equal(cents(estimate.totals.monthlyMax), 43.5);
    });

    it("notebook storage defaults to AWS's 5 GB when volumeSize is unset", () => {
      const estimate = estimateStackCost(notebookStack({}), { region: "us-east-1" });
      const storage = onlyLine(estimate, "nb-instance", /ML storage/);
      assert.equal(cents(storage.monthlyMax), 0.7);
      assert.match(storage.basis, /AWS default 5 GB/);
    });

    it("an ml.m5.large endpoint with min 1 and max 3 costs $83.95 to $251.85/month in instance-hours", () => {
      const estimate = estimateStackCost(endpointStack({ min: 1, max: 3 }), { region: "us-east-1" });
      const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
      assert.deepEqual(line.quantity, { min: 730, max: 2190 });
      assert.equal(cents(line.monthlyMin), 83.95);
      assert.equal(cents(line.monthlyMax), 251.85);
      assert.equal(line.confidence, "secondary");
      assert.match(line.basis, /min capacity 1 to max capacity 3/);
      assert.match(line.basis, /no spot option/);
    });
  });

  describe("notebook idle auto-stop", () => {
    it("uses the working-hours assumption as the low end when an idle-stop lifecycle config is attached", () => {
      const estimate = estimateStackCost(notebookStack({ script: IDLE_STOP_SCRIPT }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "nb-instance", /instance-hours/);
      assert.deepEqual(line.quantity, { min: 176, max: 730 });
      assert.equal(cents(line.monthlyMin), 8.8);
      assert.equal(cents(line.monthlyMax), 36.5);
      assert.match(line.basis, /idle auto-stop attached/);
      assert.match(line.basis, /60 idle minutes/);
    });

    it("takes the hours assumption from the caller", () => {
      const estimate = estimateStackCost(notebookStack({ script: IDLE_STOP_SCRIPT }), {
        region: "us-east-1",
        assumptions: { notebookIdleStopHoursPerMonth: 100 },
      });
      assert.equal(cents(onlyLine(estimate, "nb-instance", /instance-hours/).monthlyMin), 5);
    });

    it("treats a lifecycle config without idle logic as always on", () => {
      const estimate = estimateStackCost(notebookStack({ script: "#!/bin/bash\npip install torch\n" }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "nb-instance", /instance-hours/);
      assert.deepEqual(line.quantity, { min: 730, max: 730 });
      assert.match(line.basis, /no idle auto-stop in its scripts/);
    });
  });

  describe("endpoint linking", () => {
    it("links the scalable target by dependencies when names are unknown (preview)", () => {
      const estimate = estimateStackCost(endpointStack({ min: 2, max: 4, knownNames: false }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
      assert.deepEqual(line.quantity, { min: 1460, max: 2920 });
    });

    it("links by component parent when neither names nor dependencies are known", () => {
      const estimate = estimateStackCost(
        endpointStack({ min: 1, max: 5, knownNames: false, propertyDependencies: false }),
        { region: "us-east-1" },
      );
      assert.deepEqual(onlyLine(estimate, "classifier-endpoint", /instance-hours/).quantity, {
        min: 730,
        max: 3650,
      });
    });

    it("falls back to initialInstanceCount when no autoscaling target exists", () => {
      const estimate = estimateStackCost(endpointStack({ initial: 2, withTarget: false }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
      assert.deepEqual(line.quantity, { min: 1460, max: 1460 });
      assert.match(line.basis, /no autoscaling target found/);
    });

    it("prices ML storage per instance from volumeSizeInGb, else from the stated assumption", () => {
      const set = estimateStackCost(endpointStack({ min: 1, max: 3, volumeSizeInGb: 10 }), {
        region: "us-east-1",
      });
      const setLine = onlyLine(set, "classifier-endpoint", /ML storage/);
      assert.deepEqual(setLine.quantity, { min: 10, max: 30 });
      assert.equal(cents(setLine.monthlyMax), 4.2);
      const unset = estimateStackCost(endpointStack({ min: 1, max: 3 }), { region: "us-east-1" });
      const unsetLine = onlyLine(unset, "classifier-endpoint", /ML storage/);
      assert.deepEqual(unsetLine.quantity, { min: 30, max: 90 });
      assert.match(unsetLine.basis, /assumption endpointVolumeGbPerInstance/);
    });

    it("prices a serverless variant per GB-second with stated traffic", () => {
      const estimate = estimateStackCost(
        endpointStack({ serverless: { memorySizeInMb: 2048, maxConcurrency: 5 }, withTarget: false }),
        {
          region: "us-east-1",
          assumptions: { serverlessRequestsPerMonth: 200_000, serverlessAverageDurationMs: 250 },
        },
      );
      const duration = onlyLine(estimate, "classifier-endpoint", /serverless.*duration/);
      // 200,000 × 0.25 s × 2 GB = 100,000 GB-s × $0.00002
      assert.deepEqual(duration.quantity, { min: 100_000, max: 100_000 });
      assert.equal(cents(duration.monthlyMax), 2);
      assert.match(duration.basis, /assumed 200,000 requests\/month × 250 ms/);
      const data = onlyLine(estimate, "classifier-endpoint", /data processed/);
      assert.equal(data.status, "priced");
      assert.equal(
        linesOf(estimate, "classifier-endpoint").filter((l) => /instance-hours/.test(l.description)).length,
        0,
      );
    });
  });

  describe("unknown prices", () => {
    it("reports an unknown instance type as an explicit unknown price, not zero and not a crash", () => {
      const estimate = estimateStackCost(endpointStack({ instanceType: "ml.m4.xlarge" }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
      assert.equal(line.status, "unknown");
      assert.equal(line.monthlyMin, null);
      assert.equal(line.monthlyMax, null);
      assert.equal(line.confidence, "unknown");
      assert.match(
        line.reason!,
        /unknown price: no us-east-1 SageMaker real-time hosting price for ml\.m4\.xlarge/,
      );
      assert.match(line.reason!, /another region/); // the price file's note on why it has no figure
      assert.equal(estimate.totals.unknownCount, 1);
      assert.deepEqual(estimate.totals.unknownResources, ["classifier-endpoint"]);
      assert.match(summarizeEstimate(estimate), /\+ 1 unknown: classifier-endpoint/);
      assert.match(formatCostTable(estimate), /unknown price/);
      assert.match(formatCostTable(estimate), /\+ 1 unknown/);
    });

    it("explains a malformed instance type with the parser's reason", () => {
      const estimate = estimateStackCost(notebookStack({ instanceType: "ml.turbo" }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "nb-instance", /instance-hours/);
      assert.equal(line.status, "unknown");
      assert.match(line.reason!, /cannot be parsed as an instance type/);
    });

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

    it("marks an EBS volume without a size as unknown quantity, and non-gp3 volumes as unknown price", () => {
      const host = (rootBlockDevice: Record<string, unknown>) =>
        resource({
          type: TYPES.instance,
          name: "host",
          inputs: { instanceType: "m5.large", rootBlockDevice },
        });
      const noSize = estimateStackCost([host({ volumeType: "gp3", encrypted: true })], {
        region: "us-east-1",
      });
      assert.match(onlyLine(noSize, "host", /root volume/).reason!, /unknown quantity/);
      const io2 = estimateStackCost([host({ volumeType: "io2", volumeSize: 100 })], { region: "us-east-1" });
      assert.match(onlyLine(io2, "host", /root volume/).reason!, /gp3 only, not io2/);
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
  });

  describe("training host", () => {
    const host = (inputs: Record<string, unknown>) =>
      resource({
        type: TYPES.instance,
        name: "trainer",
        inputs: {
          instanceType: "g4dn.xlarge",
          rootBlockDevice: { volumeSize: 200, volumeType: "gp3", encrypted: true },
          ...inputs,
        },
      });

    it("prices on-demand hours from the assumption (730 by default) and the gp3 root volume", () => {
      const estimate = estimateStackCost([host({})], { region: "us-east-1" });
      const compute = onlyLine(estimate, "trainer", /instance-hours/);
      assert.equal(cents(compute.monthlyMax), cents(0.526 * 730));
      assert.equal(compute.confidence, "aws");
      const root = onlyLine(estimate, "trainer", /root volume/);
      assert.equal(cents(root.monthlyMax), 16); // 200 GB × $0.08
      const fewer = estimateStackCost([host({})], {
        region: "us-east-1",
        assumptions: { trainingHostHoursPerMonth: 100 },
      });
      assert.equal(cents(onlyLine(fewer, "trainer", /instance-hours/).monthlyMax), cents(0.526 * 100));
      assert.match(
        onlyLine(fewer, "trainer", /instance-hours/).basis,
        /100 h\/month \(assumption trainingHostHoursPerMonth\)/,
      );
    });

    it("shows spot as an indicative range (49–66 % off), never a single number", () => {
      const estimate = estimateStackCost(
        [
          host({
            instanceMarketOptions: { marketType: "spot", spotOptions: { spotInstanceType: "persistent" } },
          }),
        ],
        { region: "us-east-1" },
      );
      const line = onlyLine(estimate, "trainer", /spot/);
      assert.ok(line.monthlyMin! < line.monthlyMax!);
      assert.equal(cents(line.monthlyMin), cents(0.526 * 0.34 * 730));
      assert.equal(cents(line.monthlyMax), cents(0.526 * 0.51 * 730));
      assert.match(line.basis, /indicative range 49 %–66 % below on-demand/);
      assert.match(line.basis, /capped at on-demand/);
    });
  });

  describe("Lambda", () => {
    it("states the assumed request volume and duration; duration is a range with provisioned concurrency", () => {
      const estimate = estimateStackCost(functionStack(512, 1), {
        region: "us-east-1",
        assumptions: { lambdaRequestsPerMonth: 2_000_000, lambdaAverageDurationMs: 100 },
      });
      const requests = onlyLine(estimate, "infer-fn", /requests/);
      assert.equal(cents(requests.monthlyMax), 0.4);
      assert.match(requests.basis, /assumed 2,000,000 requests\/month/);
      const duration = onlyLine(estimate, "infer-fn", /duration/);
      // 2M × 0.1 s × 0.5 GB = 100,000 GB-s
      assert.deepEqual(duration.quantity, { min: 100_000, max: 100_000 });
      assert.equal(cents(duration.monthlyMin), cents(100_000 * 0.0000097222));
      assert.equal(cents(duration.monthlyMax), cents(100_000 * 0.0000166667));
    });

    it("reports arm64 provisioned concurrency as unknown (no figure in the price file)", () => {
      const estimate = estimateStackCost(functionStack(128, 3, ["arm64"]), { region: "us-east-1" });
      assert.equal(onlyLine(estimate, "infer-provisioned", /provisioned/).status, "unknown");
      assert.equal(onlyLine(estimate, "infer-fn", /duration/).status, "priced");
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
      assert.equal(cents(line.monthlyMax), 251.85);
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

    it("prices an invalid (negative) memory size as unknown, never as a negative cost", () => {
      // fast-check found this: memorySize -2.9e-7 used to flow into a negative GB-second figure.
      const estimate = estimateStackCost(functionStack(-0.5, 3), { region: "us-east-1" });
      const memoryLines = estimate.lines.filter((l) => /duration|provisioned/i.test(l.description));
      assert.ok(memoryLines.length >= 2, "the duration and provisioned-concurrency lines are present");
      for (const line of memoryLines) {
        assert.equal(line.status, "unknown", line.description);
        assert.match(line.reason ?? "", /memorySize .*not a valid size/);
      }
      assert.ok(estimate.totals.monthlyMin >= 0 && estimate.totals.monthlyMax >= 0);
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

  describe("formatCostTable", () => {
    it("prints each line's quantity, unit price, monthly range, confidence and basis, and the stack total", () => {
      const graph = [
        ...notebookStack({ volumeSize: 50 }),
        ...endpointStack({ min: 1, max: 3 }),
        ...functionStack(128, 3),
      ];
      const estimate = estimateStackCost(graph, { region: "us-east-1" });
      const table = formatCostTable(estimate);
      assert.match(table, /Resource\s+Type\s+Item\s+Quantity\s+Unit price\s+Monthly \(USD\)\s+Confidence/);
      assert.match(
        table,
        /classifier-endpoint\s+sagemaker:Endpoint\s+ml\.m5\.large hosting.*730–2,190 hour\s+\$0\.115\/hour\s+\$83\.95 – \$251\.85\s+secondary/,
      );
      assert.match(table, /nb-instance\s+sagemaker:NotebookInstance.*\$36\.50\s+secondary/);
      assert.match(table, /infer-provisioned.*\$0\.0000041667\/GB-second\s+\$4\.11\s+AWS/);
      assert.match(table, /Basis:\n\s+\[1\] always on: 730 h/);
      assert.match(table, /price: .*as of 2026-09/);
      const total = `${summarizeEstimate(estimate).split(" per month")[0]}`;
      assert.match(table, new RegExp(`^Total\\s+${total.replace(/[$.]/g, "\\$&")}$`, "m"));
    });

    /** [start, end) of each run of `pattern` in `line`. */
    const spans = (line: string, pattern: RegExp) =>
      [...line.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length] as const);

    for (const basis of [true, false]) {
      it(`draws one rule segment under each column heading and none elsewhere (basis: ${basis})`, () => {
        const estimate = estimateStackCost([...endpointStack({ min: 1, max: 3 }), ...functionStack(128, 3)], {
          region: "us-east-1",
        });
        const lines = formatCostTable(estimate, { basis }).split("\n");
        const headerAt = lines.findIndex((l) => l.startsWith("Resource "));
        const header = lines[headerAt]!;
        const rules = lines.filter((l) => /^-+( +-+)*$/.test(l));
        assert.equal(rules.length, 2, "one rule under the header, one above the total");
        assert.equal(lines[headerAt + 1], rules[0]);
        // Headings are separated by two or more spaces; single spaces sit inside one ("Unit price").
        const headings = spans(header, /\S+(?: \S+)*/g);
        const expected = [
          "Resource",
          "Type",
          "Item",
          "Quantity",
          "Unit price",
          "Monthly (USD)",
          "Confidence",
        ];
        assert.deepEqual(
          headings.map(([a, b]) => header.slice(a, b)),
          basis ? [...expected, "Basis"] : expected,
        );
        for (const rule of rules) {
          const segments = spans(rule, /-+/g);
          assert.equal(segments.length, headings.length, `a rule segment per heading:\n${header}\n${rule}`);
          headings.forEach(([a, b], i) => {
            const [from, to] = segments[i]!;
            assert.ok(from <= a && b <= to, `"${header.slice(a, b)}" is not above its rule segment`);
          });
        }
        // Line references point at notes that exist, and only when the notes are printed.
        assert.equal(lines.includes("Basis:"), basis);
        assert.equal(/\[1\]\s*$/m.test(lines.slice(0, headerAt + 3).join("\n")), basis);
      });
    }
  });
});
