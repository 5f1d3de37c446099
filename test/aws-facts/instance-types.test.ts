import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  compareSize,
  hasLocalInstanceStorage,
  parseInstanceType,
  sizeRankOf,
} from "@ml-platform/aws-facts/instance-types";

describe("aws-facts/instance-types", () => {
  const parsed = (raw: string) => {
    const result = parseInstanceType(raw);
    if (!result.ok) assert.fail(`expected ${raw} to parse: ${result.reason}`);
    return result.value;
  };

  it("splits SageMaker and EC2 types into prefix, family, generation, attributes and size", () => {
    assert.deepEqual(parsed("ml.g4dn.2xlarge"), {
      raw: "ml.g4dn.2xlarge",
      sagemaker: true,
      name: "g4dn.2xlarge",
      instanceClass: "g4dn",
      family: "g",
      generation: 4,
      attributes: "dn",
      size: "2xlarge",
      sizeRank: 4,
      burstable: false,
      accelerator: "gpu",
    });
    const m5 = parsed("m5.large");
    assert.equal(m5.sagemaker, false);
    assert.equal(m5.family, "m");
    assert.equal(m5.accelerator, undefined);
    assert.equal(m5.sizeRank, 1);
  });

  const cases: Array<[string, Partial<ReturnType<typeof parsed>>]> = [
    ["ml.t3.medium", { family: "t", burstable: true, sizeRank: 0.5 }],
    ["t3.nano", { family: "t", sizeRank: 0.0625 }],
    ["ml.inf2.xlarge", { family: "inf", generation: 2, accelerator: "inferentia", sizeRank: 2 }],
    ["ml.trn1n.32xlarge", { family: "trn", attributes: "n", accelerator: "trainium", sizeRank: 64 }],
    ["dl1.24xlarge", { family: "dl", accelerator: "gaudi" }],
    ["ml.p4de.24xlarge", { family: "p", attributes: "de", accelerator: "gpu", sizeRank: 48 }],
    ["c6gn.16xlarge", { family: "c", attributes: "gn", accelerator: undefined }],
    ["m7i-flex.large", { family: "m", attributes: "i-flex" }],
    ["gr6.4xlarge", { family: "gr", accelerator: "gpu" }],
    ["f1.2xlarge", { accelerator: "fpga" }],
    ["m5.metal", { size: "metal", sizeRank: 1000 }],
    ["c7i.metal-48xl", { size: "metal-48xl", sizeRank: 96 }],
    ["x2iedn.xlarge", { family: "x", attributes: "iedn" }],
    ["im4gn.large", { family: "im", attributes: "gn" }],
  ];
  for (const [raw, expected] of cases) {
    it(`parses ${raw}`, () => {
      const value = parsed(raw);
      for (const [key, want] of Object.entries(expected)) {
        assert.deepEqual((value as unknown as Record<string, unknown>)[key], want, `${raw}.${key}`);
      }
    });
  }

  for (const raw of [
    "",
    " ml.m5.large",
    "ml.m5",
    "m5",
    "ml..large",
    "ml.m5.huge",
    "ml.5m.large",
    "ML.M5.LARGE",
    "ml.m5.large.x",
    "m5.1xlarge",
    "u-6tb.metal",
    "u6tb1.metal",
  ]) {
    it(`reports ${JSON.stringify(raw)} as unparseable with a reason`, () => {
      const result = parseInstanceType(raw);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, /cannot be parsed as an instance type/);
    });
  }

  // Real types whose spelling departs from the common pattern, from the EC2 instance type lists
  // (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html, mo.html for high memory).
  for (const [raw, family, size] of [
    ["u-3tb1.56xlarge", "u", "56xlarge"],
    ["u-6tb1.metal", "u", "metal"],
    ["u-6tb1.112xlarge", "u", "112xlarge"],
    ["u-24tb1.112xlarge", "u", "112xlarge"],
    ["u7i-12tb.224xlarge", "u", "224xlarge"],
    ["u7in-32tb.224xlarge", "u", "224xlarge"],
    ["u7inh-32tb.480xlarge", "u", "480xlarge"],
    ["mac2-m2pro.metal", "mac", "metal"],
    ["p6-b200.48xlarge", "p", "48xlarge"],
    ["c7i-flex.large", "c", "large"],
    ["c7i.metal-24xl", "c", "metal-24xl"],
    ["x2iedn.32xlarge", "x", "32xlarge"],
    ["hpc7g.16xlarge", "hpc", "16xlarge"],
  ] as const) {
    it(`parses the real type ${raw}`, () => {
      const result = parseInstanceType(raw);
      assert.ok(result.ok, result.ok ? "" : result.reason);
      assert.equal(result.value.family, family);
      assert.equal(result.value.size, size);
    });
  }

  it("reads u-6tb1 as the first high-memory generation with 6 TiB", () => {
    const result = parseInstanceType("u-6tb1.112xlarge");
    assert.ok(result.ok);
    assert.deepEqual(
      {
        generation: result.value.generation,
        attributes: result.value.attributes,
        sizeRank: result.value.sizeRank,
      },
      { generation: 1, attributes: "6tb", sizeRank: 224 },
    );
  });

  it("orders sizes from nano to metal", () => {
    const ordered = [
      "nano",
      "micro",
      "small",
      "medium",
      "large",
      "xlarge",
      "2xlarge",
      "4xlarge",
      "8xlarge",
      "12xlarge",
      "24xlarge",
      "48xlarge",
      "metal",
    ];
    for (let i = 1; i < ordered.length; i++) {
      assert.ok(compareSize(ordered[i - 1]!, ordered[i]!) < 0, `${ordered[i - 1]} < ${ordered[i]}`);
    }
    assert.equal(compareSize("metal-48xl", "48xlarge"), 0, "metal-48xl has the vCPUs of 48xlarge");
    assert.equal(sizeRankOf("gigantic"), undefined);
    assert.throws(() => compareSize("gigantic", "large"), /"gigantic" is not an instance size/);
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const result = parseInstanceType(raw);
        assert.equal(typeof result.ok, "boolean");
      }),
      { numRuns: 2000 },
    );
  });

  describe("hasLocalInstanceStorage", () => {
    // SageMaker hosting types with instance storage volumes, as listed at
    // https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html (one size of each family).
    const sageMakerWithStorage = [
      "ml.c5d.xlarge",
      "ml.c6id.large",
      "ml.m5d.large",
      "ml.m6id.xlarge",
      "ml.r5d.large",
      "ml.r6id.large",
      "ml.g4dn.xlarge",
      "ml.g5.2xlarge",
      "ml.g6.xlarge",
      "ml.g6e.xlarge",
      "ml.gr6.4xlarge",
      "ml.p3dn.24xlarge",
      "ml.p4d.24xlarge",
      "ml.p4de.24xlarge",
      "ml.p5.48xlarge",
      "ml.p5e.48xlarge",
      "ml.p5en.48xlarge",
      "ml.trn1.2xlarge",
      "ml.trn1n.32xlarge",
      "ml.trn2.48xlarge",
      "ml.dl1.24xlarge",
    ];
    // EBS-only families: no instance store in the EC2 specifications
    // (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_instance-store and its siblings).
    const ebsOnly = [
      "ml.m5.large",
      "ml.c5.xlarge",
      "ml.c6i.large",
      "ml.m7i.xlarge",
      "ml.r5.large",
      "ml.t2.medium",
      "ml.p2.xlarge",
      "ml.p3.2xlarge",
      "ml.inf1.xlarge",
      "ml.inf2.xlarge",
      "m7i-flex.large",
      "c5n.xlarge",
    ];

    it("is true for every SageMaker hosting family AWS lists with instance storage", () => {
      const missed = sageMakerWithStorage.filter((t) => !hasLocalInstanceStorage(t));
      assert.deepEqual(missed, []);
    });

    it("is false for EBS-only families, with or without the ml. prefix", () => {
      const wrong = [...ebsOnly, ...ebsOnly.map((t) => t.replace(/^ml\./, ""))].filter(
        hasLocalInstanceStorage,
      );
      assert.deepEqual(wrong, []);
    });

    it("follows the d attribute of EC2 names and storage-optimized families", () => {
      for (const t of [
        "m7gd.large",
        "c7gd.xlarge",
        "x2idn.16xlarge",
        "z1d.large",
        "i4i.large",
        "i3en.xlarge",
      ]) {
        assert.ok(hasLocalInstanceStorage(t), t);
      }
    });

    it("accepts a parsed type and answers false for what does not parse", () => {
      assert.equal(hasLocalInstanceStorage(parsed("ml.p5.48xlarge")), true);
      assert.equal(hasLocalInstanceStorage("not-a-type"), false);
      assert.equal(hasLocalInstanceStorage(""), false);
    });
  });
});
