import { strict as assert } from "node:assert";
import { sagemakerModelNetworkIsolation } from "@ml-platform/policy/policies/sagemaker-model";
import { exemptionTagKey } from "@ml-platform/policy/framework";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** A model as ScalableEndpoint creates it: compliant. */
function model(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    executionRoleArn: "arn:aws:iam::123456789012:role/model",
    primaryContainer: {
      image: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.6.0-cpu-py312",
      modelDataUrl: "s3://bucket/models/v1/model.tar.gz",
    },
    enableNetworkIsolation: true,
  };
  mutate(props);
  return { type: AWS_TYPES.sagemakerModel, name: "classifier", props };
}

const NAME = sagemakerModelNetworkIsolation.name;

describe("sagemaker-model-network-isolation", () => {
  it("passes an isolated model", async () => {
    assert.deepEqual(messages(await runResourcePolicy(sagemakerModelNetworkIsolation, model())), []);
  });

  it("reports isolation off or unset (the SageMaker default is off)", async () => {
    const [off] = messages(
      await runResourcePolicy(
        sagemakerModelNetworkIsolation,
        model((p) => (p.enableNetworkIsolation = false)),
      ),
    );
    assert.match(
      off,
      /Model "classifier": enableNetworkIsolation is false: the inference container can reach/,
    );
    const [unset] = messages(
      await runResourcePolicy(
        sagemakerModelNetworkIsolation,
        model((p) => delete p.enableNetworkIsolation),
      ),
    );
    assert.match(unset, /enableNetworkIsolation is unset \(false\)/);
  });

  it("honours an exemption with a reason, and reports one without", async () => {
    const open = (reason: string) =>
      model((p) => {
        p.enableNetworkIsolation = false;
        p.tags = { [exemptionTagKey(NAME)]: reason };
      });
    assert.deepEqual(
      messages(
        await runResourcePolicy(sagemakerModelNetworkIsolation, open("installs requirements.txt at start")),
      ),
      [],
    );
    const viaConfig = await runResourcePolicy(
      sagemakerModelNetworkIsolation,
      model((p) => (p.enableNetworkIsolation = false)),
      { config: { exemptions: [{ resource: "classifier", reason: "code/requirements.txt" }] } },
    );
    assert.deepEqual(messages(viaConfig), []);
    const reasonless = messages(await runResourcePolicy(sagemakerModelNetworkIsolation, open("")));
    assert.equal(reasonless.length, 2);
    assert.ok(reasonless.some((m) => /without a written reason/.test(m)));
  });

  it("fails closed on an unknown flag", async () => {
    const [message] = messages(
      await runResourcePolicy(
        sagemakerModelNetworkIsolation,
        model((p) => (p.enableNetworkIsolation = unknown.boolean)),
      ),
    );
    assert.match(message, /enableNetworkIsolation is unknown during preview, and this policy fails closed/);
  });
});
