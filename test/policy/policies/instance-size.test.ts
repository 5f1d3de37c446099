import { strict as assert } from "node:assert";
import {
  instanceSizeEc2,
  instanceSizeEndpoint,
  instanceSizeNotebook,
} from "@ml-platform/policy/policies/instance-size";
import { endpointConfig } from "../support/fixtures";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const NOTEBOOK = AWS_TYPES.sagemakerNotebookInstance;

const notebook = (instanceType: unknown) => ({
  type: NOTEBOOK,
  name: "explore",
  props: { instanceType, roleArn: "arn" },
});
const instance = (instanceType: unknown, type: string = AWS_TYPES.ec2Instance) => ({
  type,
  name: "trainer",
  props: { instanceType, ami: "ami-1" },
});

describe("policy instance-size-notebook", () => {
  it("passes a small notebook", async () => {
    assert.deepEqual(await runResourcePolicy(instanceSizeNotebook, notebook("ml.t3.medium")), {
      violations: [],
    });
    assert.deepEqual(await runResourcePolicy(instanceSizeNotebook, notebook("ml.m5.xlarge")), {
      violations: [],
    });
  });

  it("reports a size above the default maximum (xlarge), naming the type and the fix", async () => {
    const texts = messages(await runResourcePolicy(instanceSizeNotebook, notebook("ml.m5.4xlarge")));
    assert.equal(texts.length, 1);
    assert.match(
      texts[0],
      /NotebookInstance "explore": instanceType is "ml\.m5\.4xlarge", size 4xlarge exceeds the maximum xlarge for this surface\. Fix: use ml\.m5\.xlarge or smaller/,
    );
  });

  it("reports accelerators unless allowed", async () => {
    const gpu = notebook("ml.g4dn.xlarge");
    assert.match(messages(await runResourcePolicy(instanceSizeNotebook, gpu))[0], /accelerated \(gpu\) type/);
    assert.deepEqual(
      (await runResourcePolicy(instanceSizeNotebook, gpu, { config: { allowAccelerators: true } }))
        .violations,
      [],
    );
    assert.equal(
      (await runResourcePolicy(instanceSizeNotebook, notebook("ml.inf2.xlarge"))).violations.length,
      1,
    );
    assert.equal(
      (await runResourcePolicy(instanceSizeNotebook, notebook("ml.trn1.2xlarge"))).violations.length,
      2,
    );
  });

  it("reports a metal size as above any virtualised maximum", async () => {
    const texts = messages(
      await runResourcePolicy(instanceSizeNotebook, notebook("ml.m5.metal"), {
        config: { maxSize: "48xlarge" },
      }),
    );
    assert.equal(texts.length, 1);
  });

  it("reports unparseable types, a missing ml. prefix, and non-strings, never passing them", async () => {
    assert.match(
      messages(await runResourcePolicy(instanceSizeNotebook, notebook("ml.m5.huge")))[0],
      /instanceType is unparseable, so its size and family cannot be checked: .*"huge" is not spelt as a size/,
    );
    assert.match(
      messages(await runResourcePolicy(instanceSizeNotebook, notebook("banana")))[0],
      /cannot be parsed/,
    );
    assert.match(
      messages(await runResourcePolicy(instanceSizeNotebook, notebook("t3.medium")))[0],
      /without the ml\. prefix SageMaker requires\. Fix: use "ml\.t3\.medium"/,
    );
    assert.match(
      messages(await runResourcePolicy(instanceSizeNotebook, notebook(42)))[0],
      /is 42, not an instance type string/,
    );
  });

  it("fails closed on an unknown instance type", async () => {
    const result = await runResourcePolicy(instanceSizeNotebook, notebook(unknown.string));
    assert.equal(result.deferred, undefined);
    assert.match(messages(result)[0], /instanceType is unknown during preview, and this policy fails closed/);
  });

  it("applies allowedFamilies by family or class, and deniedFamilies", async () => {
    const allowed = { config: { allowedFamilies: ["t", "ml.m5"] } };
    assert.deepEqual(
      (await runResourcePolicy(instanceSizeNotebook, notebook("ml.t3.medium"), allowed)).violations,
      [],
    );
    assert.deepEqual(
      (await runResourcePolicy(instanceSizeNotebook, notebook("ml.m5.large"), allowed)).violations,
      [],
    );
    assert.match(
      messages(await runResourcePolicy(instanceSizeNotebook, notebook("ml.c5.large"), allowed))[0],
      /family c5 is not in allowedFamilies/,
    );
    const denied = { config: { deniedFamilies: ["r"] } };
    assert.match(
      messages(await runResourcePolicy(instanceSizeNotebook, notebook("ml.r5.large"), denied))[0],
      /is denied \("r" in deniedFamilies\)/,
    );
  });

  it("reports allowedFamilies and deniedFamilies together as invalid config, and an invalid maxSize", async () => {
    const both = await runResourcePolicy(instanceSizeNotebook, notebook("ml.t3.medium"), {
      config: { allowedFamilies: ["t"], deniedFamilies: ["p"] },
    });
    assert.match(messages(both)[0], /allowedFamilies and deniedFamilies are mutually exclusive/);
    const badSize = await runResourcePolicy(instanceSizeNotebook, notebook("ml.t3.medium"), {
      config: { maxSize: "huge" },
    });
    assert.match(messages(badSize)[0], /maxSize "huge" is not an instance size/);
  });
});

describe("policy instance-size-ec2", () => {
  it("passes a GPU training host within the default maximum (accelerators allowed on EC2)", async () => {
    assert.deepEqual(await runResourcePolicy(instanceSizeEc2, instance("g4dn.xlarge")), { violations: [] });
  });

  it("checks Instance, SpotInstanceRequest and LaunchTemplate", async () => {
    for (const type of [
      AWS_TYPES.ec2Instance,
      AWS_TYPES.ec2SpotInstanceRequest,
      AWS_TYPES.ec2LaunchTemplate,
    ]) {
      assert.match(
        messages(await runResourcePolicy(instanceSizeEc2, instance("p4d.24xlarge", type)))[0],
        /size 24xlarge exceeds the maximum 2xlarge/,
        type,
      );
    }
  });

  it("passes a launch template without instanceType (the type is set elsewhere)", async () => {
    assert.deepEqual(
      await runResourcePolicy(instanceSizeEc2, instance(undefined, AWS_TYPES.ec2LaunchTemplate)),
      { violations: [] },
    );
  });

  it("checks attribute-based selection on launch templates: exact allowed types only", async () => {
    const template = (instanceRequirements: unknown) => ({
      type: AWS_TYPES.ec2LaunchTemplate,
      name: "trainers",
      props: { instanceRequirements },
    });
    const ranges = { vcpuCount: { min: 2 }, memoryMib: { min: 4096 } };
    const exact = template({ ...ranges, allowedInstanceTypes: ["m5.xlarge", "g5.xlarge"] });
    assert.deepEqual((await runResourcePolicy(instanceSizeEc2, exact)).violations, []);
    assert.match(
      messages(await runResourcePolicy(instanceSizeEc2, template(ranges)))[0],
      /instanceRequirements\.allowedInstanceTypes is unset, so attribute-based selection may launch any size/,
    );
    const loose = template({ ...ranges, allowedInstanceTypes: ["m5.*", "m5.24xlarge"] });
    const texts = messages(await runResourcePolicy(instanceSizeEc2, loose));
    assert.equal(texts.length, 2);
    assert.match(texts[0], /allowedInstanceTypes\[0\] is the pattern "m5\.\*"/);
    assert.match(
      texts[1],
      /allowedInstanceTypes\[1\] is "m5\.24xlarge", size 24xlarge exceeds the maximum 2xlarge/,
    );
    const unknownRequirements = template({ ...ranges, allowedInstanceTypes: [unknown.string] });
    assert.match(
      messages(await runResourcePolicy(instanceSizeEc2, unknownRequirements))[0],
      /is unknown during preview/,
    );
  });

  it("reports a SageMaker type on EC2, and accelerators when disallowed", async () => {
    assert.match(
      messages(await runResourcePolicy(instanceSizeEc2, instance("ml.m5.large")))[0],
      /a SageMaker type \(ml\. prefix\) on an EC2 resource/,
    );
    assert.equal(
      (
        await runResourcePolicy(instanceSizeEc2, instance("g5.xlarge"), {
          config: { allowAccelerators: false },
        })
      ).violations.length,
      1,
    );
  });
});

describe("policy instance-size-endpoint", () => {
  it("passes the compliant endpoint configuration", async () => {
    assert.deepEqual(await runResourcePolicy(instanceSizeEndpoint, endpointConfig()), { violations: [] });
  });

  it("checks every production and shadow variant, naming the index", async () => {
    const c = endpointConfig();
    c.props.productionVariants.push({
      variantName: "big",
      modelName: "dogs",
      instanceType: "ml.m5.12xlarge",
    });
    c.props.shadowProductionVariants = [
      { variantName: "shadow", modelName: "dogs2", instanceType: "ml.g5.xlarge" },
    ];
    const texts = messages(await runResourcePolicy(instanceSizeEndpoint, c));
    assert.equal(texts.length, 2);
    assert.match(texts[0], /productionVariants\[1\]\.instanceType is "ml\.m5\.12xlarge"/);
    assert.match(
      texts[1],
      /shadowProductionVariants\[0\]\.instanceType is "ml\.g5\.xlarge", an accelerated \(gpu\) type/,
    );
  });

  it("passes a serverless variant (no instance type) and reports an Elastic Inference accelerator", async () => {
    const c = endpointConfig();
    c.props.productionVariants = [
      { variantName: "sl", modelName: "dogs", serverlessConfig: { maxConcurrency: 5, memorySizeInMb: 2048 } },
    ];
    assert.deepEqual((await runResourcePolicy(instanceSizeEndpoint, c)).violations, []);
    const ei = endpointConfig();
    ei.props.productionVariants[0].acceleratorType = "ml.eia2.medium";
    assert.match(
      messages(await runResourcePolicy(instanceSizeEndpoint, ei))[0],
      /acceleratorType attaches the Elastic Inference accelerator/,
    );
  });

  it("fails closed on an unknown variant instance type", async () => {
    const c = endpointConfig();
    c.props.productionVariants[0].instanceType = unknown.string;
    assert.match(
      messages(await runResourcePolicy(instanceSizeEndpoint, c))[0],
      /productionVariants\[0\]\.instanceType is unknown during preview/,
    );
  });
});
