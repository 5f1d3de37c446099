import { strict as assert } from "node:assert";
import { endpointConfigKms, hasInstanceStorage } from "@ml-platform/policy/policies/sagemaker";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function endpointConfig(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    kmsKeyArn: KEY,
    productionVariants: [
      {
        variantName: "AllTraffic",
        modelName: "classifier",
        instanceType: "ml.m5.xlarge",
        initialInstanceCount: 1,
      },
    ],
  };
  mutate(props);
  return { type: AWS_TYPES.sagemakerEndpointConfiguration, name: "classifier", props };
}

describe("endpoint-config-kms", () => {
  const classes = endpointConfigKms.platform.config.localStorageClasses.default as string[];

  it("knows which instance types have instance storage", () => {
    for (const t of ["ml.g4dn.xlarge", "ml.m5d.large", "ml.p4d.24xlarge", "ml.g5.2xlarge", "ml.c5d.xlarge"]) {
      assert.ok(hasInstanceStorage(t, classes), t);
    }
    for (const t of ["ml.m5.xlarge", "ml.c6i.large", "ml.inf2.xlarge", "ml.t2.medium", "not-a-type"]) {
      assert.ok(!hasInstanceStorage(t, classes), t);
    }
  });

  it("knows every family AWS lists with instance storage even with no classes configured", () => {
    for (const t of [
      "ml.p5.48xlarge",
      "ml.p5en.48xlarge",
      "ml.gr6.4xlarge",
      "ml.dl1.24xlarge",
      "ml.g6e.xlarge",
    ]) {
      assert.ok(hasInstanceStorage(t, []), t);
    }
  });

  it("passes a key with EBS-backed variants", async () => {
    assert.deepEqual(messages(await runResourcePolicy(endpointConfigKms, endpointConfig())), []);
  });

  it("reports a missing key, naming the property and the fix", async () => {
    const [message] = messages(
      await runResourcePolicy(
        endpointConfigKms,
        endpointConfig((p) => delete p.kmsKeyArn),
      ),
    );
    assert.match(message, /EndpointConfiguration "classifier": kmsKeyArn is unset.*Fix: set kmsKeyArn/);
  });

  it("passes instance-storage variants without a key and reports a key that CreateEndpointConfig would reject", async () => {
    const storage = (p: Record<string, any>) => (p.productionVariants[0].instanceType = "ml.g4dn.xlarge");
    const withoutKey = endpointConfig((p) => {
      storage(p);
      delete p.kmsKeyArn;
    });
    assert.deepEqual(messages(await runResourcePolicy(endpointConfigKms, withoutKey)), []);
    const [message] = messages(await runResourcePolicy(endpointConfigKms, endpointConfig(storage)));
    assert.match(message, /kmsKeyArn is set, but ml.g4dn.xlarge uses instance storage/);
  });

  it("defers on a key ARN unknown during preview, but reports it with instance storage", async () => {
    const deferred = await runResourcePolicy(
      endpointConfigKms,
      endpointConfig((p) => (p.kmsKeyArn = unknown.string)),
    );
    assert.deepEqual(deferred.violations, []);
    assert.match(deferred.deferred ?? "", /during preview/);
    const storage = endpointConfig((p) => {
      p.kmsKeyArn = unknown.string;
      p.productionVariants[0].instanceType = "ml.p4d.24xlarge";
    });
    assert.match(messages(await runResourcePolicy(endpointConfigKms, storage))[0], /instance storage/);
  });

  it("requires a key when the instance type is unknown", async () => {
    const c = endpointConfig((p) => {
      delete p.kmsKeyArn;
      p.productionVariants[0].instanceType = unknown.string;
    });
    assert.match(messages(await runResourcePolicy(endpointConfigKms, c))[0], /kmsKeyArn is unset/);
  });
});
