import { strict as assert } from "node:assert";
import { estimateStackCost, type StackCostEstimate } from "@ml-platform/aws-facts/pricing";
import { assertUsd, BOOK, onlyLine, resource, TYPES } from "../graph-builder";

const ebs = BOOK.ebs;
const volume = (inputs: Record<string, unknown>) =>
  estimateStackCost(
    [resource({ type: TYPES.volume, name: "data", inputs: { availabilityZone: "us-east-1a", ...inputs } })],
    {
      region: "us-east-1",
    },
  );
const storageLine = (estimate: StackCostEstimate) => onlyLine(estimate, "data", /^EBS volume \([a-z0-9]+\)$/);

describe("pricing: EBS volumes", () => {
  it("prices storage per GB-month for every volume type, from that type's entry", () => {
    const byType = {
      gp3: ebs.gp3GbMonth,
      gp2: ebs.gp2GbMonth,
      io1: ebs.io1GbMonth,
      io2: ebs.io2GbMonth,
      st1: ebs.st1GbMonth,
      sc1: ebs.sc1GbMonth,
      standard: ebs.standardGbMonth,
    };
    for (const [type, entry] of Object.entries(byType)) {
      const estimate = volume({ type, size: 500, iops: type.startsWith("io") ? 1000 : undefined });
      const line = storageLine(estimate);
      assert.equal(line.description, `EBS volume (${type})`);
      assert.deepEqual(line.quantity, { min: 500, max: 500 }, type);
      assertUsd(line.monthlyMax, 500 * entry!.usd, type);
      assert.equal(line.source, entry!.source);
      assert.match(line.basis, /whole month, attached or not/);
    }
  });

  it("takes the provider's default gp2 when no type is set, and says so", () => {
    const line = storageLine(volume({ size: 100 }));
    assert.equal(line.description, "EBS volume (gp2)");
    assertUsd(line.monthlyMax, 100 * ebs.gp2GbMonth!.usd);
    assert.match(line.basis, /provider's default gp2/);
  });

  it("bills gp3 IOPS and throughput only above the included 3,000 IOPS and 125 MiB/s", () => {
    const baseline = volume({ type: "gp3", size: 100, iops: 3000, throughput: 125 });
    assert.equal(baseline.lines.length, 1, "storage only");
    const extra = volume({ type: "gp3", size: 100, iops: 10_000, throughput: 500 });
    const iops = onlyLine(extra, "data", /provisioned IOPS/);
    assert.deepEqual(iops.quantity, { min: 7000, max: 7000 });
    assertUsd(iops.monthlyMax, 7000 * ebs.gp3IopsMonth!.usd);
    const throughput = onlyLine(extra, "data", /provisioned throughput/);
    assert.deepEqual(throughput.quantity, { min: 375, max: 375 });
    assertUsd(throughput.monthlyMax, 375 * ebs.gp3ThroughputMibpsMonth!.usd);
    assertUsd(
      extra.totals.monthlyMax,
      100 * ebs.gp3GbMonth!.usd + 7000 * ebs.gp3IopsMonth!.usd + 375 * ebs.gp3ThroughputMibpsMonth!.usd,
    );
  });

  it("bills every provisioned io1 IOPS", () => {
    const iops = onlyLine(volume({ type: "io1", size: 100, iops: 5000 }), "data", /provisioned IOPS/);
    assertUsd(iops.monthlyMax, 5000 * ebs.io1IopsMonth!.usd);
  });

  it("bills io2 IOPS per tier, each tier at its own rate", () => {
    const tiers = ebs.io2IopsMonthTiers!;
    assert.equal(tiers.length, 3, "precondition: three tiers");
    const [first, second, third] = tiers as [(typeof tiers)[0], (typeof tiers)[0], (typeof tiers)[0]];
    const iops = second.upTo! + 6000; // reaches into the third tier
    const estimate = volume({ type: "io2", size: 200, iops });
    const lines = estimate.lines.filter((l) => /provisioned IOPS/.test(l.description));
    assert.deepEqual(
      lines.map((l) => l.quantity!.max),
      [first.upTo!, second.upTo! - first.upTo!, 6000],
    );
    const expected = first.upTo! * first.usd + (second.upTo! - first.upTo!) * second.usd + 6000 * third.usd;
    assertUsd(
      lines.reduce((sum, l) => sum + l.monthlyMax!, 0),
      expected,
    );
    const small = volume({ type: "io2", size: 200, iops: 1000 }).lines.filter((l) =>
      /IOPS/.test(l.description),
    );
    assert.equal(small.length, 1);
    assertUsd(small[0]!.monthlyMax, 1000 * first.usd);
  });

  it("reports missing or unknown quantities and unknown types as unknown lines, never as zero", () => {
    assert.match(storageLine(volume({ type: "gp3" })).reason!, /unknown quantity: size not set/);
    const noIops = volume({ type: "io2", size: 100 });
    assert.match(onlyLine(noIops, "data", /provisioned IOPS/).reason!, /iops is not set/);
    const odd = volume({ type: "io9", size: 100 });
    assert.equal(odd.lines.length, 1);
    assert.match(odd.lines[0]!.reason!, /io9 is not an EBS volume type the price file covers/);
  });
});
