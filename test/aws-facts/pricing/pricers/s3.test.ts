import { strict as assert } from "node:assert";
import { estimateStackCost, isFreeType } from "@ml-platform/aws-facts/pricing";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { assertUsd, BOOK, linesOf, onlyLine, resource } from "../graph-builder";

const GB_MONTH = BOOK.s3.standardGbMonth!.usd;

/** A data bucket whose server access logs go to a log bucket (matched by dependency, or by name when `byName`). */
function loggedStack(byName = false) {
  const data = resource({
    type: AWS_TYPES.s3Bucket,
    name: "artifacts",
    computed: { id: "artifacts-1", bucket: "artifacts-1" },
  });
  const logs = resource({
    type: AWS_TYPES.s3Bucket,
    name: "artifacts-logs",
    computed: { id: "logs-1", bucket: "logs-1" },
  });
  const delivery = resource({
    type: AWS_TYPES.s3BucketLogging,
    name: "artifacts-delivery",
    inputs: { bucket: "artifacts-1", targetBucket: "logs-1", targetPrefix: "access-logs/" },
    ...(byName ? {} : { propertyDependencies: { bucket: [data], targetBucket: [logs] } }),
  });
  return [data, logs, delivery];
}

describe("pricing: S3 buckets and server access logs", () => {
  it("prices a log bucket with accessLogStorageGb and a data bucket with bucketStorageGb", () => {
    for (const byName of [false, true]) {
      const estimate = estimateStackCost(loggedStack(byName), {
        region: "us-east-1",
        assumptions: { bucketStorageGb: 200, accessLogStorageGb: 3 },
      });
      const data = onlyLine(estimate, "artifacts", /S3 Standard storage/);
      assertUsd(data.monthlyMax, 200 * GB_MONTH);
      assert.match(data.basis, /assumption bucketStorageGb/);
      const logs = onlyLine(estimate, "artifacts-logs", /server access logs/);
      assertUsd(logs.monthlyMax, 3 * GB_MONTH);
      assert.match(logs.basis, /assumed 3 GB stored \(assumption accessLogStorageGb\)/);
    }
  });

  it("adds no line for the logging setting itself: log delivery is free, the logs are billed as storage", () => {
    assert.ok(isFreeType(AWS_TYPES.s3BucketLogging));
    const estimate = estimateStackCost(loggedStack(), { region: "us-east-1" });
    assert.deepEqual(linesOf(estimate, "artifacts-delivery"), []);
    assert.ok(!estimate.notEstimated.some((n) => n.name === "artifacts-delivery"));
  });
});
