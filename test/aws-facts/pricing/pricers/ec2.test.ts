import { strict as assert } from "node:assert";
import { estimateStackCost } from "@ml-platform/aws-facts/pricing";
import type { CapturedResource } from "../../../../tools/lib/resource-graph";
import { assertUsd, BOOK, MONTH_HOURS, onlyLine, resource, TYPES } from "../graph-builder";

const onDemand = (type: string) => BOOK.ec2.onDemandLinux[type]!.usd;

describe("pricing: EC2 instances", () => {
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

  it("prices on-demand hours from the assumption (730 by default) and the root volume", () => {
    const estimate = estimateStackCost([host({})], { region: "us-east-1" });
    const compute = onlyLine(estimate, "trainer", /instance-hours/);
    assertUsd(compute.monthlyMax, onDemand("g4dn.xlarge") * MONTH_HOURS);
    assert.equal(compute.confidence, BOOK.ec2.onDemandLinux["g4dn.xlarge"]!.confidence);
    assertUsd(onlyLine(estimate, "trainer", /root volume/).monthlyMax, 200 * BOOK.ebs.gp3GbMonth!.usd);
    const fewer = estimateStackCost([host({})], {
      region: "us-east-1",
      assumptions: { trainingHostHoursPerMonth: 100 },
    });
    const line = onlyLine(fewer, "trainer", /instance-hours/);
    assertUsd(line.monthlyMax, onDemand("g4dn.xlarge") * 100);
    assert.match(line.basis, /100 h\/month \(assumption trainingHostHoursPerMonth\)/);
  });

  it("shows spot as the price file's indicative range below on-demand, never a single number", () => {
    const savings = BOOK.ec2.spotSavings!;
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
    assertUsd(line.monthlyMin, onDemand("g4dn.xlarge") * (1 - savings.max) * MONTH_HOURS);
    assertUsd(line.monthlyMax, onDemand("g4dn.xlarge") * (1 - savings.min) * MONTH_HOURS);
    const pct = (f: number) => `${Math.round(f * 100)} %`;
    assert.match(
      line.basis,
      new RegExp(`indicative range ${pct(savings.min)}–${pct(savings.max)} below on-demand`),
    );
    assert.match(line.basis, /capped at on-demand/);
  });

  it("prices every EBS volume type on an instance, and reports a volume without a size as unknown quantity", () => {
    const io2 = estimateStackCost(
      [host({ rootBlockDevice: { volumeType: "io2", volumeSize: 100, iops: 4000 } })],
      {
        region: "us-east-1",
      },
    );
    assertUsd(onlyLine(io2, "trainer", /root volume \(io2\)$/).monthlyMax, 100 * BOOK.ebs.io2GbMonth!.usd);
    assert.equal(onlyLine(io2, "trainer", /root volume \(io2\) provisioned IOPS/).status, "priced");
    const noSize = estimateStackCost([host({ rootBlockDevice: { volumeType: "gp3", encrypted: true } })], {
      region: "us-east-1",
    });
    assert.match(onlyLine(noSize, "trainer", /root volume/).reason!, /unknown quantity/);
  });
});

describe("pricing: EC2 instances launched from a template in the stack", () => {
  it("takes the instance type and volumes the template sets when the instance leaves them to it", () => {
    const template = resource({
      type: TYPES.launchTemplate,
      name: "trainer-template",
      inputs: {
        instanceType: "c5.xlarge",
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 60, volumeType: "gp2" } }],
      },
      computed: { id: "lt-0123" },
    });
    const instance = resource({
      type: TYPES.instance,
      name: "trainer",
      inputs: { launchTemplate: { id: "lt-0123", version: "$Latest" } },
      propertyDependencies: { launchTemplate: [template] },
    });
    const estimate = estimateStackCost([template, instance], { region: "us-east-1" });
    const compute = onlyLine(estimate, "trainer", /instance-hours/);
    assert.equal(compute.description, "c5.xlarge on-demand Linux instance-hours");
    assertUsd(compute.monthlyMax, onDemand("c5.xlarge") * MONTH_HOURS);
    assertUsd(
      onlyLine(estimate, "trainer", /EBS volume \/dev\/xvda \(gp2\)/).monthlyMax,
      60 * BOOK.ebs.gp2GbMonth!.usd,
    );
  });

  it("keeps the instance's own type over the template's", () => {
    const template = resource({
      type: TYPES.launchTemplate,
      name: "t",
      inputs: { instanceType: "p3.2xlarge" },
    });
    const instance = resource({
      type: TYPES.instance,
      name: "trainer",
      inputs: {
        instanceType: "t3.medium",
        launchTemplate: { name: "t" },
        rootBlockDevice: { volumeSize: 8 },
      },
      propertyDependencies: { launchTemplate: [template] },
    });
    const estimate = estimateStackCost([template, instance], { region: "us-east-1" });
    assertUsd(
      onlyLine(estimate, "trainer", /instance-hours/).monthlyMax,
      onDemand("t3.medium") * MONTH_HOURS,
    );
  });
});

describe("pricing: EC2 Auto Scaling groups", () => {
  const template = (inputs: Record<string, unknown> = {}) =>
    resource({
      type: TYPES.launchTemplate,
      name: "workers-template",
      inputs: {
        instanceType: "m5.large",
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 40, volumeType: "gp3" } }],
        ...inputs,
      },
      computed: { id: "lt-0abc", name: "workers-template-1a2b" },
    });
  const group = (lt: CapturedResource | undefined, inputs: Record<string, unknown>) =>
    resource({
      type: TYPES.autoscalingGroup,
      name: "workers",
      inputs: { minSize: 2, maxSize: 6, desiredCapacity: 3, ...inputs },
      propertyDependencies: lt ? { launchTemplate: [lt] } : {},
    });

  it("prices min size to max size instances of the launch template's type, always on, with their volumes", () => {
    const lt = template();
    const estimate = estimateStackCost(
      [lt, group(lt, { launchTemplate: { id: "lt-0abc", version: "$Latest" } })],
      {
        region: "us-east-1",
      },
    );
    const compute = onlyLine(estimate, "workers", /instance-hours/);
    assert.deepEqual(compute.quantity, { min: 2 * MONTH_HOURS, max: 6 * MONTH_HOURS });
    assertUsd(compute.monthlyMin, 2 * MONTH_HOURS * onDemand("m5.large"));
    assertUsd(compute.monthlyMax, 6 * MONTH_HOURS * onDemand("m5.large"));
    assert.match(compute.basis, /min size 2 \(desired 3\) to max size 6 instances × 730 h/);
    const disk = onlyLine(estimate, "workers", /EBS volume \/dev\/xvda/);
    assert.deepEqual(disk.quantity, { min: 80, max: 240 });
    assertUsd(disk.monthlyMax, 240 * BOOK.ebs.gp3GbMonth!.usd);
    assert.equal(estimate.freeResourceCount, 1, "the launch template itself has no charge");
  });

  it("finds the template by id when dependencies are not recorded", () => {
    const lt = template();
    const asg = resource({
      type: TYPES.autoscalingGroup,
      name: "workers",
      inputs: { minSize: 1, maxSize: 1, launchTemplate: { id: "lt-0abc" } },
    });
    const other = resource({
      type: TYPES.launchTemplate,
      name: "other",
      inputs: { instanceType: "p3.2xlarge" },
      computed: { id: "lt-0def" },
    });
    const estimate = estimateStackCost([other, lt, asg], { region: "us-east-1" });
    assertUsd(onlyLine(estimate, "workers", /instance-hours/).monthlyMax, MONTH_HOURS * onDemand("m5.large"));
  });

  it("spans the cheapest to the dearest override type of a mixed instances policy", () => {
    const lt = template();
    const estimate = estimateStackCost(
      [
        lt,
        group(lt, {
          mixedInstancesPolicy: {
            launchTemplate: {
              launchTemplateSpecification: { launchTemplateId: "lt-0abc" },
              overrides: [{ instanceType: "m5.large" }, { instanceType: "m5.2xlarge" }],
            },
          },
        }),
      ],
      { region: "us-east-1" },
    );
    const compute = onlyLine(estimate, "workers", /instance-hours/);
    assertUsd(compute.monthlyMin, 2 * MONTH_HOURS * onDemand("m5.large"));
    assertUsd(compute.monthlyMax, 6 * MONTH_HOURS * onDemand("m5.2xlarge"));
    assert.equal(
      compute.description,
      "m5.large/m5.2xlarge on-demand Linux instance-hours (Auto Scaling group)",
    );
  });

  it("reads the instance type and volumes of a launch configuration", () => {
    const lc = resource({
      type: TYPES.launchConfiguration,
      name: "workers-lc",
      inputs: { instanceType: "c5.xlarge", rootBlockDevice: { volumeSize: 20, volumeType: "gp2" } },
    });
    const asg = resource({
      type: TYPES.autoscalingGroup,
      name: "workers",
      inputs: { minSize: 1, maxSize: 2 },
      propertyDependencies: { launchConfiguration: [lc] },
    });
    const estimate = estimateStackCost([lc, asg], { region: "us-east-1" });
    assertUsd(
      onlyLine(estimate, "workers", /instance-hours/).monthlyMax,
      2 * MONTH_HOURS * onDemand("c5.xlarge"),
    );
    assertUsd(
      onlyLine(estimate, "workers", /root volume \(gp2\)/).monthlyMax,
      2 * 20 * BOOK.ebs.gp2GbMonth!.usd,
    );
  });

  it("reports what it cannot price as unknown: no template in the stack, weighted capacity, unknown sizes", () => {
    const lonely = estimateStackCost([group(undefined, { launchTemplate: { id: "lt-elsewhere" } })], {
      region: "us-east-1",
    });
    assert.match(
      onlyLine(lonely, "workers", /instance-hours/).reason!,
      /launch template or configuration is not in the stack/,
    );
    const lt = template();
    const weighted = estimateStackCost(
      [
        lt,
        group(lt, {
          mixedInstancesPolicy: {
            launchTemplate: {
              launchTemplateSpecification: { launchTemplateId: "lt-0abc" },
              overrides: [{ instanceType: "m5.large", weightedCapacity: "2" }],
            },
          },
        }),
      ],
      { region: "us-east-1" },
    );
    assert.match(onlyLine(weighted, "workers", /instance-hours/).reason!, /weightedCapacity/);
    const sizeless = estimateStackCost([lt, group(lt, { minSize: undefined })], { region: "us-east-1" });
    assert.equal(onlyLine(sizeless, "workers", /instance-hours/).status, "unknown");
    assert.equal(onlyLine(sizeless, "workers", /EBS volumes/).status, "unknown");
    const unpriced = estimateStackCost(
      [template({ instanceType: "x2iedn.32xlarge" }), group(undefined, {})],
      {
        region: "us-east-1",
      },
    );
    assert.match(
      onlyLine(unpriced, "workers", /instance-hours/).reason!,
      /no us-east-1 EC2 on-demand Linux price for x2iedn\.32xlarge/,
    );
  });
});
