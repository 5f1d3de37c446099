import { strict as assert } from "node:assert";
import { estimateStackCost } from "@ml-platform/aws-facts/pricing";
import { assertUsd, BOOK, functionStack, MONTH_HOURS, onlyLine } from "../graph-builder";

const SECONDS_PER_MONTH = MONTH_HOURS * 3600;
const x86 = BOOK.lambda.x86_64;

describe("pricing: Lambda", () => {
  it("prices provisioned concurrency per GB-second while enabled: environments × memory × 730 h", () => {
    for (const [memoryMb, count] of [
      [128, 3],
      [1024, 2],
    ] as const) {
      const estimate = estimateStackCost(functionStack(memoryMb, count), { region: "us-east-1" });
      const line = onlyLine(estimate, "infer-provisioned", /provisioned concurrency/);
      const gbSeconds = count * (memoryMb / 1024) * SECONDS_PER_MONTH;
      assert.equal(line.status, "priced");
      assert.equal(line.unit, "GB-second");
      assert.deepEqual(line.quantity, { min: gbSeconds, max: gbSeconds });
      assertUsd(line.monthlyMax, gbSeconds * x86.provisionedConcurrencyGbSecond!.usd);
      assert.equal(line.confidence, x86.provisionedConcurrencyGbSecond!.confidence);
      assert.match(line.basis, new RegExp(`${count} environments × ${memoryMb.toLocaleString("en-US")} MB`));
    }
  });

  it("states the assumed requests and duration; duration spans provisioned to on-demand rates", () => {
    const estimate = estimateStackCost(functionStack(512, 1), {
      region: "us-east-1",
      assumptions: { lambdaRequestsPerMonth: 2_000_000, lambdaAverageDurationMs: 100 },
    });
    const requests = onlyLine(estimate, "infer-fn", /requests/);
    assertUsd(requests.monthlyMax, 2 * x86.requestsPerMillion!.usd);
    assert.match(requests.basis, /assumed 2,000,000 requests\/month/);
    const duration = onlyLine(estimate, "infer-fn", /duration/);
    const gbSeconds = 2_000_000 * 0.1 * 0.5; // requests × seconds × GB
    assert.deepEqual(duration.quantity, { min: gbSeconds, max: gbSeconds });
    assertUsd(duration.monthlyMin, gbSeconds * x86.provisionedDurationGbSecond!.usd);
    assertUsd(duration.monthlyMax, gbSeconds * x86.durationGbSecond!.usd);
  });

  it("reports a price the file lacks (arm64 provisioned concurrency) as unknown, and prices the rest", () => {
    assert.equal(
      BOOK.lambda.arm64.provisionedConcurrencyGbSecond,
      undefined,
      "precondition: the file lacks it",
    );
    const estimate = estimateStackCost(functionStack(128, 3, ["arm64"]), { region: "us-east-1" });
    assert.equal(onlyLine(estimate, "infer-provisioned", /provisioned/).status, "unknown");
    const duration = onlyLine(estimate, "infer-fn", /duration/);
    assert.equal(duration.status, "priced");
    assert.equal(duration.unitPrice!.max, BOOK.lambda.arm64.durationGbSecond!.usd);
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
});
