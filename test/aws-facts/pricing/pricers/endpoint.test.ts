import { strict as assert } from "node:assert";
import {
  DEFAULT_COST_ASSUMPTIONS,
  estimateStackCost,
  formatCostTable,
  summarizeEstimate,
} from "@ml-platform/aws-facts/pricing";
import { assertUsd, BOOK, endpointStack, linesOf, MONTH_HOURS, onlyLine } from "../graph-builder";

const hosting = (type: string) => BOOK.sagemaker.hosting[type]!;
const storage = () => BOOK.sagemaker.mlStorageGbMonth!.usd;

describe("pricing: SageMaker endpoints", () => {
  it("prices instance-hours from the scalable target's min to max capacity × 730 h, with no spot option", () => {
    const estimate = estimateStackCost(endpointStack({ instanceType: "ml.m5.large", min: 1, max: 3 }), {
      region: "us-east-1",
    });
    const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
    assert.deepEqual(line.quantity, { min: 1 * MONTH_HOURS, max: 3 * MONTH_HOURS });
    assertUsd(line.monthlyMin, MONTH_HOURS * hosting("ml.m5.large").usd);
    assertUsd(line.monthlyMax, 3 * MONTH_HOURS * hosting("ml.m5.large").usd);
    assert.equal(line.confidence, hosting("ml.m5.large").confidence);
    assert.equal(line.source, hosting("ml.m5.large").source);
    assert.match(line.basis, /min capacity 1 to max capacity 3/);
    assert.match(line.basis, /no spot option/);
  });

  describe("linking the scalable target", () => {
    it("by dependencies when names are unknown (preview)", () => {
      const estimate = estimateStackCost(endpointStack({ min: 2, max: 4, knownNames: false }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
      assert.deepEqual(line.quantity, { min: 2 * MONTH_HOURS, max: 4 * MONTH_HOURS });
    });

    it("by component parent when neither names nor dependencies are known", () => {
      const estimate = estimateStackCost(
        endpointStack({ min: 1, max: 5, knownNames: false, propertyDependencies: false }),
        { region: "us-east-1" },
      );
      assert.deepEqual(onlyLine(estimate, "classifier-endpoint", /instance-hours/).quantity, {
        min: MONTH_HOURS,
        max: 5 * MONTH_HOURS,
      });
    });

    it("falls back to initialInstanceCount when no autoscaling target exists", () => {
      const estimate = estimateStackCost(endpointStack({ initial: 2, withTarget: false }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
      assert.deepEqual(line.quantity, { min: 2 * MONTH_HOURS, max: 2 * MONTH_HOURS });
      assert.match(line.basis, /no autoscaling target found/);
    });
  });

  it("prices ML storage per instance from volumeSizeInGb, else from the stated assumption", () => {
    const set = estimateStackCost(endpointStack({ min: 1, max: 3, volumeSizeInGb: 10 }), {
      region: "us-east-1",
    });
    const setLine = onlyLine(set, "classifier-endpoint", /ML storage/);
    assert.deepEqual(setLine.quantity, { min: 10, max: 30 });
    assertUsd(setLine.monthlyMax, 30 * storage());
    const unset = estimateStackCost(endpointStack({ min: 1, max: 3 }), { region: "us-east-1" });
    const unsetLine = onlyLine(unset, "classifier-endpoint", /ML storage/);
    const gb = DEFAULT_COST_ASSUMPTIONS.endpointVolumeGbPerInstance;
    assert.deepEqual(unsetLine.quantity, { min: gb, max: 3 * gb });
    assert.match(unsetLine.basis, /assumption endpointVolumeGbPerInstance/);
  });

  it("prices a serverless variant per GB-second of memory and per GB processed, with stated traffic", () => {
    const estimate = estimateStackCost(
      endpointStack({ serverless: { memorySizeInMb: 2048, maxConcurrency: 5 }, withTarget: false }),
      {
        region: "us-east-1",
        assumptions: { serverlessRequestsPerMonth: 200_000, serverlessAverageDurationMs: 250 },
      },
    );
    const duration = onlyLine(estimate, "classifier-endpoint", /serverless.*duration/);
    const gbSeconds = 200_000 * 0.25 * 2; // requests × seconds × GB
    assert.deepEqual(duration.quantity, { min: gbSeconds, max: gbSeconds });
    assertUsd(duration.monthlyMax, gbSeconds * BOOK.sagemaker.serverless!.inferenceGbSecond!.usd);
    assert.match(duration.basis, /assumed 200,000 requests\/month × 250 ms/);
    const data = onlyLine(estimate, "classifier-endpoint", /data processed/);
    const gb = (200_000 * DEFAULT_COST_ASSUMPTIONS.serverlessPayloadKbPerRequest) / (1024 * 1024);
    assertUsd(data.monthlyMax, gb * BOOK.sagemaker.serverless!.dataProcessedGb!.usd);
    assert.equal(
      linesOf(estimate, "classifier-endpoint").filter((l) => /instance-hours/.test(l.description)).length,
      0,
    );
  });

  it("reports a type the price file lists as unpriced as an explicit unknown price, with the file's reason", () => {
    const [type, why] = Object.entries(BOOK.sagemaker.unpriced ?? {})[0]!;
    const estimate = estimateStackCost(endpointStack({ instanceType: type }), { region: "us-east-1" });
    const line = onlyLine(estimate, "classifier-endpoint", /instance-hours/);
    assert.equal(line.status, "unknown");
    assert.equal(line.monthlyMin, null);
    assert.equal(line.monthlyMax, null);
    assert.equal(line.confidence, "unknown");
    assert.ok(
      line.reason!.startsWith(
        `unknown price: no us-east-1 SageMaker real-time hosting price for ${type} (${why})`,
      ),
    );
    assert.equal(estimate.totals.unknownCount, 1);
    assert.deepEqual(estimate.totals.unknownResources, ["classifier-endpoint"]);
    assert.match(summarizeEstimate(estimate), /\+ 1 unknown: classifier-endpoint/);
    assert.match(formatCostTable(estimate), /unknown price/);
  });
});
